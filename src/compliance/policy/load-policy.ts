/**
 * Loading policies: a file in one of the listed policy formats (policy/list.ts), or a built-in
 * policy by id. The format validates what it parses; every mistake is a usage error (exit 2)
 * naming the file, line and field. A file is read, within a size limit, before any format sees it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readConfigText } from '../../config/read-config-file.js';
import { UsageError } from '../../errors.js';
import { hasPolicyExtension, policyFormatOf } from './list.js';
import { builtinPolicyDir } from './schemas.js';
import type { Policy } from './policy-types.js';

const MAX_POLICY_BYTES = 8 * 1024 * 1024;

/** A policy's text in whichever listed format it is (told by `origin`'s name, else by the text). */
export function parsePolicy(text: string, origin: string): Policy {
  return policyFormatOf(origin, text).parse(text, origin);
}

export function loadPolicyFile(file: string): Policy {
  return parsePolicy(readConfigText(file, 'the policy', { maxBytes: MAX_POLICY_BYTES }), file);
}

/** The built-in policies, by id. */
export function builtinPolicies(): Policy[] {
  const dir = builtinPolicyDir();
  return readdirSync(dir)
    .filter((name) => hasPolicyExtension(name))
    .sort()
    .map((name) => ({ ...loadPolicyFile(path.join(dir, name)), origin: `built-in:${name}` }));
}

/** `--policy` values: a built-in policy id, or a policy file. */
export function resolvePolicies(specs: readonly string[]): Policy[] {
  const builtins = new Map<string, Policy>();
  const lazyBuiltins = (): Map<string, Policy> => {
    if (builtins.size === 0) for (const policy of builtinPolicies()) builtins.set(policy.id, policy);
    return builtins;
  };
  const policies = specs.map((spec) => {
    const looksLikeFile = spec.includes('/') || hasPolicyExtension(spec);
    if (looksLikeFile) return loadPolicyFile(spec);
    const builtin = lazyBuiltins().get(spec);
    if (!builtin) throw new UsageError(`unknown policy "${spec}": not a built-in policy (${[...lazyBuiltins().keys()].join(', ')}) and not a file path`);
    return builtin;
  });
  const ids = new Set<string>();
  for (const policy of policies) {
    if (ids.has(policy.id)) throw new UsageError(`policy "${policy.id}" is given twice`);
    ids.add(policy.id);
  }
  return policies;
}
