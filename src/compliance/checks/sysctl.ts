/**
 * `sysctl`: a kernel parameter. On a live target the running value (/proc/sys); on a root
 * filesystem the value its sysctl configuration sets at boot, which is what will run there.
 */
import { configuredSysctl, normalizeSysctlKey } from '../config/sysctl-files.js';
import { readText } from '../config/text-files.js';
import type { SysctlCheck } from '../policy/policy-types.js';
import { compareValue, describeExpected } from './compare.js';
import { EvidenceBuilder, type CheckType } from './check-type.js';

export const sysctlCheck: CheckType<SysctlCheck> = {
  type: 'sysctl',
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
