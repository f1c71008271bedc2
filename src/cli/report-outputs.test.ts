import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { rendererEntry, type RendererEntry } from '../report/list.js';
import type { RenderOptions } from '../report/renderer.js';
import { addRendererOptions, ownRenderOptions, writeReports } from './report-outputs.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-report-outputs-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function parsed(kind: 'image' | 'compliance', argv: string[]): Record<string, unknown> {
  const command = addRendererOptions(new Command('scan').exitOverride().configureOutput({ writeErr: () => undefined }), kind);
  command.parse(argv, { from: 'user' });
  return command.opts();
}

describe("the formats' own options", () => {
  it('become flags of the commands whose reports the format writes, parsed by the format', () => {
    expect(parsed('image', ['--sarif-severity', 'LOW,2', '--sarif-severity', 'critical'])).toEqual({ sarifSeverity: ['LOW', 'CRITICAL'] });
    expect(() => parsed('image', ['--sarif-severity', 'SEVERE'])).toThrow(UsageError);
    expect(() => parsed('compliance', ['--sarif-severity', 'LOW'])).toThrow(/unknown option '--sarif-severity'/);
  });

  it('reach only the format that declared them, under the name it reads', () => {
    const flags = { sarifSeverity: ['LOW'], severity: ['HIGH'], format: ['sarif', 'json'] };
    expect(ownRenderOptions(rendererEntry('sarif', 'image'), flags)).toEqual({ severities: ['LOW'] });
    expect(ownRenderOptions(rendererEntry('json', 'image'), flags)).toEqual({});
    expect(ownRenderOptions(rendererEntry('sarif', 'image'), { severity: ['HIGH'] })).toEqual({});
  });

  it('are handed by writeReports to their own format only', async () => {
    const seen = new Map<string, RenderOptions>();
    const recording = (id: string, options?: RendererEntry['options']): RendererEntry => ({
      id,
      description: id,
      kinds: ['image'],
      ...(options ? { options } : {}),
      load: async () => ({ id, description: id, extension: id, renderImage: () => id }),
    });
    const severities = { flag: '--sarif-severity <levels>', description: '', parse: (text: string) => text.split(',') };
    const targets = [
      { renderer: recording('sarif', { severities }), file: path.join(work, 'r.sarif') },
      { renderer: recording('json'), file: path.join(work, 'r.json') },
    ];
    await writeReports(
      targets,
      (renderer, options) => {
        seen.set(renderer.id, options);
        return renderer.id;
      },
      { color: true, width: 100, flags: { sarifSeverity: ['LOW'], quiet: true } },
    );
    expect(Object.fromEntries(seen)).toEqual({ sarif: { color: false, width: 100, severities: ['LOW'] }, json: { color: false, width: 100 } });
    expect(await readFile(path.join(work, 'r.sarif'), 'utf8')).toBe('sarif');
  });
});
