/**
 * Warnings about input are input-sized: 200,000 broken links give 200,000 warnings, and a
 * malformed database one per line. A result carries the first few and says how many more there
 * were; a parser counts past its own bound instead of keeping every message.
 */

/** Warnings a scan result carries before it summarises the rest. */
export const MAX_RESULT_WARNINGS = 200;

/** The first `max` warnings, and one line counting the rest when there are more. */
export function boundWarnings(warnings: readonly string[], max: number = MAX_RESULT_WARNINGS): string[] {
  if (warnings.length <= max) return [...warnings];
  const kept = warnings.slice(0, max);
  kept.push(`${(warnings.length - max).toLocaleString('en')} more warnings not shown (the first ${max} are above)`);
  return kept;
}

/**
 * Collects at most `max` warnings and counts the rest: a parser meeting 30 million malformed lines
 * keeps a few messages, not 30 million.
 */
export class WarningTally {
  readonly kept: string[] = [];
  private dropped = 0;

  constructor(private readonly max: number = 20) {}

  add(warning: string): void {
    if (this.kept.length < this.max) this.kept.push(warning);
    else this.dropped += 1;
  }

  get count(): number {
    return this.kept.length + this.dropped;
  }

  /** The kept warnings, then one line counting those left out. */
  list(what = 'warnings'): string[] {
    return this.dropped === 0 ? [...this.kept] : [...this.kept, `${this.dropped.toLocaleString('en')} more ${what} like these not shown`];
  }
}
