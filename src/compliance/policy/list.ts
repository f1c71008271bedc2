/**
 * The one list of policy formats. Adding a format: a folder under src/compliance/policy/ whose
 * index.ts exports a PolicyFormat, and one line here. A policy file's format is told by its name
 * when exactly one format claims the ending, otherwise by its content; a file no format recognises
 * is refused with the formats known, never parsed as the nearest guess.
 */
import { UsageError } from '../../errors.js';
import { nativeYamlFormat } from './native-yaml/index.js';
import type { PolicyFormat } from './policy-format.js';
import { scapFormat } from './scap/index.js';

export const POLICY_FORMATS: readonly PolicyFormat[] = [nativeYamlFormat, scapFormat];

/** True when a file name ends as some format's files do (`--policy x.yaml` names a file, not a built-in). */
export function hasPolicyExtension(file: string): boolean {
  return POLICY_FORMATS.some((format) => format.extensions.some((extension) => file.endsWith(extension)));
}

/** The format of a policy file, from its name and its text. */
export function policyFormatOf(file: string, text: string, formats: readonly PolicyFormat[] = POLICY_FORMATS): PolicyFormat {
  const named = formats.filter((format) => format.extensions.some((extension) => file.endsWith(extension)));
  if (named.length === 1 && named[0]) return named[0];
  const recognised = (named.length > 0 ? named : formats).find((format) => format.sniff(text));
  if (recognised) return recognised;
  const known = formats.map((format) => `${format.id} (${format.description}; ${format.extensions.join(', ')})`).join(', ');
  throw new UsageError(`policy ${file}: not in a policy format Tollgate reads; the known formats are ${known}`);
}
