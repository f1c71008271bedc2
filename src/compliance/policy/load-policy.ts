/**
 * Loading policies: a file of the native YAML format or a built-in policy by id. A policy is
 * validated against docs/schema/policy.schema.json and then for what a schema cannot say
 * (duplicate control ids, regular expressions that do not compile, operators without a value);
 * every mistake is a usage error (exit 2) naming the file, line and field.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readConfigText } from '../../config/read-config-file.js';
import { parseValidatedYaml, type ValidatedYaml } from '../../config/validated-yaml.js';
import { UsageError } from '../../errors.js';
import { builtinPolicyDir, loadSchema } from './schemas.js';
import type { CheckDefinition, Operator, Policy } from './policy-types.js';

const MAX_POLICY_BYTES = 8 * 1024 * 1024;
const NUMERIC_OPERATORS: readonly Operator[] = ['lt', 'le', 'gt', 'ge'];

function checkRegex(pattern: string, where: string, field: string): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new UsageError(`${where}: ${field}: invalid regular expression: ${(error as Error).message}`);
  }
}

function checkOperator(operator: Operator, value: unknown, where: string, field: string): void {
  if (operator === 'present' || operator === 'absent') return;
  if (value === undefined) throw new UsageError(`${where}: ${field}: operator "${operator}" needs a value`);
  if (operator === 'in' && !Array.isArray(value)) throw new UsageError(`${where}: ${field}: operator "in" needs a list of values`);
  if (operator !== 'in' && Array.isArray(value)) throw new UsageError(`${where}: ${field}: operator "${operator}" takes one value, not a list`);
  if (NUMERIC_OPERATORS.includes(operator) && !Number.isFinite(Number(value))) throw new UsageError(`${where}: ${field}: operator "${operator}" compares numbers; "${String(value)}" is not a number`);
  if (operator === 'regex') checkRegex(String(value), where, field);
}

function checkDefinition(check: CheckDefinition, at: (string | number)[], source: ValidatedYaml<unknown>): void {
  const where = source.where(at);
  const field = at.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('').slice(1);
  switch (check.type) {
    case 'file-content':
      for (const [list, name] of [[check.mustMatch, 'mustMatch'], [check.mustNotMatch, 'mustNotMatch']] as const) list?.forEach((pattern, index) => checkRegex(pattern, source.where([...at, name, index]), `${field}.${name}[${index}]`));
      if (check.capture) {
        checkRegex(check.capture.pattern, where, `${field}.capture.pattern`);
        checkOperator(check.capture.operator, check.capture.value, where, `${field}.capture`);
      }
      if (!check.mustMatch && !check.mustNotMatch && !check.capture) throw new UsageError(`${where}: ${field}: a file-content check needs mustMatch, mustNotMatch or capture`);
      break;
    case 'config-value':
      if (check.format === 'pam' ? !check.pam : !check.key) throw new UsageError(`${where}: ${field}: format ${check.format} needs ${check.format === 'pam' ? '"pam"' : '"key"'}`);
      if (check.format === 'pam' && !check.pam?.argument && !['present', 'absent'].includes(check.operator)) throw new UsageError(`${where}: ${field}: a pam check without "argument" takes operator present or absent`);
      checkOperator(check.operator, check.value, where, field);
      break;
    case 'sysctl':
      checkOperator(check.operator, check.value, where, field);
      break;
    case 'command':
      for (const [list, name] of [[check.stdoutMatches, 'stdoutMatches'], [check.stdoutNotMatches, 'stdoutNotMatches']] as const) list?.forEach((pattern, index) => checkRegex(pattern, source.where([...at, name, index]), `${field}.${name}[${index}]`));
      break;
    case 'all':
    case 'any':
    case 'none':
      check.checks.forEach((child, index) => checkDefinition(child, [...at, 'checks', index], source));
      break;
    default:
      break;
  }
}

export function parsePolicy(text: string, origin: string): Policy {
  const source = parseValidatedYaml<Omit<Policy, 'origin'>>(text, origin, loadSchema('policy'));
  const policy = { ...source.data, origin };
  const seen = new Map<string, number>();
  policy.controls.forEach((control, index) => {
    const first = seen.get(control.cid);
    if (first !== undefined) throw new UsageError(`${source.where(['controls', index, 'cid'])}: controls[${index}].cid: "${control.cid}" is already the id of controls[${first}]; control ids must be unique`);
    seen.set(control.cid, index);
    checkDefinition(control.check, ['controls', index, 'check'], source as ValidatedYaml<unknown>);
  });
  return policy;
}

export function loadPolicyFile(file: string): Policy {
  return parsePolicy(readConfigText(file, 'the policy', { maxBytes: MAX_POLICY_BYTES }), file);
}

/** The built-in policies, by id. */
export function builtinPolicies(): Policy[] {
  const dir = builtinPolicyDir();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
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
    const looksLikeFile = spec.includes('/') || spec.endsWith('.yaml') || spec.endsWith('.yml');
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
