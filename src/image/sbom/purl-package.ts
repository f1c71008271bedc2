/**
 * A component's package URL turned into the package Tollgate would have read from the image: the
 * purl type is the package type, the name carries the namespace the way the ecosystem writes it
 * (`@babel/core`, `github.com/x/y`, `org.apache:commons-lang3`), and the qualifiers give what an
 * OS package database would have said (`arch`, `upstream` source package, `distro` release).
 *
 * Untrusted text in, data or a reason out: it never throws.
 */
import { PackageURL } from 'packageurl-js';
import { PACKAGE_TYPES, type OsInfo, type PackageRecord, type PackageType } from '../../model/package.js';

/** Purl types whose namespace is the distribution, not part of the package's name. */
const OS_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm', 'alpm']);
/** Purl types whose name and namespace are joined with `:` (Maven's groupId:artifactId). */
const COLON_JOINED: ReadonlySet<string> = new Set(['maven']);
const KNOWN_TYPES: ReadonlySet<string> = new Set(PACKAGE_TYPES);

export type PurlReading =
  | { kind: 'package'; record: Omit<PackageRecord, 'location' | 'source'>; source?: PackageRecord['source']; distro?: OsInfo }
  | { kind: 'unsupported'; type: string }
  | { kind: 'invalid'; reason: string };

/** The name a package of `type` has in Tollgate's inventory, from the purl's namespace and name. */
export function packageName(type: string, namespace: string | undefined, name: string): string {
  if (!namespace || OS_TYPES.has(type)) return name;
  return COLON_JOINED.has(type) ? `${namespace}:${name}` : `${namespace}/${name}`;
}

/**
 * The OS a purl's `distro` qualifier names: `debian-12`, `ubuntu-22.04`, `alpine-3.19.1`,
 * `opensuse-leap-15.5` (the version is what follows the first `-` before a digit), or a bare
 * version (`3.19.1`, as Trivy writes apk purls) of the distribution the purl's namespace names.
 * Purls that write only a code name (`distro=bookworm`) or nothing say nothing about the OS.
 */
export function osOfDistro(distro: string | undefined, namespace?: string): OsInfo | undefined {
  if (!distro) return undefined;
  const value = distro.trim().toLowerCase();
  const family = namespace?.toLowerCase();
  if (family && /^[a-z][a-z0-9._-]*$/.test(family) && /^\d[0-9a-z._~+-]*$/.test(value)) return { family, version: value };
  const match = /^([a-z][a-z0-9._-]*?)-(\d[0-9a-z._~+-]*)$/.exec(value);
  if (!match) return undefined;
  return { family: match[1] as string, version: match[2] as string };
}

/** `upstream=glibc` or `upstream=glibc@2.36-9`: the source package, with its version where it differs. */
function sourceOf(upstream: string | undefined): PackageRecord['source'] | undefined {
  if (!upstream) return undefined;
  const at = upstream.indexOf('@');
  const name = at < 0 ? upstream : upstream.slice(0, at);
  const version = at < 0 ? '' : upstream.slice(at + 1);
  if (name === '') return undefined;
  return { name, ...(version ? { version } : {}) };
}

export function readPurl(text: string): PurlReading {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text);
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
  const type = purl.type.toLowerCase();
  if (!KNOWN_TYPES.has(type)) return { kind: 'unsupported', type };
  if (!purl.version) return { kind: 'invalid', reason: 'no version' };
  const qualifiers = purl.qualifiers ?? {};
  const record: Omit<PackageRecord, 'location' | 'source'> = {
    type: type as PackageType,
    name: packageName(type, purl.namespace ?? undefined, purl.name),
    version: purl.version,
  };
  const arch = qualifiers.arch;
  if (arch) record.architecture = arch;
  const source = OS_TYPES.has(type) ? sourceOf(qualifiers.upstream) : undefined;
  const distro = OS_TYPES.has(type) ? osOfDistro(qualifiers.distro, purl.namespace ?? undefined) : undefined;
  return { kind: 'package', record, ...(source ? { source } : {}), ...(distro ? { distro } : {}) };
}
