/**
 * The step's outputs from the verdict the CLI wrote: pass or fail and the counts a later step can
 * branch on. Pure; reads nothing but the verdict's JSON text, which it checks before trusting.
 */
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN'] as const;

export type Outputs = Record<string, string>;

interface ImageVerdictCounts {
  counts?: { considered?: number; bySeverity?: Partial<Record<(typeof SEVERITIES)[number], number>> };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** `passed`, and per severity (image) or per evaluation (compliance) counts, as output strings. */
export function verdictOutputs(verdictJson: string): Outputs {
  const verdict = JSON.parse(verdictJson) as { passed?: unknown; images?: unknown; controlsEvaluated?: unknown; controlsCausingFailure?: unknown };
  if (typeof verdict.passed !== 'boolean') throw new Error('the verdict file has no "passed" field');
  const outputs: Outputs = { passed: String(verdict.passed) };
  if (Array.isArray(verdict.images)) {
    const images = verdict.images as ImageVerdictCounts[];
    outputs.findings = String(images.reduce((sum, image) => sum + count(image.counts?.considered), 0));
    for (const severity of SEVERITIES) outputs[severity.toLowerCase()] = String(images.reduce((sum, image) => sum + count(image.counts?.bySeverity?.[severity]), 0));
  } else {
    outputs['controls-evaluated'] = String(count(verdict.controlsEvaluated));
    outputs['controls-failing'] = String(Array.isArray(verdict.controlsCausingFailure) ? verdict.controlsCausingFailure.length : 0);
  }
  return outputs;
}

/** GitHub refuses a job summary over 1 MiB; a longer one is cut at a line with a note. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

export function boundedSummary(markdown: string, limit = STEP_SUMMARY_LIMIT): string {
  if (Buffer.byteLength(markdown) <= limit) return markdown;
  const note = '\n\n_The summary was cut to fit GitHub’s 1 MiB limit; the full report is in the JSON output._\n';
  // Cut by bytes, then back to the last line end, which also drops a character cut in half.
  const cut = Buffer.from(markdown, 'utf8').subarray(0, limit - Buffer.byteLength(note)).toString('utf8');
  const lastLine = cut.lastIndexOf('\n');
  return `${lastLine > 0 ? cut.slice(0, lastLine) : cut.replace(/\uFFFD$/, '')}${note}`;
}
