/**
 * A SCAP policy in a compliance scan, with the real OVAL engine on a dir: tree: the profile's
 * rules come out as native control results (PASS, FAIL with evidence, NOT_APPLICABLE, ERROR for
 * notchecked), exceptions turn a failed rule into EXCEPTION as for any control, the exported
 * Value decides the verdict, and an evaluation that fails as a whole makes every control ERROR.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRoot, type TempRoot } from '../../../../test/support/temp-root.js';
import { scanCompliance } from '../../scan-compliance.js';
import type { Policy } from '../policy-types.js';
import { parseScapPolicy } from './index.js';

let root: TempRoot | undefined;
afterEach(async () => {
  await root?.remove();
  root = undefined;
});

const testdata = (name: string): string => readFileSync(new URL(`../../scap/xccdf/testdata/${name}`, import.meta.url), 'utf8');
const smallPolicy = (profile: string): Policy => parseScapPolicy(testdata('small-benchmark.xml'), 'small-benchmark.xml', { profile, readReferenced: (href) => (href === 'small-oval.xml' ? testdata(href) : undefined) });
const rule = (name: string): string => `xccdf_test.tollgate_rule_${name}`;

async function scan(files: Record<string, string>, policy: Policy, exceptions: Parameters<typeof scanCompliance>[2]['exceptions'] = []) {
  root = await tempRoot(files);
  const result = await scanCompliance(root.target, [policy], { scanName: 't', exceptions, today: '2026-01-01' });
  return new Map(result.policies[0]?.controls.map((control) => [control.cid, control]));
}

describe('a SCAP policy in a compliance scan', () => {
  it('gives native results: the exported value decides, platforms make rules not applicable, OCIL-only rules are errors naming why', async () => {
    const controls = await scan({ 'etc/ssh/sshd_config': 'ClientAliveInterval 600\n' }, smallPolicy('base'));
    expect(controls.get(rule('timeout'))).toMatchObject({ state: 'FAIL', criticality: 'SERIOUS', references: ['CCE-00001-1', 'CIS 5.2.16', 'NIST AC-12'], referenceLinks: [{ url: 'https://www.cisecurity.org/controls/', labels: ['CIS 5.2.16'] }, { url: expect.stringMatching(/^https:\/\/nvlpubs\.nist\.gov\//), labels: ['NIST AC-12'] }] });
    expect(controls.get(rule('timeout'))?.unexpected.length).toBeGreaterThan(0);
    expect(controls.get(rule('without_ssh'))?.state).toBe('NOT_APPLICABLE');
    expect(controls.get(rule('ssh_only'))?.state).toBe('FAIL');
    expect(controls.get(rule('negated'))?.state).toBe('PASS');
    expect(controls.get(rule('ocil_only'))).toMatchObject({ state: 'ERROR', message: expect.stringContaining('notchecked') });
    const lenient = await scan({ 'etc/ssh/sshd_config': 'ClientAliveInterval 600\n' }, smallPolicy('lenient'));
    expect(lenient.get(rule('timeout'))?.state).toBe('PASS');
  });

  it('applies exceptions to failed rules as to any control', async () => {
    const exception = { cid: rule('timeout'), reason: 'jump host', approver: 'ciso', origin: 'exceptions.yaml:2' };
    const controls = await scan({ 'etc/ssh/sshd_config': 'ClientAliveInterval 600\n' }, smallPolicy('base'), [exception]);
    expect(controls.get(rule('timeout'))?.state).toBe('EXCEPTION');
  });

  it('makes every control ERROR with the reason when the evaluation fails as a whole', async () => {
    const policy = smallPolicy('base');
    policy.evaluator = { evaluate: () => Promise.reject(new Error('the content cannot be evaluated')) };
    const controls = await scan({}, policy);
    expect(controls.size).toBe(policy.controls.length);
    for (const control of controls.values()) expect(control).toMatchObject({ state: 'ERROR', message: expect.stringContaining('the content cannot be evaluated') });
  });
});
