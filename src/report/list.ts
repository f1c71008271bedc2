/**
 * The one list of report formats. Adding a format: a folder under src/report/ and one line here.
 * A format's module is loaded when a report in it is written (some pull in large libraries).
 */
import { UsageError } from '../errors.js';
import type { Renderer, ReportKind } from './renderer.js';

export interface RendererEntry {
  readonly id: string;
  readonly description: string;
  readonly kinds: readonly ReportKind[];
  load(): Promise<Renderer>;
}

export const RENDERERS: readonly RendererEntry[] = [
  { id: 'table', description: 'a summary and a findings table for terminals and CI logs', kinds: ['image', 'compliance'], load: async () => (await import('./table/index.js')).tableRenderer },
  { id: 'json', description: 'the full scan result and verdict as versioned JSON', kinds: ['image', 'compliance'], load: async () => (await import('./json/index.js')).jsonRenderer },
  { id: 'html', description: 'a self-contained HTML report, readable under a strict Content-Security-Policy', kinds: ['image', 'compliance'], load: async () => (await import('./html/index.js')).htmlRenderer },
  { id: 'junit', description: 'JUnit XML, one test case per gate criterion', kinds: ['image', 'compliance'], load: async () => (await import('./junit/index.js')).junitRenderer },
  { id: 'sarif', description: 'SARIF 2.1.0 for code scanning', kinds: ['image'], load: async () => (await import('./sarif/index.js')).sarifRenderer },
  { id: 'markdown', description: 'a compact Markdown summary for CI job summaries', kinds: ['image', 'compliance'], load: async () => (await import('./markdown/index.js')).markdownRenderer },
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
