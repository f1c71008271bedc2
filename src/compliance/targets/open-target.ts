/**
 * Opening a target from its specification (`local`, `dir:<path>`, `ssh://user@host[:port]`,
 * `image:<ref>`; any of them may be written `env.NAME`): the kind is chosen from the list of
 * target kinds (list.ts), never by a chain of special cases here.
 */
import { UsageError } from '../../errors.js';
import { resolveEnvValue } from '../../util/env-values.js';
import { TARGET_KINDS, unknownTargetMessage } from './list.js';
import type { OpenTargetOptions, Target } from './target.js';

export type { OpenTargetOptions } from './target.js';

export async function openTarget(rawSpec: string, options: OpenTargetOptions = {}): Promise<Target> {
  const spec = resolveEnvValue(rawSpec, 'target');
  const entry = TARGET_KINDS.find((candidate) => candidate.matches(spec));
  if (!entry) throw new UsageError(unknownTargetMessage(spec));
  return entry.open(spec, options);
}
