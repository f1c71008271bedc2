/**
 * `--format FORMAT[=FILE]` (repeatable) and `--output FILE`: which renderers run and where each
 * writes. At most one format may go without a file; it writes to `--output`, or to stdout.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { rendererEntry, type RendererEntry } from '../report/list.js';
import type { Renderer, RenderOptions, ReportKind } from '../report/renderer.js';

export interface ReportTarget {
  renderer: RendererEntry;
  /** Undefined: stdout. */
  file?: string;
}

export function collectFormats(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function reportTargets(formats: readonly string[] | undefined, output: string | undefined, kind: ReportKind = 'image'): ReportTarget[] {
  const specs = formats && formats.length > 0 ? formats : ['table'];
  const targets = specs.map((spec) => {
    const equals = spec.indexOf('=');
    const id = equals === -1 ? spec : spec.slice(0, equals);
    const file = equals === -1 ? undefined : spec.slice(equals + 1);
    if (file === '') throw new UsageError(`--format ${spec}: a file name must follow "="`);
    return { renderer: rendererEntry(id.trim(), kind), ...(file ? { file } : {}) };
  });
  const unnamed = targets.filter((target) => !target.file);
  if (unnamed.length > 1) throw new UsageError(`only one --format can write to ${output ? output : 'stdout'}; give the others a file: --format ${unnamed[1]?.renderer.id}=<file>`);
  return targets.map((target) => (target.file || !output ? target : { ...target, file: output }));
}

/** Renders every target with `render` (the report kind's method of the renderer) and writes it. */
export async function writeReports(targets: readonly ReportTarget[], render: (renderer: Renderer, options: RenderOptions) => string | undefined, options: { color: boolean; width?: number; sarifSeverities?: RenderOptions['severities'] }): Promise<void> {
  for (const target of targets) {
    const renderer = await target.renderer.load();
    const text =
      render(renderer, {
        color: options.color && !target.file,
        ...(options.width ? { width: options.width } : {}),
        ...(target.renderer.id === 'sarif' && options.sarifSeverities ? { severities: options.sarifSeverities } : {}),
      }) ?? '';
    if (target.file) {
      await mkdir(path.dirname(path.resolve(target.file)), { recursive: true });
      await writeFile(target.file, text);
    } else {
      process.stdout.write(text);
    }
  }
}
