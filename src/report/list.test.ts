/**
 * Conformance of the report-format list: every format folder is listed and every id is a folder,
 * ids are unique, each format renders exactly the kinds of report it declares, and the options a
 * format declares are flags named for the format, so that no two formats (and no command) can
 * claim the same flag.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { duplicateProblems, folderProblems, subfolders } from '../../test/support/plugin-lists.js';
import { RENDERERS, rendererOptions, type RendererEntry } from './list.js';
import type { Renderer, ReportKind } from './renderer.js';

const REPORT_DIR = fileURLToPath(new URL('.', import.meta.url));

const RENDER_FUNCTION: Record<ReportKind, 'renderImage' | 'renderCompliance'> = { image: 'renderImage', compliance: 'renderCompliance' };

export function formatListProblems(entries: readonly RendererEntry[], renderers: ReadonlyMap<string, Renderer>, folders: readonly string[]): string[] {
  const ids = entries.map((entry) => entry.id);
  const flags = entries.flatMap((entry) => rendererOptions(entry).map((option) => option.flag.split(/\s/)[0] ?? ''));
  const problems = [...folderProblems('format', folders, ids), ...duplicateProblems('format', ids), ...duplicateProblems('option flag', flags)];
  for (const entry of entries) {
    const renderer = renderers.get(entry.id);
    if (!renderer) {
      problems.push(`format "${entry.id}" loads no renderer`);
      continue;
    }
    if (renderer.id !== entry.id) problems.push(`format "${entry.id}" loads the renderer "${renderer.id}"`);
    for (const [kind, method] of Object.entries(RENDER_FUNCTION)) {
      const declared = entry.kinds.some((declaredKind) => declaredKind === kind);
      const renders = typeof renderer[method] === 'function';
      if (declared && !renders) problems.push(`format "${entry.id}" declares ${kind} reports but has no ${method}`);
      if (!declared && renders) problems.push(`format "${entry.id}" has ${method} but does not declare ${kind} reports`);
    }
    for (const option of rendererOptions(entry)) {
      if (!option.flag.startsWith(`--${entry.id}-`)) problems.push(`format "${entry.id}" declares the flag "${option.flag}"; its flags start with --${entry.id}-`);
    }
  }
  return problems;
}

describe('the report-format list', () => {
  it('matches the format folders, and each format renders the kinds it declares and names its own flags', async () => {
    const renderers = new Map<string, Renderer>();
    for (const entry of RENDERERS) renderers.set(entry.id, await entry.load());
    expect(formatListProblems(RENDERERS, renderers, subfolders(REPORT_DIR))).toEqual([]);
  });

  it('names an unlisted folder, a folderless or repeated format, a kind without its render function, and flags that collide or are not the format’s', () => {
    const render = (): string => '';
    const option = (flag: string) => ({ flag, description: '', parse: (text: string) => text });
    const entries: RendererEntry[] = [
      { id: 'json', description: '', kinds: ['image', 'compliance'], load: async () => ({ id: 'json', description: '', extension: 'json', renderImage: render }) },
      { id: 'json', description: '', kinds: ['image'], load: async () => ({ id: 'json', description: '', extension: 'json', renderImage: render }) },
      { id: 'sarif', description: '', kinds: ['image'], options: { severities: option('--sarif-severity <levels>'), other: option('--severity <levels>') }, load: async () => ({ id: 'sarif', description: '', extension: 'sarif', renderImage: render, renderCompliance: render }) },
      { id: 'pdf', description: '', kinds: ['image'], options: { severities: option('--sarif-severity <levels>') }, load: async () => ({ id: 'pdf', description: '', extension: 'pdf', renderImage: render }) },
    ];
    const renderers = new Map<string, Renderer>([
      ['json', { id: 'json', description: '', extension: 'json', renderImage: render }],
      ['sarif', { id: 'sarif-2.1', description: '', extension: 'sarif', renderImage: render, renderCompliance: render }],
    ]);
    expect(formatListProblems(entries, renderers, ['json', 'sarif', 'table'])).toEqual([
      'format "table" has a folder but is not in the list',
      'format "pdf" is in the list but has no folder of its own',
      'format "json" is listed more than once',
      'option flag "--sarif-severity" is listed more than once',
      'format "json" declares compliance reports but has no renderCompliance',
      'format "sarif" loads the renderer "sarif-2.1"',
      'format "sarif" has renderCompliance but does not declare compliance reports',
      'format "sarif" declares the flag "--severity <levels>"; its flags start with --sarif-',
      'format "pdf" loads no renderer',
    ]);
  });
});
