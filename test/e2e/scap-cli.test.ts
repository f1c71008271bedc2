/**
 * SCAP from the command line, on a small hand-written benchmark and a tiny root filesystem:
 * `compliance policies` lists the installed data streams with their profiles; a scan writes the
 * native report, XCCDF results, ARF and the remediation of the failed rules; every mistake in the
 * SCAP flags is a usage error (exit 2) found before the target is touched.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { runTollgate } from '../support/cli.js';
import { INSTALLED_SSG_DIR } from '../support/scap-content.js';
import { readRuleResults } from '../support/xccdf-results.js';

const TESTDATA = fileURLToPath(new URL('../../src/compliance/scap/xccdf/testdata/', import.meta.url));
let work: string;
let root: string;
let benchmark: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-scap-cli-'));
  root = path.join(work, 'rootfs');
  await mkdir(path.join(root, 'etc', 'ssh'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'ssh', 'sshd_config'), 'ClientAliveInterval 600\n');
  const content = path.join(work, 'content');
  await mkdir(content);
  for (const name of ['small-benchmark.xml', 'small-oval.xml']) await copyFile(path.join(TESTDATA, name), path.join(content, name));
  benchmark = path.join(content, 'small-benchmark.xml');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('tollgate compliance with SCAP content', () => {
  it('lists the installed Debian data streams with their profiles', async () => {
    const run = await runTollgate(['compliance', 'policies']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`scap:${INSTALLED_SSG_DIR}/ssg-debian11-ds.xml`);
    expect(run.stdout).toMatch(/#standard\s+Standard System Security Profile for Debian 11/);
  });

  it('scans a tree and writes the native report, XCCDF results, ARF and the remediation of the failed rules', async () => {
    const files = { json: path.join(work, 'r.json'), xccdf: path.join(work, 'x.xml'), arf: path.join(work, 'a.xml'), bash: path.join(work, 'fix.sh'), ansible: path.join(work, 'fix.yml') };
    const run = await runTollgate(['compliance', 'scan', `dir:${root}`, '--quiet', '--policy', `scap:${benchmark}#base`, '--format', `json=${files.json}`, '--xccdf-results', files.xccdf, '--arf', files.arf, '--remediation', `bash=${files.bash}`, '--remediation', `ansible=${files.ansible}`]);
    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(await readFile(files.json, 'utf8')) as ComplianceResult;
    expect(result.policies[0]?.id).toBe('small:base');
    expect(result.policies[0]?.controls.find((control) => control.cid === 'xccdf_test.tollgate_rule_timeout')?.state).toBe('FAIL');
    const rules = await readRuleResults(files.xccdf);
    expect(rules.get('xccdf_test.tollgate_rule_timeout')).toBe('fail');
    expect(rules.get('xccdf_test.tollgate_rule_without_ssh')).toBe('notapplicable');
    expect(await readFile(files.arf, 'utf8')).toContain('<arf:asset-report-collection');
    expect(await readFile(files.bash, 'utf8')).toContain("timeout='300'");
    expect(await readFile(files.ansible, 'utf8')).toContain('hosts: all');
  });

  it.each([
    ['an unknown profile, naming the profiles', [`scap:BENCH#nope`], /no profile "nope".*xccdf_test\.tollgate_profile_base/],
    ['--xccdf-results without a SCAP policy', ['ssh-server', '--xccdf-results', 'x.xml'], /--xccdf-results needs exactly one scap:<file>#<profile> policy/],
    ['--tailoring without a SCAP policy', ['ssh-server', '--tailoring', 't.xml'], /--tailoring applies to SCAP content/],
    ['a remediation kind Tollgate does not write', ['scap:BENCH#base', '--remediation', 'puppet=x.pp'], /--remediation: "puppet" is not one of bash, ansible/],
    ['a remediation without a file', ['scap:BENCH#base', '--remediation', 'bash'], /--remediation bash: write <bash\|ansible>=<file>/],
    ['a bad severity mapping', ['scap:BENCH#base', '--scap-criticality', 'high=HUGE'], /--scap-criticality: "HUGE" is not a criticality/],
    ['a missing content file', ['scap:/nonexistent/ds.xml#standard'], /nonexistent/],
  ])('refuses %s with exit 2', async (_name, [policy, ...flags], message) => {
    const run = await runTollgate(['compliance', 'scan', 'dir:/nonexistent-target', '--quiet', '--policy', (policy as string).replace('BENCH', benchmark), ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
