/**
 * What the rpm distributions' descriptors share: the lookup of a package by its source package
 * (AlmaLinux, Rocky Linux, SUSE and openSUSE advisories name the source rpm) at the installed
 * package's own `epoch:version-release`, the major release from os-release, and module streams.
 *
 * Module streams: on RHEL-family systems one package name exists in several streams
 * (`nodejs:18`, `nodejs:20`), built as `…module_el9…` releases whose version orders say nothing
 * across streams. An advisory for a modular build applies only to packages of a module, and only to
 * the stream it names (AlmaLinux and Rocky Linux write it in the summary: "nodejs:20 security
 * update"); an advisory for a non-modular build never applies to a modular package, nor the reverse.
 */
import type { OsInfo, PackageRecord } from '../model/package.js';
import type { AdvisoryScope, AdvisoryQuery } from './ecosystem.js';

/** Advisories name the source rpm; the installed package's epoch:version-release is what is compared. */
export function rpmAdvisoryQuery(pkg: PackageRecord): AdvisoryQuery {
  return { name: pkg.source?.name ?? pkg.name, version: pkg.version };
}

/** The major release of an RHEL-family system: VERSION_ID's first number, else PLATFORM_ID's (`platform:el9`). */
export function enterpriseLinuxMajor(os: OsInfo): string | undefined {
  return /^(\d+)(?:\.|$)/.exec(os.version)?.[1] ?? /^platform:el(\d+)$/.exec(os.platformId ?? '')?.[1];
}

/** `nodejs:18:9010020230306170042:rhel9[:x86_64]` -> `nodejs:18`. */
export function moduleStreamOf(modularityLabel: string): string | undefined {
  const [name, stream] = modularityLabel.split(':');
  return name && stream ? `${name}:${stream}` : undefined;
}

/** A release built for a module: `.module_el9.1.0+15+abc` (AlmaLinux, RHEL), `.module+el8.7.0+1084+97b81f61` (Rocky Linux). */
const MODULAR_BUILD = /\.module[_+]el\d/;
/** `name:stream` tokens in an advisory summary: "Important: nodejs:20 security update". */
const STREAM_IN_SUMMARY = /(?:^|\s)([A-Za-z0-9][A-Za-z0-9_.+-]*:[A-Za-z0-9][A-Za-z0-9_.+-]*)(?=\s|$|,)/g;

export function moduleStreamAllows(pkg: PackageRecord, scope: AdvisoryScope): boolean {
  const modularAdvisory = scope.rangeVersions.some((version) => MODULAR_BUILD.test(version));
  if (!pkg.modularityLabel) return !modularAdvisory;
  if (!modularAdvisory) return false;
  const named = [...(scope.summary ?? '').matchAll(STREAM_IN_SUMMARY)].map((match) => match[1] as string);
  if (named.length === 0) return true;
  const stream = moduleStreamOf(pkg.modularityLabel);
  return stream !== undefined && named.includes(stream);
}
