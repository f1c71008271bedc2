/**
 * A rule whose OVAL check uses a test type Tollgate does not collect is `notchecked`, its message
 * naming the type, through the real OVAL engine on a real tree (never pass, fail or a guess); the
 * other rules of the same OVAL document are evaluated as usual.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../targets/open-target.js';
import { makeTree, removeTree } from '../oval/test-support.js';
import { readScapContent } from './content.js';
import { evaluateBenchmark } from './evaluate-benchmark.js';
import { resolveProfile } from './profile.js';

const testdata = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const rule = (name: string): string => `xccdf_test.tollgate_rule_${name}`;

/** The small OVAL document with the timeout check turned into a yamlfilecontent test. */
function ovalWithYaml(): string {
  const oval = testdata('small-oval.xml')
    .replace(/<ind:textfilecontent54_test id="oval:test:tst:timeout"[\s\S]*?<\/ind:textfilecontent54_test>/, '<ind:yamlfilecontent_test id="oval:test:tst:timeout" version="1" check="all" check_existence="at_least_one_exists" comment="yaml"><ind:object object_ref="oval:test:obj:yaml"/></ind:yamlfilecontent_test>')
    .replace('<objects>', '<objects><ind:yamlfilecontent_object id="oval:test:obj:yaml" version="1"><ind:filepath>/etc/app.yaml</ind:filepath><ind:yamlpath>.a</ind:yamlpath></ind:yamlfilecontent_object>');
  expect(oval).toContain('yamlfilecontent_test id="oval:test:tst:timeout"');
  return oval;
}

let root: string;
beforeAll(async () => {
  root = await makeTree({ 'etc/ssh/sshd_config': 'ClientAliveInterval 300\n', 'etc/app.yaml': 'a: 1\n' });
});
afterAll(async () => {
  await removeTree(root);
});

describe('a test type Tollgate does not collect', () => {
  it('makes its rule notchecked with the type named, and leaves the other rules evaluated', async () => {
    const scap = readScapContent(testdata('small-benchmark.xml'), 'small-benchmark.xml', { readReferenced: (href) => (href === 'small-oval.xml' ? ovalWithYaml() : undefined) });
    const profile = resolveProfile(scap.benchmark, 'base', 'small-benchmark.xml');
    const target = await openTarget(`dir:${root}`);
    try {
      const evaluation = await evaluateBenchmark(scap, profile, target, {});
      const byRule = new Map(evaluation.rules.map((outcome) => [outcome.ruleId, outcome]));
      expect(byRule.get(rule('timeout'))?.result).toBe('notchecked');
      expect(byRule.get(rule('timeout'))?.messages.join('\n')).toContain('independent:yamlfilecontent_test is not implemented');
      expect(byRule.get(rule('negated'))?.result).toBe('pass');
    } finally {
      await target.close();
    }
  });
});
