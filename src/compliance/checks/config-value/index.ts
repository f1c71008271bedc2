/**
 * `config-value`: one configuration value read with the semantics of the program that reads it
 * (sshd: first value wins, Include, Match; login.defs and key-value files: last wins; sysctl:
 * sysctl.d precedence; PAM: the module stack with includes followed).
 */
import { parseKeyValue } from '../../config/key-value.js';
import { parsePamService } from '../../config/pam.js';
import { parseSshdConfig, type ConfigSetting } from '../../config/sshd-config.js';
import { configuredSysctl, normalizeSysctlKey } from '../../config/sysctl-files.js';
import type { CheckOutcome } from '../../../model/control.js';
import { UsageError } from '../../../errors.js';
import { compareValue, describeExpected, EXPECTED_VALUE_SCHEMA, OPERATOR_SCHEMA, requireOperatorValue, type ExpectedValue, type Operator } from '../compare.js';
import { EvidenceBuilder, type CheckContext, type CheckType, type DefinitionSite, type SchemaFragment } from '../check-type.js';

export type ConfigFormat = 'sshd' | 'login.defs' | 'sysctl' | 'key-value' | 'pam';

export interface ConfigValueCheck {
  type: 'config-value';
  format: ConfigFormat;
  path?: string;
  key?: string;
  pam?: { type: 'auth' | 'account' | 'password' | 'session'; module: string; argument?: string };
  operator: Operator;
  value?: ExpectedValue;
  default?: string | number;
  whenAbsent?: 'pass' | 'fail';
  ignoreCase?: boolean;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'A configuration value with the real semantics of the program that reads it.',
  required: ['type', 'format', 'operator'],
  additionalProperties: false,
  properties: {
    type: { const: 'config-value' },
    format: {
      enum: ['sshd', 'login.defs', 'sysctl', 'key-value', 'pam'],
      description: 'Whose semantics: sshd (first value wins, Include, Match), login.defs, sysctl (sysctl.d precedence), key-value (KEY=VALUE or KEY VALUE, last wins), pam (module lines).',
    },
    path: { type: 'string', pattern: '^/', description: 'The main file (defaults: /etc/ssh/sshd_config, /etc/login.defs, /etc/sysctl.conf).' },
    key: { type: 'string', minLength: 1 },
    pam: {
      type: 'object',
      required: ['type', 'module'],
      additionalProperties: false,
      properties: {
        type: { enum: ['auth', 'account', 'password', 'session'] },
        module: { type: 'string', minLength: 1 },
        argument: { type: 'string', minLength: 1 },
      },
    },
    operator: OPERATOR_SCHEMA,
    value: EXPECTED_VALUE_SCHEMA,
    default: { type: ['string', 'number'], description: "The program's built-in value, used when nothing sets the key." },
    whenAbsent: { enum: ['pass', 'fail'], description: 'Outcome when the key is set nowhere and there is no default. Default fail.' },
    ignoreCase: { type: 'boolean' },
  },
};

function validate(check: ConfigValueCheck, site: DefinitionSite): void {
  const [where, field] = [site.where(), site.field()];
  if (check.format === 'pam' ? !check.pam : !check.key) throw new UsageError(`${where}: ${field}: format ${check.format} needs ${check.format === 'pam' ? '"pam"' : '"key"'}`);
  if (check.format === 'pam' && !check.pam?.argument && !['present', 'absent'].includes(check.operator)) throw new UsageError(`${where}: ${field}: a pam check without "argument" takes operator present or absent`);
  requireOperatorValue(check.operator, check.value, where, field);
}

const DEFAULT_PATHS: Record<string, string> = { sshd: '/etc/ssh/sshd_config', 'login.defs': '/etc/login.defs', sysctl: '/etc/sysctl.conf' };

async function lookup(check: ConfigValueCheck, { target, facts }: CheckContext): Promise<{ setting?: ConfigSetting; alsoSet: ConfigSetting[]; file: string }> {
  const key = check.key as string;
  const file = check.path ?? DEFAULT_PATHS[check.format] ?? '';
  switch (check.format) {
    case 'sshd': {
      const config = await facts.once(`sshd:${file}`, () => parseSshdConfig(target, file));
      const lower = key.toLowerCase();
      return { setting: config.global.get(lower), alsoSet: config.matched.filter((entry) => entry.key === lower), file };
    }
    case 'sysctl':
      return { setting: (await facts.once('sysctl-files', () => configuredSysctl(target))).get(normalizeSysctlKey(key)), alsoSet: [], file: 'sysctl.d' };
    default: {
      // A missing file sets nothing: the key is absent, and the default or whenAbsent decides.
      const settings = await facts.once(`${check.format}:${file}`, async () => parseKeyValue((await facts.lines(file)) ?? [], { separator: check.format === 'login.defs' ? 'space' : 'space-or-equals' }));
      return { setting: settings.get(key), alsoSet: [], file };
    }
  }
}

async function evaluatePam(check: ConfigValueCheck, context: CheckContext): Promise<CheckOutcome> {
  const pam = check.pam as NonNullable<ConfigValueCheck['pam']>;
  const file = check.path ?? '/etc/pam.d/common-password';
  const entries = (await context.facts.once(`pam:${file}`, () => parsePamService(context.target, file))).filter((entry) => entry.type === pam.type && entry.module === pam.module);
  const evidence = new EvidenceBuilder();
  const subject = `${pam.type} ${pam.module}`;
  if (!pam.argument) {
    if (check.operator === 'absent') for (const entry of entries) evidence.unexpected(`${subject} ${entry.arguments.join(' ')}`.trim(), { file: entry.file, line: entry.line });
    else if (entries.length === 0) evidence.missing(subject, { file });
    else for (const entry of entries) evidence.observed(`${subject} ${entry.arguments.join(' ')}`.trim(), { file: entry.file, line: entry.line });
    return evidence.outcome(`${subject} is ${check.operator === 'absent' ? 'not used' : 'used'}`, `${subject} is ${check.operator === 'absent' ? 'used' : 'not used'}`);
  }
  if (entries.length === 0) {
    evidence.missing(`${subject} ${pam.argument}${check.operator === 'present' ? '' : ` ${describeExpected(check.operator, check.value)}`}`, { file });
    return evidence.outcome('', `${subject} is not in the ${file} stack`);
  }
  for (const entry of entries) {
    const argument = entry.arguments.find((candidate) => candidate === pam.argument || candidate.startsWith(`${pam.argument}=`));
    const actual = argument === undefined ? undefined : argument.includes('=') ? argument.slice(argument.indexOf('=') + 1) : '';
    const line = `${subject} ${entry.arguments.join(' ')}`.trim();
    if (compareValue(actual, check.operator, check.value, check.ignoreCase)) evidence.observed(line, { file: entry.file, line: entry.line });
    else {
      if (actual !== undefined) evidence.unexpected(`${pam.argument}=${actual}`, { file: entry.file, line: entry.line });
      if (check.operator !== 'absent') evidence.missing(`${pam.argument} ${describeExpected(check.operator, check.value)}`, { file: entry.file, line: entry.line });
    }
  }
  return evidence.outcome(`${subject} ${pam.argument} as required`, `${subject} ${pam.argument} not as required`);
}

export const configValueCheck: CheckType<ConfigValueCheck> = {
  id: 'config-value',
  schemas: { 'config-value': SCHEMA },
  validate,
  async evaluate(check, context) {
    if (check.format === 'pam') return evaluatePam(check, context);
    const key = check.key as string;
    const { setting, alsoSet, file } = await lookup(check, context);
    const ignoreCase = check.ignoreCase ?? check.format === 'sshd';
    const evidence = new EvidenceBuilder();
    const expected = describeExpected(check.operator, check.value);
    const actual = setting?.value ?? (check.default === undefined ? undefined : String(check.default));
    const source = setting ? { file: setting.file, line: setting.line } : { file };
    if (actual === undefined && check.operator !== 'absent') {
      if (check.whenAbsent === 'pass') return { state: 'PASS', message: `${key} is not set (allowed)`, evidence: evidence.evidence };
      evidence.missing(`${key} ${expected}`, { file });
    } else if (compareValue(actual, check.operator, check.value, ignoreCase)) {
      evidence.observed(`${key} ${actual ?? '(not set)'}${setting ? '' : ' (built-in default)'}`, source);
    } else {
      evidence.unexpected(`${key} ${actual ?? '(not set)'}${setting ? '' : ' (built-in default)'}`, source).missing(`${key} ${expected}`, source);
    }
    // A weaker value under a Match block applies to the connections it matches.
    for (const entry of alsoSet) {
      if (!compareValue(entry.value, check.operator, check.value, ignoreCase)) evidence.unexpected(`${key} ${entry.value} (Match ${entry.match})`, { file: entry.file, line: entry.line });
    }
    return evidence.outcome(`${key} ${actual ?? 'not set'}`, `${key} is ${actual ?? 'not set'}, expected ${expected}`);
  },
};
