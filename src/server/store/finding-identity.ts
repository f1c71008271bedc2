/**
 * How the server names one finding of one image across scans and re-evaluations: the flaw's id,
 * the package's purl (type, name, version) and the file it was read from. A package id is only
 * stable within one result, so it cannot serve here.
 */
import type { Finding } from '../../model/finding.js';

export function findingIdentity(finding: Finding): string {
  return `${finding.id}|${finding.package.purl}|${finding.package.location}`;
}
