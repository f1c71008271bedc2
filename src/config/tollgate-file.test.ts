import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigFile } from './tollgate-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tollgate-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tollgate.yaml', () => {
  it('says so when the named file cannot be read', () => {
    expect(() => loadConfigFile(path.join(dir, 'missing.yaml'))).toThrow(/cannot read configuration file/);
  });

  it('reads option values and command sections; an empty file sets nothing', async () => {
    const file = path.join(dir, 'tollgate.yaml');
    await writeFile(file, 'db: /var/lib/tollgate.db\nimage:\n  scan:\n    severity: [HIGH, CRITICAL]\n');
    expect(loadConfigFile(file)).toEqual({ file, tree: { db: '/var/lib/tollgate.db', image: { scan: { severity: ['HIGH', 'CRITICAL'] } } } });
    expect(parseConfigFile('', 'c.yaml')).toEqual({});
  });

  it('refuses a file that is not a mapping of options, with the place of the mistake', () => {
    expect(() => parseConfigFile('- format: json\n', 'c.yaml')).toThrow(/^c\.yaml:1:1: document: the configuration must be a mapping of option names to values$/);
    expect(() => parseConfigFile('severity:\n  - [HIGH]\n', 'c.yaml')).toThrow(/^c\.yaml:2:5: severity\[0\]: must be string,number,boolean,null$/);
    expect(() => parseConfigFile('format: json\nformat: sarif\n', 'c.yaml')).toThrow(/^c\.yaml:2:1: invalid YAML: Map keys must be unique/);
  });

  it('takes the working folder\'s tollgate.yaml when none is named, and nothing when there is none', async () => {
    const cwd = process.cwd();
    const folder = await mkdtemp(path.join(dir, 'cwd-'));
    try {
      process.chdir(folder);
      expect(loadConfigFile(undefined)).toEqual({ tree: {} });
      await writeFile(path.join(folder, '.tollgate.yaml'), 'quiet: true\n');
      expect(loadConfigFile(undefined)).toEqual({ file: '.tollgate.yaml', tree: { quiet: true } });
    } finally {
      process.chdir(cwd);
    }
  });
});
