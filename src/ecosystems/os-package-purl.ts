/**
 * Package URLs of OS packages (deb, apk, rpm), shared by every OS ecosystem: the distribution is
 * the namespace and the `distro` qualifier (`pkg:deb/debian/bash@5.2.15-2+b8?arch=amd64&distro=debian-12`),
 * with the source package as `upstream` where it differs from the binary package. Built with
 * packageurl-js, which does the percent-encoding. The output must stay byte for byte what it is:
 * findings, SBOMs and stored results refer to packages by it.
 */
import { PackageURL } from 'packageurl-js';
import type { PackageType } from '../model/package.js';
import type { PurlBuilder } from './ecosystem.js';

function qualifiers(entries: Record<string, string | undefined>): Record<string, string> | undefined {
  const defined = Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return defined.length ? Object.fromEntries(defined) : undefined;
}

/**
 * The purl builder for OS packages of `type`. The namespace is the OS's os-release `ID`;
 * `namespaceWithoutOs` stands in when the image's OS was not found.
 */
export function osPackagePurl(type: Extract<PackageType, 'deb' | 'apk' | 'rpm'>, namespaceWithoutOs: string): PurlBuilder {
  return (record, os) => {
    const distro = os ? `${os.family}-${os.version}` : undefined;
    const upstream = record.source && record.source.name !== record.name ? record.source.name : undefined;
    return new PackageURL(type, os?.family ?? namespaceWithoutOs, record.name, record.version, qualifiers({ arch: record.architecture, distro, upstream }), undefined).toString();
  };
}
