/**
 * Which rules a profile selects once `requires` and `conflicts` are processed, against OpenSCAP
 * (`oscap xccdf eval`, Debian's openscap-scanner) on the same benchmark: two rules that conflict
 * with each other, a rule required by one before it and one after it that is itself deselected,
 * rules requiring or conflicting with one inside an unselected Group, alternatives, a Group
 * required. The rules have no checks: a selected rule is notchecked in both tools, an unselected
 * one notselected.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScapContent } from './content.js';
import { resolveProfile, selectedRules } from './profile.js';

const BENCHMARK = readFileSync(new URL('./testdata/selection-benchmark.xml', import.meta.url), 'utf8');
const PROFILE = 'xccdf_test.sel_profile_p';

async function oscapSelected(): Promise<string[]> {
  const work = await mkdtemp(path.join(tmpdir(), 'tollgate-selection-'));
  try {
    await writeFile(path.join(work, 'benchmark.xml'), BENCHMARK);
    execFileSync('oscap', ['xccdf', 'eval', '--profile', PROFILE, '--results', path.join(work, 'results.xml'), path.join(work, 'benchmark.xml')], { stdio: 'ignore' });
    const results = await readFile(path.join(work, 'results.xml'), 'utf8');
    return [...results.matchAll(/<rule-result\b[^>]*\bidref="([^"]+)"[^>]*>\s*<result>([^<]+)<\/result>/g)].filter((match) => match[2] !== 'notselected').map((match) => match[1] as string);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

describe('rule selection', () => {
  it('selects what OpenSCAP selects, requires and conflicts processed in document order', async () => {
    const { benchmark } = readScapContent(BENCHMARK, 'selection-benchmark.xml');
    const ours = selectedRules(benchmark, resolveProfile(benchmark, PROFILE, 'selection-benchmark.xml')).map((rule) => rule.id);
    expect(ours).toEqual(await oscapSelected());
    // Of two rules that conflict with each other the second is evaluated; a rule required before it was deselected still counts.
    expect(ours).toEqual(['xccdf_test.sel_rule_second', 'xccdf_test.sel_rule_before', 'xccdf_test.sel_rule_needs_inside', 'xccdf_test.sel_rule_either']);
  });
});
