import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { check } from 'recheck';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { requireRegex } from './compare.js';
import { patternExec, patternProblem, patternTest } from './policy-pattern.js';

const POLICIES = path.resolve(import.meta.dirname, '../../../policies');
const PATTERN_LISTS = new Set(['mustMatch', 'mustNotMatch', 'stdoutMatches', 'stdoutNotMatches']);

/** Every regular expression of the built-in policies, with the file it is in. */
function builtInPatterns(): { file: string; pattern: string }[] {
  const found: { file: string; pattern: string }[] = [];
  const walk = (node: unknown, file: string, key: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) {
        if (typeof item === 'string' && PATTERN_LISTS.has(key)) found.push({ file, pattern: item });
        else walk(item, file, key);
      }
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.pattern === 'string') found.push({ file, pattern: record.pattern });
    if (record.operator === 'regex' && typeof record.value === 'string') found.push({ file, pattern: record.value });
    for (const [name, value] of Object.entries(record)) walk(value, file, name);
  };
  for (const file of readdirSync(POLICIES).filter((name) => name.endsWith('.yaml'))) walk(parse(readFileSync(path.join(POLICIES, file), 'utf8')), file, '');
  return found;
}

describe('policy patterns', () => {
  const patterns = builtInPatterns();

  it('include every pattern of the built-in policies', () => {
    expect(patterns.length).toBeGreaterThan(20);
    expect(patterns.map((p) => p.file)).toEqual(expect.arrayContaining(['linux-baseline-debian.yaml', 'linux-baseline-rhel.yaml', 'ssh-server.yaml']));
  });

  it('of the built-in policies all compile for the linear-time engine', () => {
    expect(patterns.filter(({ pattern }) => patternProblem(pattern) !== undefined)).toEqual([]);
  });

  it('of the built-in policies are not vulnerable to ReDoS by recheck, even for a backtracking engine', async () => {
    // recheck's own pure-JavaScript analyser: no native binary or JVM needed, nothing downloaded.
    process.env.RECHECK_BACKEND = 'pure';
    const distinct = [...new Set(patterns.map(({ pattern }) => pattern))];
    const verdicts = [];
    for (const pattern of distinct) {
      const verdict = await check(pattern, '', { timeout: 2000 });
      verdicts.push({ pattern, status: verdict.status, ...(verdict.status === 'unknown' ? { why: verdict.error.kind } : {}) });
    }
    expect(verdicts.filter((verdict) => verdict.status === 'vulnerable')).toEqual([]);
    // An "unknown" may only be recheck running out of time on a busy machine, never a found attack
    // nor a pattern it cannot read.
    expect(verdicts.filter((verdict) => verdict.status === 'unknown' && verdict.why !== 'timeout')).toEqual([]);
    expect(verdicts.filter((verdict) => verdict.status === 'safe').length).toBeGreaterThan(distinct.length / 2);
  }, 120_000);

  it('run in linear time on the inputs that hung the backtracking engine', () => {
    const hostile = `${'a'.repeat(100_000)}!`;
    let started = performance.now();
    expect(patternTest('^(a+)+$', hostile)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
    // A 151 KB /etc/sudoers line of 40,000 spaces: 6.5 s per pattern with the backtracking engine.
    const sudoers = `Defaults${' '.repeat(40_000)}env_reset${' '.repeat(111_000)}x`;
    started = performance.now();
    for (const { pattern } of patterns) patternTest(pattern, sudoers);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keep the meaning of the sudoers patterns they replaced', () => {
    const usePty = '^\\s*Defaults\\s(?:[^#,]*,)*\\s*use_pty';
    const old = /^\s*Defaults\s+([^#]*,)?\s*use_pty/;
    for (const line of ['Defaults use_pty', 'Defaults\tuse_pty', '  Defaults env_reset,use_pty', 'Defaults env_reset, mail_badpass,  use_pty', 'Defaults !use_pty', 'Defaults env_reset # ,use_pty', '# Defaults use_pty', 'Defaultsuse_pty']) {
      expect(patternTest(usePty, line), line).toBe(old.test(line));
    }
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', '\t', ',', '#', 'a', '!', 'use_pty', 'Defaults'), { maxLength: 12 }), (parts) => {
        const line = parts.join('');
        expect(patternTest(usePty, line)).toBe(old.test(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('agree with JavaScript regular expressions where both are defined (the built-in patterns, random lines)', () => {
    const alphabet = fc.constantFrom(' ', '\t', '=', ',', '#', '"', '-', '0', '1', '14', 'a', 'w', 'x', 'r', 'yes', 'true', 'minlen', 'Defaults', 'use_pty', 'logfile', 'TMOUT=', 'export ', '-w', '/etc/passwd', '-p', 'NOPASSWD', 'hmac-sha1', 'cbc');
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.array(alphabet, { maxLength: 10 }), ({ pattern }, parts) => {
        const line = parts.join('');
        const js = new RegExp(pattern).exec(line);
        const re2 = patternExec(pattern, line);
        expect(re2 === null).toBe(js === null);
        if (js && re2) expect(re2.slice(0, 2)).toEqual([js[0], js[1]].slice(0, re2.length));
      }),
      { numRuns: 3000 },
    );
  });

  it('that need backtracking are refused when the policy loads, naming the control', () => {
    expect(() => requireRegex('(a)\\1', 'policy p.yaml: control TG-1', 'mustMatch[0]')).toThrow(/policy p\.yaml: control TG-1: mustMatch\[0\]: invalid regular expression: .*\\1.*no backreferences/);
    expect(() => requireRegex('(?=x)y', 'c', 'f')).toThrow(/lookahead or lookbehind/);
    expect(() => requireRegex('[', 'c', 'f')).toThrow(/missing closing \]/);
    expect(() => requireRegex('^\\s*(\\w+)\\s*=\\s*(\\d+)$', 'c', 'f')).not.toThrow();
  });
});
