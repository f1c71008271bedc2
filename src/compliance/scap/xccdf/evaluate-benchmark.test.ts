/**
 * The XCCDF side of an evaluation, on a small hand-written benchmark: profile selection through
 * extends, groups, requires and conflicts; Values by selector and set-value exported into OVAL
 * external variables; refine-rule severity; negate; CPE platforms answered by the content's OVAL;
 * checks in a system Tollgate does not evaluate. The OVAL engine is replaced by a recording one
 * that answers per definition id, so what is proven here is what XCCDF decides and what it asks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OvalDefinitionOutcome, OvalResult } from '../oval/index.js';
import type { Target } from '../../targets/target.js';
import { readScapContent } from './content.js';
import { evaluateBenchmark, type OvalEngine } from './evaluate-benchmark.js';
import { resolveProfile } from './profile.js';
import { readTailoring } from './read-benchmark.js';
import { parseXml } from '../oval/xml.js';

const testdata = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const content = () => readScapContent(testdata('small-benchmark.xml'), 'small-benchmark.xml', { readReferenced: (href) => (href === 'small-oval.xml' ? testdata(href) : undefined) });
const TARGET = { name: 'test-target' } as Target;
const rule = (name: string): string => `xccdf_test.tollgate_rule_${name}`;

function recordingEngine(results: Record<string, OvalResult>): { engine: OvalEngine; calls: { ids: readonly string[]; externals: Map<string, readonly string[]> }[] } {
  const calls: { ids: readonly string[]; externals: Map<string, readonly string[]> }[] = [];
  const engine: OvalEngine = () => ({
    evaluate(ids, externals) {
      calls.push({ ids, externals: new Map(externals) });
      return Promise.resolve(new Map<string, OvalDefinitionOutcome>(ids.map((id) => [id, { result: results[id] ?? 'error', messages: [`answer for ${id}`] }])));
    },
  });
  return { engine, calls };
}

async function run(profileId: string | undefined, results: Record<string, OvalResult>, tailoring?: string) {
  const scap = content();
  const profile = resolveProfile(scap.benchmark, profileId, 'small-benchmark.xml', tailoring ? readTailoring(parseXml(tailoring, 'tailoring.xml'), 'tailoring.xml') : []);
  const { engine, calls } = recordingEngine(results);
  const evaluation = await evaluateBenchmark(scap, profile, TARGET, { engine });
  return { byRule: new Map(evaluation.rules.map((outcome) => [outcome.ruleId, outcome])), calls };
}

describe('evaluateBenchmark', () => {
  const onSshHost = { 'oval:test:def:cpe_ssh': 'true', 'oval:test:def:timeout': 'true', 'oval:test:def:telnet': 'false' } as const;

  it('maps OVAL results onto XCCDF results, negating where the check says so', async () => {
    const { byRule } = await run('base', onSshHost);
    expect(byRule.get(rule('timeout'))?.result).toBe('pass');
    expect(byRule.get(rule('negated'))?.result).toBe('pass');
    expect(byRule.get(rule('ssh_only'))?.result).toBe('fail');
    const failing = await run('base', { ...onSshHost, 'oval:test:def:timeout': 'false', 'oval:test:def:telnet': 'true' });
    expect(failing.byRule.get(rule('timeout'))?.result).toBe('fail');
    expect(failing.byRule.get(rule('negated'))?.result).toBe('fail');
  });

  it('exports the profile-selected value of a Value into the OVAL external variable', async () => {
    const { calls, byRule } = await run('base', onSshHost);
    const call = calls.find((candidate) => candidate.ids.includes('oval:test:def:timeout'));
    expect(call?.externals.get('oval:test:var:timeout')).toEqual(['300']);
    expect(byRule.get(rule('timeout'))?.exports).toEqual([{ name: 'oval:test:var:timeout', value: '300' }]);
  });

  it('applies an extending profile: its set-value wins over the parent refine-value, its select over the parent select', async () => {
    const { calls, byRule } = await run('lenient', onSshHost);
    expect(calls.find((candidate) => candidate.ids.includes('oval:test:def:timeout'))?.externals.get('oval:test:var:timeout')).toEqual(['900']);
    expect(byRule.get(rule('negated'))?.result).toBe('notselected');
    // With the negated rule unselected, the rule conflicting with it is selected.
    expect(byRule.get(rule('conflicting'))?.result).toBe('fail');
  });

  it('follows requires and conflicts, and a group left unselected hides its rules', async () => {
    const { byRule } = await run('base', onSshHost);
    expect(byRule.get(rule('needs_timeout'))?.result).toBe('fail');
    expect(byRule.get(rule('conflicting'))?.result).toBe('notselected');
    expect(byRule.get(rule('in_off_group'))?.result).toBe('notselected');
  });

  it('decides platforms with the content’s CPE OVAL checks, negated tests included', async () => {
    const withSsh = await run('base', onSshHost);
    expect(withSsh.byRule.get(rule('without_ssh'))?.result).toBe('notapplicable');
    const withoutSsh = await run('base', { ...onSshHost, 'oval:test:def:cpe_ssh': 'false' });
    expect(withoutSsh.byRule.get(rule('ssh_only'))?.result).toBe('notapplicable');
    expect(withoutSsh.byRule.get(rule('without_ssh'))?.result).toBe('fail');
    const broken = await run('base', { ...onSshHost, 'oval:test:def:cpe_ssh': 'error' });
    expect(broken.byRule.get(rule('ssh_only'))?.result).toBe('error');
    // A platform check that cannot tell (a runtime fact of a tree) does not make the platform apply, as in OpenSCAP.
    const undecided = await run('base', { ...onSshHost, 'oval:test:def:cpe_ssh': 'unknown' });
    expect(undecided.byRule.get(rule('ssh_only'))?.result).toBe('notapplicable');
  });

  it('says notchecked, with the system named, for a rule with no OVAL check', async () => {
    const { byRule } = await run('base', onSshHost);
    const outcome = byRule.get(rule('ocil_only'));
    expect(outcome?.result).toBe('notchecked');
    expect(outcome?.messages.join(' ')).toContain('http://scap.nist.gov/schema/ocil/2');
  });

  it('keeps refine-rule severities, and evaluates each OVAL document in one call when exports agree', async () => {
    const { byRule, calls } = await run('base', onSshHost);
    expect(byRule.get(rule('negated'))?.severity).toBe('high');
    expect(byRule.get(rule('timeout'))?.severity).toBe('medium');
    // one call for the CPE checks, one for every rule check
    expect(calls).toHaveLength(2);
  });

  it('gives every OVAL document of the scan one cache of the target, so files are walked once', async () => {
    const scap = content();
    const profile = resolveProfile(scap.benchmark, 'base', 'small-benchmark.xml');
    const caches: unknown[] = [];
    const { engine: answering } = recordingEngine(onSshHost);
    const engine: OvalEngine = (document, target, options) => {
      caches.push(options?.cache);
      return answering(document, target, options);
    };
    await evaluateBenchmark(scap, profile, TARGET, { engine });
    expect(caches.length).toBeGreaterThan(0);
    expect(caches[0]).toBeDefined();
    expect(new Set(caches).size).toBe(1);
  });

  it('plans the rules\u2019 and the CPE checks, and starts what they planned, before evaluating anything', async () => {
    const scap = content();
    const profile = resolveProfile(scap.benchmark, 'base', 'small-benchmark.xml');
    const steps: string[] = [];
    const { engine: answering } = recordingEngine(onSshHost);
    const engine: OvalEngine = (document, target, options) => {
      const inner = answering(document, target, options);
      return {
        plan: (ids) => (steps.push(`plan ${[...ids].sort().join(' ')}`), Promise.resolve()),
        startPlanned: () => void steps.push('start'),
        evaluate: (ids, externals) => (steps.push('evaluate'), inner.evaluate(ids, externals)),
      };
    };
    await evaluateBenchmark(scap, profile, TARGET, { engine });
    const firstEvaluation = steps.indexOf('evaluate');
    const planned = steps.slice(0, firstEvaluation);
    // The CPE check (cpe_ssh) is planned with the rules' checks: a tree both search is walked once.
    expect(planned.filter((step) => step.startsWith('plan')).join(' ')).toContain('oval:test:def:cpe_ssh');
    expect(planned.filter((step) => step.startsWith('plan')).join(' ')).toContain('oval:test:def:timeout');
    expect(planned.at(-1)).toBe('start');
  });

  it('applies a tailoring profile that extends a benchmark profile', async () => {
    const tailoring = `<?xml version="1.0"?>
<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_test.tollgate_tailoring_1">
  <xccdf:version time="2026-01-01T00:00:00">1</xccdf:version>
  <xccdf:Profile id="xccdf_test.tollgate_profile_tailored" extends="xccdf_test.tollgate_profile_base">
    <xccdf:title>Tailored</xccdf:title>
    <xccdf:select idref="xccdf_test.tollgate_rule_ssh_only" selected="false"/>
    <xccdf:set-value idref="xccdf_test.tollgate_value_timeout">120</xccdf:set-value>
  </xccdf:Profile>
</xccdf:Tailoring>`;
    const { byRule, calls } = await run('tailored', onSshHost, tailoring);
    expect(byRule.get(rule('ssh_only'))?.result).toBe('notselected');
    expect(byRule.get(rule('timeout'))?.result).toBe('pass');
    expect(calls.find((candidate) => candidate.ids.includes('oval:test:def:timeout'))?.externals.get('oval:test:var:timeout')).toEqual(['120']);
  });

  it('splits a document into separate calls when two rules export different values into one variable', async () => {
    const scap = content();
    const timeoutRule = scap.benchmark.rules.get(rule('timeout'));
    const negatedRule = scap.benchmark.rules.get(rule('negated'));
    if (!timeoutRule || !negatedRule) throw new Error('fixture changed');
    scap.benchmark.values.set('xccdf_test.tollgate_value_other', { id: 'xccdf_test.tollgate_value_other', title: '', type: 'number', operator: 'equals', values: new Map([['', '42']]) });
    negatedRule.checks[0]?.exports.push({ exportName: 'oval:test:var:timeout', valueId: 'xccdf_test.tollgate_value_other' });
    const profile = resolveProfile(scap.benchmark, 'base', 'small-benchmark.xml');
    const { engine, calls } = recordingEngine(onSshHost);
    await evaluateBenchmark(scap, profile, TARGET, { engine });
    const exported = calls.map((call) => call.externals.get('oval:test:var:timeout')?.[0]).filter(Boolean).sort();
    expect(exported).toEqual(['300', '42']);
  });
});
