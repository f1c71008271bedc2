/**
 * `--format FORMAT[=FILE]` (repeatable) and `--output FILE`: which renderers run and where each
 * writes. At most one format may go without a file; it writes to `--output`, or to stdout. The
 * formats' own options (`--sarif-severity`) are flags built from the format list, and each format
 * is handed its own options only: nothing here knows a format by name.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { RENDERERS, rendererEntry, rendererOptions, type RendererEntry } from '../report/list.js';
import type { Renderer, RenderOptions, ReportKind, SiblingFiles } from '../report/renderer.js';
import { writeOutputFile } from './output-file.js';

export interface ReportTarget {
  renderer: RendererEntry;
  /** Undefined: stdout. */
  file?: string;
  /** The flag that named the file, for error messages: `--output` or `--format <id>=`. */
  flag?: string;
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
    return { renderer: rendererEntry(id.trim(), kind), ...(file ? { file, flag: `--format ${id.trim()}=` } : {}) };
  });
  const unnamed = targets.filter((target) => !target.file);
  if (unnamed.length > 1) throw new UsageError(`only one --format can write to ${output ? output : 'stdout'}; give the others a file: --format ${unnamed[1]?.renderer.id}=<file>`);
  const placed = targets.map((target) => (target.file || !output ? target : { ...target, file: output, flag: '--output' }));
  const streamed = placed.find((target) => target.renderer.siblingFiles && !target.file);
  if (streamed) throw new UsageError(`--format ${streamed.renderer.id} writes files beside its report, so it needs a file: --format ${streamed.renderer.id}=<file>.html`);
  return placed;
}

/** A sibling file's name as a format gives it: one plain name, never a path. */
const SIBLING_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;

/** Collects the files a format writes beside `file`, in `<file's name without extension>_files/`. */
function siblingCollector(file: string): { siblings: SiblingFiles; files: Map<string, string>; folderPath: string } {
  const folder = `${path.basename(file, path.extname(file)) || 'report'}_files`;
  const files = new Map<string, string>();
  const siblings: SiblingFiles = {
    folder,
    add(name, content) {
      if (!SIBLING_NAME.test(name) || name.includes('..')) throw new Error(`a report format named the sibling file "${name}", which is not a plain file name`);
      files.set(name, content);
    },
  };
  return { siblings, files, folderPath: path.join(path.dirname(file), folder) };
}

/** The flag of a format's option as commander names its value: `--sarif-severity` -> `sarifSeverity`. */
function attributeOf(flag: string): string {
  return new Option(flag).attributeName();
}

/** Adds the flags of the options of every format that writes reports of `kind` to `command`. */
export function addRendererOptions(command: Command, kind: ReportKind): Command {
  for (const entry of RENDERERS.filter((candidate) => candidate.kinds.includes(kind))) {
    for (const option of rendererOptions(entry)) command.addOption(new Option(option.flag, option.description).argParser(option.parse));
  }
  return command;
}

/** The values a command's flags gave to `entry`'s own options, under the keys its renderer reads. */
export function ownRenderOptions(entry: RendererEntry, flags: object): Record<string, unknown> {
  const given = new Map(Object.entries(flags));
  const own: Record<string, unknown> = {};
  for (const option of rendererOptions(entry)) {
    const value: unknown = given.get(attributeOf(option.flag));
    if (value !== undefined) own[option.key] = value;
  }
  return own;
}

/**
 * Renders every target with `render` (the report kind's method of the renderer) and writes it.
 * `flags` are the command's parsed options, where each format finds the values of its own options.
 */
export async function writeReports(targets: readonly ReportTarget[], render: (renderer: Renderer, options: RenderOptions) => string | undefined, options: { color: boolean; width?: number; flags?: object }): Promise<void> {
  for (const target of targets) {
    const renderer = await target.renderer.load();
    const collector = target.file && target.renderer.siblingFiles ? siblingCollector(target.file) : undefined;
    const text =
      render(renderer, {
        color: options.color && !target.file,
        ...(options.width ? { width: options.width } : {}),
        ...(collector ? { siblingFiles: collector.siblings } : {}),
        ...ownRenderOptions(target.renderer, options.flags ?? {}),
      }) ?? '';
    if (target.file) {
      // Siblings first: a reader who sees the page finds what it links.
      for (const [name, content] of collector?.files ?? []) await writeOutputFile(path.join(collector?.folderPath ?? '', name), content, target.flag ?? '--output');
      await writeOutputFile(target.file, text, target.flag ?? '--output');
    } else {
      process.stdout.write(text);
    }
  }
}
