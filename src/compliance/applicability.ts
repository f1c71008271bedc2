/**
 * Whether a policy (or a control) applies to a target: its OS family and minimum version
 * (os-release `ID` or `ID_LIKE`), and a technology that must be present (a package or a path).
 * When it does not apply, the reason reads "no data for policy <id> on <target>: <technology> not
 * present" — a policy without data is never a PASS.
 */
import { getVersionScheme } from '../versions/list.js';
import type { TargetFacts } from './facts.js';
import type { Applicability } from './policy/policy-types.js';

function versionAtLeast(actual: string, minimum: string): boolean {
  // os-release versions are dotted numbers (12, 22.04, 9.3); the dpkg ordering compares them
  // numerically part by part and never throws on the odd suffix.
  return getVersionScheme('dpkg').compare(actual, minimum) >= 0;
}

/** Undefined when it applies; otherwise the missing technology, for the message. */
export async function missingTechnology(applicability: Applicability | undefined, facts: TargetFacts): Promise<string | undefined> {
  if (!applicability) return undefined;
  const technology = applicability.technology;
  if (applicability.os) {
    const os = await facts.os();
    const families = os ? [os.family, ...(os.idLike ?? [])] : [];
    const matching = applicability.os.find((entry) => families.includes(entry.family) && (!entry.minVersion || (os !== undefined && versionAtLeast(os.version, entry.minVersion))));
    if (!matching) return technology ?? applicability.os.map((entry) => `${entry.family}${entry.minVersion ? ` >= ${entry.minVersion}` : ''}`).join(' or ');
  }
  if (applicability.anyOf) {
    let present = false;
    for (const condition of applicability.anyOf) {
      if ('path' in condition) present = (await facts.target.stat(condition.path)) !== undefined;
      else present = (await facts.packages()).packages.some((pkg) => pkg.name === condition.package);
      if (present) break;
    }
    if (!present) return technology ?? applicability.anyOf.map((condition) => ('path' in condition ? condition.path : condition.package)).join(' or ');
  }
  return undefined;
}
