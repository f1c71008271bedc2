/**
 * The contract of a policy format: one folder per format under src/compliance/policy/, registered
 * in policy/list.ts. A format says how its files are recognised (by name, and by content for files
 * whose name does not say) and turns a file's text into a validated Policy. A format never reads
 * files itself (the loader reads, with its size limit) and never evaluates anything.
 */
import type { Policy } from './policy-types.js';

/** What some formats need besides the text: a profile to evaluate, a tailoring file's text (SCAP). */
export interface PolicyParseOptions {
  /** The profile of the content to evaluate (`standard`, or a full XCCDF profile id). */
  profile?: string;
  /** A tailoring file, read by the loader. */
  tailoring?: { text: string; origin: string };
}

export interface PolicyFormat {
  /** The folder under src/compliance/policy/ that holds it; named in messages. */
  readonly id: string;
  /** What the format is, for users choosing a file: `Tollgate's native YAML policy`. */
  readonly description: string;
  /** Endings of file names in this format, lower case with the dot: `.yaml`. */
  readonly extensions: readonly string[];
  /** True when the text looks like this format: a cheap look (a marker, a root element), never a full parse. */
  sniff(text: string): boolean;
  /** The policy in `text`; every mistake is a UsageError naming `origin`, the line and the field. */
  parse(text: string, origin: string, options?: PolicyParseOptions): Policy;
}
