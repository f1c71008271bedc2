/**
 * The one list of version schemes. Adding a scheme: a folder under src/versions/ and one line here.
 * Which package type a scheme orders is the ecosystem descriptors' business (src/ecosystems/): a
 * scheme such as rpm's serves several distributions, so src/versions/ never imports src/ecosystems/.
 */
import { apk } from './apk/index.js';
import { composer } from './composer/index.js';
import { dpkg } from './dpkg/index.js';
import { gem } from './gem/index.js';
import { goScheme } from './go/index.js';
import { maven } from './maven/index.js';
import { nuget } from './nuget/index.js';
import { pep440 } from './pep440/index.js';
import { rpm } from './rpm/index.js';
import type { VersionScheme } from './scheme.js';
import { semverScheme } from './semver/index.js';

const SCHEMES: readonly VersionScheme[] = [dpkg, apk, rpm, semverScheme, pep440, maven, goScheme, gem, composer, nuget];

export const VERSION_SCHEMES: ReadonlyMap<string, VersionScheme> = new Map(SCHEMES.map((scheme) => [scheme.id, scheme]));

export function getVersionScheme(id: string): VersionScheme {
  const scheme = VERSION_SCHEMES.get(id);
  if (!scheme) throw new Error(`unknown version scheme "${id}" (known: ${[...VERSION_SCHEMES.keys()].join(', ')})`);
  return scheme;
}
