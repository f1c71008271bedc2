/**
 * The one list of report formats. Adding a format: a folder under src/report/ and one line here.
 * A format's module is loaded when a report in it is written (some pull in large libraries), so
 * what the command line needs of a format before that — its id, the kinds of report it writes,
 * the options of its own — is declared here.
 */
import { UsageError } from '../errors.js';
import type { SarifOptions } from './sarif/index.js';
import { parseSeverityList } from '../util/severity-list.js';
import type { Renderer, RendererOption, RendererOptions, ReportKind } from './renderer.js';

export interface RendererEntry<Own extends object = object> {
  readonly id: string;
  readonly description: string;
  readonly kinds: readonly ReportKind[];
  /** The options of its own the format accepts; the type makes it declare one per key of `Own`. */
  readonly options?: RendererOptions<Own>;
  /** The format writes files beside its report (`RenderOptions.siblingFiles`), so it needs a file, never stdout. */
  readonly siblingFiles?: true;
  load(): Promise<Renderer<Own>>;
}

export const RENDERERS: readonly RendererEntry[] = [
  { id: 'table', description: 'a summary and a findings table for terminals and CI logs', kinds: ['image', 'compliance'], load: async () => (await import('./table/index.js')).tableRenderer },
  { id: 'json', description: 'the full scan result and verdict as versioned JSON', kinds: ['image', 'compliance'], load: async () => (await import('./json/index.js')).jsonRenderer },
  { id: 'html', description: 'a self-contained HTML report, readable under a strict Content-Security-Policy', kinds: ['image', 'compliance'], load: async () => (await import('./html/index.js')).htmlRenderer },
  {
    id: 'html-files',
    description: 'the HTML report with its stylesheet and charts in a folder beside it (<file>_files/), styled under a CSP that forbids inline styles, as Jenkins serves archived files',
    kinds: ['image', 'compliance'],
    siblingFiles: true,
    load: async () => (await import('./html-files/index.js')).htmlFilesRenderer,
  },
  { id: 'junit', description: 'JUnit XML, one test case per gate criterion', kinds: ['image', 'compliance'], load: async () => (await import('./junit/index.js')).junitRenderer },
  {
    id: 'sarif',
    description: 'SARIF 2.1.0 for code scanning',
    kinds: ['image'],
    options: { severities: { flag: '--sarif-severity <levels>', description: 'severities the SARIF report shows; never changes the verdict', parse: parseSeverityList } },
    load: async () => (await import('./sarif/index.js')).sarifRenderer,
  } satisfies RendererEntry<SarifOptions>,
  { id: 'warnings-ng', description: "issues in the native JSON of Jenkins' Warnings NG plugin, four severities kept", kinds: ['image', 'compliance'], load: async () => (await import('./warnings-ng/index.js')).warningsNgRenderer },
  { id: 'markdown', description: 'a compact Markdown summary for CI job summaries', kinds: ['image', 'compliance'], load: async () => (await import('./markdown/index.js')).markdownRenderer },
  { id: 'gitlab', description: "GitLab's container-scanning report (gl-container-scanning-report.json, format 15.0.7)", kinds: ['image'], load: async () => (await import('./gitlab/index.js')).gitlabRenderer },
  { id: 'cyclonedx', description: 'a CycloneDX 1.6 JSON SBOM with vulnerabilities', kinds: ['image'], load: async () => (await import('./cyclonedx/index.js')).cyclonedxRenderer },
];

export function rendererEntry(id: string, kind: ReportKind): RendererEntry {
  const entry = RENDERERS.find((candidate) => candidate.id === id && candidate.kinds.includes(kind));
  if (!entry) throw new UsageError(`unknown --format "${id}" for ${kind} reports (choose from ${RENDERERS.filter((r) => r.kinds.includes(kind)).map((r) => r.id).join(', ')})`);
  return entry;
}

export async function getRenderer(id: string, kind: ReportKind): Promise<Renderer> {
  return rendererEntry(id, kind).load();
}

/** The options a format declares, each with the key its renderer reads it under, in declaration order. */
export function rendererOptions(entry: RendererEntry): readonly (RendererOption<unknown> & { readonly key: string })[] {
  return Object.entries(entry.options ?? {}).map(([key, option]) => ({ ...option, key }));
}
