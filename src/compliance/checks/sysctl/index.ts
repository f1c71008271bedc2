/**
 * `sysctl`: a kernel parameter. On a live target the running value (/proc/sys); on a root
 * filesystem the value its sysctl configuration sets at boot, which is what will run there.
 */
import { configuredSysctl, normalizeSysctlKey } from '../../config/sysctl-files.js';
import { readText } from '../../config/text-files.js';
import { compareValue, describeExpected, EXPECTED_VALUE_SCHEMA, OPERATOR_SCHEMA, requireOperatorValue, type ExpectedValue, type Operator } from '../compare.js';
import { EvidenceBuilder, type CheckType, type DefinitionSite, type SchemaFragment } from '../check-type.js';

export interface SysctlCheck {
  type: 'sysctl';
  key: string;
  operator: Operator;
  value?: ExpectedValue;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'A kernel parameter: the running value on live targets, the configured one on root filesystems.',
  required: ['type', 'key', 'operator'],
  additionalProperties: false,
  properties: {
    type: { const: 'sysctl' },
    key: { type: 'string', pattern: '^[a-z0-9_.\\-*/]+$' },
    operator: OPERATOR_SCHEMA,
    value: EXPECTED_VALUE_SCHEMA,
  },
};

function validate(check: SysctlCheck, site: DefinitionSite): void {
  requireOperatorValue(check.operator, check.value, site.where(), site.field());
}

export const sysctlCheck: CheckType<SysctlCheck> = {
  id: 'sysctl',
  schemas: { sysctl: SCHEMA },
  validate,
  async evaluate(check, { target, facts }) {
    const key = normalizeSysctlKey(check.key);
    const evidence = new EvidenceBuilder();
    const expected = describeExpected(check.operator, check.value);
    let actual: string | undefined;
    let source: { file: string; line?: number };
    if (target.live) {
      const file = `/proc/sys/${key.replace(/\./g, '/')}`;
      actual = (await readText(target, file)).trim().replace(/\s+/g, ' ');
      source = { file };
    } else {
      const setting = (await facts.once('sysctl-files', () => configuredSysctl(target))).get(key);
      actual = setting?.value.replace(/\s+/g, ' ');
      source = setting ? { file: setting.file, line: setting.line } : { file: '/etc/sysctl.d' };
    }
    if (actual === undefined && check.operator !== 'absent') evidence.missing(`${key} = ${expected} (not configured)`, source);
    else if (compareValue(actual, check.operator, check.value)) evidence.observed(`${key} = ${actual ?? '(not set)'}`, source);
    else evidence.unexpected(`${key} = ${actual ?? '(not set)'}`, source).missing(`${key} ${expected}`, source);
    return evidence.outcome(`${key} = ${actual ?? 'not set'}`, `${key} is ${actual ?? 'not configured'}, expected ${expected}`);
  },
};
