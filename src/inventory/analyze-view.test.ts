import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryFs } from '../image/fs/directory-fs.js';
import { TargetReadError } from '../image/fs/fs-view.js';
import { ScanError } from '../errors.js';
import type { Analyzer } from './analyzer.js';
import { analyzeView, readsFixedPaths, systemAnalyzers } from './analyze-view.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { ANALYZERS } from './list.js';
import { npmAnalyzer } from './npm/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tollgate-analyze-view-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

const stanza = (name: string, status?: string): string => `Package: ${name}\n${status ? `Status: ${status}\n` : ''}Version: 1.0\nArchitecture: amd64\n\n`;

describe('the analyzers that describe a system', () => {
  it('are picked from the inventory list by their patterns: os-release readers, then fixed-place package databases', () => {
    const system = systemAnalyzers();
    expect(system.os.map((analyzer) => analyzer.id)).toEqual(['os-release']);
    expect(system.packageDatabases.map((analyzer) => analyzer.id)).toEqual(['dpkg', 'apk', 'rpm']);
    expect(ANALYZERS.filter((analyzer) => !readsFixedPaths(analyzer)).map((analyzer) => analyzer.id)).toEqual(['npm', 'python', 'java', 'go-binary', 'go-mod', 'cargo-lock', 'rust-binary', 'gem', 'composer', 'nuget']);
  });
});

describe('running analyzers over a filesystem view', () => {
  it('reads literal paths and the files of a one-level glob, pattern by pattern, skipping absent files', async () => {
    await write('var/lib/dpkg/status', stanza('bash', 'install ok installed'));
    await write('var/lib/dpkg/status.d/zlib', stanza('zlib'));
    await write('var/lib/dpkg/status.d/base-files', stanza('base-files'));
    const files = await analyzeView(new DirectoryFs(root), [dpkgAnalyzer]);
    expect(files.map((file) => [file.path, file.literal, file.result.packages?.map((record) => record.name)])).toEqual([
      ['/var/lib/dpkg/status', true, ['bash']],
      ['/var/lib/dpkg/status.d/base-files', false, ['base-files']],
      ['/var/lib/dpkg/status.d/zlib', false, ['zlib']],
    ]);
    expect(await analyzeView(new DirectoryFs(path.join(root, 'var')), [dpkgAnalyzer])).toEqual([]);
  });

  it('reads through links inside the view, and fails on one that leaves it rather than taking the file for absent', async () => {
    await write('srv/status', stanza('curl', 'install ok installed'));
    await mkdir(path.join(root, 'var/lib/dpkg'), { recursive: true });
    await symlink('/srv/status', path.join(root, 'var/lib/dpkg/status'));
    expect((await analyzeView(new DirectoryFs(root), [dpkgAnalyzer]))[0]?.result.packages?.map((record) => record.name)).toEqual(['curl']);
    await rm(path.join(root, 'var/lib/dpkg/status'));
    await symlink('../../../../../etc/passwd', path.join(root, 'var/lib/dpkg/status'));
    await expect(analyzeView(new DirectoryFs(root), [dpkgAnalyzer])).rejects.toThrow(TargetReadError);
  });

  it('names the file and the analyzer when an analyzer throws, as the layer walk does', async () => {
    await write('etc/broken.conf', 'anything\n');
    const broken: Analyzer = {
      id: 'broken',
      version: 1,
      patterns: ['etc/broken.conf'],
      analyze() {
        throw new TypeError('unexpected byte 0x00');
      },
    };
    const failure = await analyzeView(new DirectoryFs(root), [broken]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ScanError);
    expect((failure as ScanError).message).toBe('/etc/broken.conf: the broken analyzer could not read this file: unexpected byte 0x00');
  });

  it('refuses an analyzer that finds its files anywhere: that needs a walk', async () => {
    await expect(analyzeView(new DirectoryFs(root), [npmAnalyzer])).rejects.toThrow(/the npm analyzer finds its files anywhere/);
  });
});
