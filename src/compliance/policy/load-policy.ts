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
import { parseScapPolicy } from './scap/index.js';
import type { CriticalityOverrides } from '../scap/xccdf/result-mapping.js';
import { builtinPolicyDir } from './schemas.js';
import type { Policy } from './policy-types.js';

const MAX_POLICY_BYTES = 8 * 1024 * 1024;
/** SCAP data streams are large (Debian 12's is 10 MB); the XML reader bounds depth and entities. */
const MAX_SCAP_BYTES = 64 * 1024 * 1024;

/** What `--tailoring` and `--scap-criticality` add to SCAP policies. */
export interface PolicyLoadOptions {
  /** An XCCDF tailoring file applied to every `scap:` policy. */
  tailoring?: string;
  criticalities?: CriticalityOverrides;
}

/**
 * `scap:<file>#<profile>`: SCAP content (a data stream or an XCCDF benchmark) for one profile. A
 * plain benchmark's OVAL files are read beside it, by the names it gives, never outside its folder.
 */
export function loadScapPolicy(spec: string, options: PolicyLoadOptions = {}): Policy {
  const body = spec.replace(/^scap:/, '');
  const hash = body.lastIndexOf('#');
  const file = hash === -1 ? body : body.slice(0, hash);
  const profile = hash === -1 ? undefined : body.slice(hash + 1);
  if (file === '') throw new UsageError(`--policy ${spec}: no file; write scap:<file>#<profile>`);
  if (profile === '') throw new UsageError(`--policy ${spec}: an empty profile after #; write scap:<file>#<profile>`);
  const text = readConfigText(file, 'the SCAP content', { maxBytes: MAX_SCAP_BYTES });
  const folder = path.dirname(file);
  const readReferenced = (href: string): string | undefined => {
    if (path.isAbsolute(href) || href.split(/[\\/]/).includes('..') || href.includes(':')) return undefined;
    return readConfigText(path.join(folder, href), 'an OVAL file the benchmark references', { maxBytes: MAX_SCAP_BYTES });
  };
  const tailoring = options.tailoring ? { text: readConfigText(options.tailoring, 'the tailoring file', { maxBytes: MAX_POLICY_BYTES }), origin: options.tailoring } : undefined;
  return parseScapPolicy(text, file, { ...(profile ? { profile } : {}), ...(tailoring ? { tailoring } : {}), ...(options.criticalities ? { criticalities: options.criticalities } : {}), readReferenced });
}

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
export function resolvePolicies(specs: readonly string[], options: PolicyLoadOptions = {}): Policy[] {
  const builtins = new Map<string, Policy>();
  const lazyBuiltins = (): Map<string, Policy> => {
    if (builtins.size === 0) for (const policy of builtinPolicies()) builtins.set(policy.id, policy);
    return builtins;
  };
  if (options.tailoring && !specs.some((spec) => spec.startsWith('scap:'))) throw new UsageError('--tailoring applies to SCAP content: give a --policy scap:<file>#<profile>');
  const policies = specs.map((spec) => {
    if (spec.startsWith('scap:')) return loadScapPolicy(spec, options);
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
