/**
 * Maven: Java archives (jar, war, ear and what is nested in them), matched against OSV's `Maven`
 * advisories (GitHub's advisory database and others) by `groupId:artifactId`, wherever in the
 * image they are. The name is the coordinate pair as OSV writes it: `org.apache.logging.log4j:log4j-core`.
 *
 * An archive whose identity came only from its manifest or file name has no groupId: its name is
 * the artifactId alone, which no Maven advisory names, and its purl is `generic` (a Maven purl
 * requires the group, and guessing one would match another project's advisories).
 */
import { PackageURL } from 'packageurl-js';
import type { PackageRecord } from '../../model/package.js';
import type { EcosystemDescriptor } from '../ecosystem.js';

/** `groupId:artifactId` split in two; no group when the name has no `:`. */
export function mavenCoordinates(name: string): { groupId?: string; artifactId: string } {
  const colon = name.indexOf(':');
  return colon > 0 && colon < name.length - 1 ? { groupId: name.slice(0, colon), artifactId: name.slice(colon + 1) } : { artifactId: name };
}

function mavenPurl(record: PackageRecord): string {
  const { groupId, artifactId } = mavenCoordinates(record.name);
  if (!groupId) return new PackageURL('generic', undefined, artifactId, record.version, undefined, undefined).toString();
  return new PackageURL('maven', groupId, artifactId, record.version, undefined, undefined).toString();
}

export const maven: EcosystemDescriptor = {
  id: 'maven',
  packageType: 'maven',
  versionScheme: 'maven',
  osv: { ecosystem: 'Maven', downloadByDefault: true },
  osvEcosystemFor: () => 'Maven',
  normalizeName: (name) => name,
  purl: mavenPurl,
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
};
