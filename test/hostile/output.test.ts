/**
 * Hostile corpus, output class: data an attacker controls (an advisory's title and references, a
 * package name, `PRETTY_NAME`, a file name with a line break, an `sshd_config` value) carrying
 * terminal escape sequences, HTML, Markdown links and XML-forbidden characters, run through the
 * built CLI. Proven: nothing of the data's drives the terminal or forges a log line, every XML
 * report is well-formed to libxml2, Markdown and SARIF carry no HTML of the data's and no link but
 * http(s), the HTML report carries no markup of the data's.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';
import { hostileWorkspace, npmAdvisory, type HostileWorkspace } from './support/workspace.js';

/* eslint-disable no-control-regex -- the suite looks for control characters on purpose */
/** What a terminal would act on: any C0 control but the line feed, DEL, C1, bidi overrides. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
/* eslint-enable no-control-regex */

const EVIL_NAME = 'evil\u001b]0;pwned\u0007pkg';
const EVIL_TITLE = '<script>alert(1)</script>\u001b[2J\u001b]0;title\u0007\u0001 [x](javascript:alert(1))\ntollgate: gate passed';
const FORGED_DIR = 'bad\ntollgate: gate passed';

let work: HostileWorkspace;
let db: string;
const root = (): string => path.join(work.dir, 'root');

beforeAll(async () => {
  work = await hostileWorkspace('output');
  await work.write({
    'root/etc/os-release': 'ID=debian\nVERSION_ID=12\nPRETTY_NAME="Evil\u001b]0;owned\u0007\u001b[2J\u202eOS"\n',
    'root/app/node_modules/evil/package.json': JSON.stringify({ name: EVIL_NAME, version: '1.0.0' }),
    [`root/app/node_modules/${FORGED_DIR}/package.json`]: '[1,2',
    'root/etc/ssh/sshd_config': 'PermitRootLogin yes\u001b]0;x\u0007\u001b[2J\nPasswordAuthentication yes\n',
  });
  db = await work.database([npmAdvisory('GHSA-evil-0001', EVIL_NAME, { summary: EVIL_TITLE, details: '<img src=x onerror=alert(1)>', references: ['javascript:alert(1)', 'https://advisories.example/GHSA-evil-0001'] })]);
});
afterAll(() => work.remove());

describe('hostile data in the output', () => {
  it('the table, the warnings and the gate reasons carry no escape sequence and forge no line', async () => {
    const run = await runHostile({ args: ['image', 'scan', `dir:${root()}`, '--db', db, '--no-db-auto-update', '--fail-on', 'HIGH'] });
    expect(clearFailureProblems(run, /gate failed/, [1])).toEqual([]);
    expect(run.stdout).not.toMatch(ACTIVE);
    expect(run.stderr).not.toMatch(ACTIVE);
    expect(run.stdout).toContain('evil\\x1b]0;pwned\\x07pkg');
    expect(run.stdout).toContain('Evil\\x1b]0;owned\\x07\\x1b[2J\\u{202e}OS');
    expect(run.stdout).toContain(`warning: /app/node_modules/bad\\ntollgate: gate passed/package.json`);
    // Every line that reads as Tollgate's own is one Tollgate wrote.
    expect([...run.stdout.split('\n'), ...run.stderr.split('\n')].filter((line) => line.startsWith('tollgate: gate passed'))).toEqual([]);
  });

  it('JUnit is well-formed XML 1.0, Markdown and SARIF carry no HTML and no javascript: link, HTML carries no markup of the data', async () => {
    const out = (name: string): string => path.join(work.dir, name);
    const run = await runHostile({ args: ['image', 'scan', `dir:${root()}`, '--db', db, '--no-db-auto-update', '--fail-on', 'HIGH', '--format', `junit=${out('r.xml')}`, '--format', `markdown=${out('r.md')}`, '--format', `sarif=${out('r.sarif')}`, '--format', `html=${out('r.html')}`] });
    expect(run.code).toBe(1);
    const lint = spawnSync('xmllint', ['--noout', out('r.xml')], { encoding: 'utf8' });
    expect(lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    const markdown = await readFile(out('r.md'), 'utf8');
    expect(markdown).toContain('evil\\\\x1b\\]0;pwned\\\\x07pkg');
    const sarif = JSON.parse(await readFile(out('r.sarif'), 'utf8')) as { runs: { tool: { driver: { rules: { helpUri?: string; help: { markdown: string } }[] } } }[] };
    const rule = sarif.runs[0]?.tool.driver.rules[0];
    for (const text of [markdown, rule?.help.markdown ?? '']) {
      expect(text.replace(/\]\(<https?:\/\/[^<>\s]*>\)/g, '')).not.toContain('<');
      expect(text).not.toMatch(/\]\((?!<https?:)/);
      expect(text).not.toMatch(ACTIVE);
    }
    expect(rule?.helpUri).toBe('https://advisories.example/GHSA-evil-0001');
    const html = await readFile(out('r.html'), 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/href="javascript:/i);
  });

  it('a compliance scan shows an sshd_config value with escapes as text', async () => {
    const run = await runHostile({ args: ['compliance', 'scan', `dir:${root()}`, '--policy', 'ssh-server'] });
    expect([0, 1]).toContain(run.code);
    expect(run.stdout + run.stderr).not.toMatch(ACTIVE);
    expect(run.stdout + run.stderr).not.toMatch(/internal error/);
  });
});
