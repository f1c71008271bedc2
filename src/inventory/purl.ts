/**
 * Package URLs (https://github.com/package-url/purl-spec) for inventory records, built with
 * packageurl-js. OS packages carry their distribution as the namespace and the `distro`
 * qualifier (`pkg:deb/debian/bash@5.2.15-2+b8?arch=amd64&distro=debian-12`), plus the source
 * package as `upstream` where it differs from the binary package.
 */
import { PackageURL } from 'packageurl-js';
import type { OsInfo, PackageRecord } from '../model/package.js';

function qualifiers(entries: Record<string, string | undefined>): Record<string, string> | undefined {
  const defined = Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return defined.length ? Object.fromEntries(defined) : undefined;
}

export function purlFor(record: PackageRecord, os: OsInfo | undefined): string {
  const distro = os ? `${os.family}-${os.version}` : undefined;
  const upstream = record.source && record.source.name !== record.name ? record.source.name : undefined;
  switch (record.type) {
    case 'deb':
      return new PackageURL('deb', os?.family ?? 'debian', record.name, record.version, qualifiers({ arch: record.architecture, distro, upstream }), undefined).toString();
    case 'apk':
      return new PackageURL('apk', os?.family ?? 'alpine', record.name, record.version, qualifiers({ arch: record.architecture, distro, upstream }), undefined).toString();
    case 'rpm':
      return new PackageURL('rpm', os?.family ?? 'redhat', record.name, record.version, qualifiers({ arch: record.architecture, distro, upstream }), undefined).toString();
    case 'npm': {
      const slash = record.name.startsWith('@') ? record.name.indexOf('/') : -1;
      const namespace = slash > 0 ? record.name.slice(0, slash) : undefined;
      const name = slash > 0 ? record.name.slice(slash + 1) : record.name;
      return new PackageURL('npm', namespace, name, record.version, undefined, undefined).toString();
    }
    case 'pypi':
      return new PackageURL('pypi', undefined, record.name.toLowerCase().replace(/_/g, '-'), record.version, undefined, undefined).toString();
  }
}
