import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadConfigFile } from '../config/tollgate-file.js';
import { applyConfig } from './config-file.js';
import { parseSeverityList } from './options.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tollgate-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small program shaped like tollgate's: `image scan` with a few options, and `db status`. */
function program(seen: Record<string, unknown>[]): Command {
  const root = new Command('tollgate').exitOverride().addOption(new Option('--config <file>'));
  const image = root.command('image');
  image
    .command('scan')
    .argument('<ref>')
    .addOption(new Option('-f, --format <format>').default('table').env('TOLLGATE_FORMAT'))
    .addOption(new Option('--severity <levels>').argParser(parseSeverityList).env('TOLLGATE_SEVERITY'))
    .addOption(new Option('--db <file>').env('TOLLGATE_DB'))
    .addOption(new Option('--ignore-unfixed'))
    .action((_ref, options: Record<string, unknown>) => void seen.push(options));
  root.command('db').command('status').addOption(new Option('--db <file>').env('TOLLGATE_DB')).action(() => {});
  root.hook('preAction', (_root, action) => {
    const { file, tree } = loadConfigFile(root.opts<{ config?: string }>().config);
    if (file) applyConfig(action, tree, file);
  });
  return root;
}

async function parse(args: string[], config: string, env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, config);
  const seen: Record<string, unknown>[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    await program(seen).parseAsync(['node', 'tollgate', '--config', file, ...args]);
  } finally {
    process.env = saved;
  }
  return seen[0] ?? {};
}

describe('configuration precedence: flag > TOLLGATE_* variable > file > default', () => {
  it('the file fills what flags and variables leave open, top level and per command', async () => {
    const options = await parse(['image', 'scan', 'oci:x'], 'db: /from/file.db\nimage:\n  scan:\n    format: json\n    severity: [HIGH, critical]\n    ignore-unfixed: true\n');
    expect(options).toMatchObject({ db: '/from/file.db', format: 'json', severity: ['HIGH', 'CRITICAL'], ignoreUnfixed: true });
  });

  it('a variable beats the file, a flag beats both', async () => {
    expect(await parse(['image', 'scan', 'oci:x'], 'image:\n  scan:\n    format: json\n', { TOLLGATE_FORMAT: 'sarif' })).toMatchObject({ format: 'sarif' });
    expect(await parse(['image', 'scan', 'oci:x', '--format', 'html'], 'image:\n  scan:\n    format: json\n', { TOLLGATE_FORMAT: 'sarif' })).toMatchObject({ format: 'html' });
  });

  it('refuses unknown keys and invalid values with the file named', async () => {
    await expect(parse(['image', 'scan', 'oci:x'], 'formatt: json\n')).rejects.toThrow(/unknown key "formatt"/);
    await expect(parse(['image', 'scan', 'oci:x'], 'image:\n  scan:\n    nope: 1\n')).rejects.toThrow(/"nope" is not an option of "image scan"/);
    await expect(parse(['image', 'scan', 'oci:x'], 'image:\n  scan:\n    severity: SEVERE\n')).rejects.toThrow(UsageError);
    await expect(parse(['image', 'scan', 'oci:x'], 'image: [\n')).rejects.toThrow(/invalid YAML/);
  });
});

describe('trust decisions are never read from a configuration file', () => {
  for (const key of ['db-trusted-key', 'db-insecure-skip-verify']) {
    it(`refuses "${key}" in a file, at the top level or in a command's section`, () => {
      const program = new Command();
      const pull = program.command('db').command('pull').addOption(new Option(`--${key}${key === 'db-trusted-key' ? ' <file>' : ''}`));
      expect(() => applyConfig(pull, { [key]: key === 'db-trusted-key' ? 'evil.pem' : true }, 'tollgate.yaml')).toThrow(/taken from the command line only/);
      expect(() => applyConfig(pull, { db: { pull: { [key]: key === 'db-trusted-key' ? 'evil.pem' : true } } }, 'tollgate.yaml')).toThrow(UsageError);
    });
  }
});
