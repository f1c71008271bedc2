/**
 * XCCDF results and ARF that SCAP tooling reads: OpenSCAP's own `oscap xccdf generate report`
 * (installed from .ci/run's apt line) renders both documents, for the Debian data stream and for a
 * plain benchmark, and shows each rule with the result Tollgate gave it. Results are made by a
 * recording OVAL engine so that every result kind appears; what is proven is the documents.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OvalDefinitionOutcome } from '../oval/index.js';
import type { Target } from '../../targets/target.js';
import { INSTALLED_SSG_DIR } from '../../../../test/support/scap-content.js';
import { readScapContent } from './content.js';
import { evaluateBenchmark, type OvalEngine } from './evaluate-benchmark.js';
import { resolveProfile } from './profile.js';
import { arfDocument, benchmarkText, escapeXml, testResultXml, xccdfResultsDocument } from './results-xml.js';
import { remediationFor } from './remediation.js';

const work = mkdtempSync(path.join(tmpdir(), 'tollgate-xccdf-results-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Answers by the definition id's last digit, so the results vary: pass, fail, error, unknown. */
const variedEngine: OvalEngine = () => ({
  evaluate(ids) {
    const answers = ['true', 'false', 'true', 'false', 'error', 'true', 'unknown', 'true', 'false', 'true'] as const;
    return Promise.resolve(new Map<string, OvalDefinitionOutcome>(ids.map((id) => [id, { result: id.includes('installed_OS_is') || id.includes('_env_') ? 'true' : answers[id.length % 10] ?? 'true', messages: [`item <${id}> & "quoted"`] }])));
  },
});

function oscapReport(file: string): string {
  return execFileSync('oscap', ['xccdf', 'generate', 'report', file], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
}

describe('XCCDF results and ARF', () => {
  it('are read by oscap xccdf generate report for the Debian data stream, rule by rule', async () => {
    const file = path.join(INSTALLED_SSG_DIR, 'ssg-debian11-ds.xml');
    const text = readFileSync(file, 'utf8');
    const content = readScapContent(text, file);
    const profile = resolveProfile(content.benchmark, 'standard', file);
    const evaluation = await evaluateBenchmark(content, profile, { name: 'host.example' } as Target, { engine: variedEngine });
    const subject = { target: 'host.example', testSystem: 'tollgate test' };
    const testResult = testResultXml(content, evaluation, subject);
    writeFileSync(path.join(work, 'results.xml'), xccdfResultsDocument(benchmarkText(text), testResult));
    writeFileSync(path.join(work, 'arf.xml'), arfDocument(text, testResult, subject, evaluation.finishedAt));
    execFileSync('xmllint', ['--noout', path.join(work, 'results.xml'), path.join(work, 'arf.xml')]);
    const selected = evaluation.rules.filter((outcome) => outcome.result !== 'notselected');
    expect(new Set(selected.map((outcome) => outcome.result)).size).toBeGreaterThan(2);
    for (const report of [oscapReport(path.join(work, 'results.xml')), oscapReport(path.join(work, 'arf.xml'))]) {
      expect(report).toContain('host.example');
      for (const outcome of selected) {
        const row = new RegExp(`<tr[^>]*data-tt-id="${outcome.ruleId}"[^>]*>[\\s\\S]*?</tr>`).exec(report)?.[0] ?? '';
        expect(row, outcome.ruleId).toContain(`rule-result-${outcome.result}`);
      }
    }
  });

  it('escape what XML cannot carry as text', () => {
    expect(escapeXml('a<b>&"\'\u0001c')).toBe('a&lt;b&gt;&amp;&quot;&apos;c');
  });

  it('remediation carries the failed rules’ fixes with their Values substituted, never the passing ones', async () => {
    const testdata = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
    const content = readScapContent(testdata('small-benchmark.xml'), 'small.xml', { readReferenced: (href) => (href === 'small-oval.xml' ? testdata(href) : undefined) });
    const profile = resolveProfile(content.benchmark, 'base', 'small.xml');
    const failing: OvalEngine = () => ({ evaluate: (ids) => Promise.resolve(new Map(ids.map((id) => [id, { result: id.endsWith('cpe_ssh') ? 'true' : 'false', messages: [] }]))) });
    const evaluation = await evaluateBenchmark(content, profile, { name: 't' } as Target, { engine: failing });
    const script = remediationFor(content.benchmark, evaluation, 'bash');
    expect(script).toContain("timeout='300'\necho \"ClientAliveInterval $timeout\" >> /etc/ssh/sshd_config");
    expect(script).toContain('# xccdf_test.tollgate_rule_ssh_only: Only where SSH is installed\n# no bash fix in the content for this rule');
    expect(script).not.toContain('tollgate_rule_negated:'); // negated: OVAL false -> pass
    execFileSync('bash', ['-n'], { input: script });
    const playbook = remediationFor(content.benchmark, evaluation, 'ansible');
    expect(playbook).toMatch(/^---\n/);
  });
});
