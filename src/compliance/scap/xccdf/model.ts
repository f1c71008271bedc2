/**
 * The XCCDF 1.2 model: what read-benchmark.ts builds out of a <Benchmark> (and a <Tailoring>) and
 * what profile resolution and evaluation read. Plain data, no behaviour; ids are the content's own.
 */

/** The XCCDF 1.2 rule results (NISTIR 7275r4, table 26). */
export const XCCDF_RESULTS = ['pass', 'fail', 'error', 'unknown', 'notapplicable', 'notchecked', 'notselected', 'informational', 'fixed'] as const;
export type XccdfResult = (typeof XCCDF_RESULTS)[number];

export const XCCDF_SEVERITIES = ['unknown', 'info', 'low', 'medium', 'high'] as const;
export type XccdfSeverity = (typeof XCCDF_SEVERITIES)[number];

export const OVAL_CHECK_SYSTEM = 'http://oval.mitre.org/XMLSchema/oval-definitions-5';

export interface XccdfCheckExport {
  /** The OVAL external variable's id. */
  exportName: string;
  /** The XCCDF Value whose resolved value is exported. */
  valueId: string;
}

export interface XccdfCheckContentRef {
  href: string;
  /** The OVAL definition id; absent means every definition of the document. */
  name?: string;
}

export interface XccdfCheck {
  system: string;
  /** The selector a profile's refine-rule picks this check by ('' for the default). */
  selector: string;
  negate: boolean;
  multiCheck: boolean;
  exports: XccdfCheckExport[];
  refs: XccdfCheckContentRef[];
}

/** A `fix`: its text in order, with `<sub idref>` Value references kept as parts to substitute. */
export interface XccdfFix {
  system: string;
  id?: string;
  parts: ({ text: string } | { valueId: string })[];
}

export interface XccdfReference {
  href: string;
  text: string;
}

export interface XccdfIdent {
  system: string;
  text: string;
}

interface XccdfSelectableItem {
  id: string;
  title: string;
  /** Default selection (the `selected` attribute), before any profile. */
  selected: boolean;
  /** Platform idrefs (`#machine`, `cpe:/o:debian:debian_linux:12`); any one must apply. */
  platforms: string[];
  /** Each entry is one `requires` element: one of its idrefs must be selected. */
  requires: string[][];
  conflicts: string[];
  /** The id of the Group holding the item, '' at the Benchmark's top. */
  parent: string;
}

export interface XccdfRule extends XccdfSelectableItem {
  kind: 'rule';
  description: string;
  rationale: string;
  severity: XccdfSeverity;
  role: string;
  weight: string;
  checks: XccdfCheck[];
  fixes: XccdfFix[];
  fixText: string;
  references: XccdfReference[];
  idents: XccdfIdent[];
}

export interface XccdfGroup extends XccdfSelectableItem {
  kind: 'group';
}

export interface XccdfValue {
  id: string;
  title: string;
  type: string;
  operator: string;
  /** Values by selector; '' is the default. */
  values: Map<string, string>;
}

export interface XccdfProfile {
  id: string;
  title: string;
  description: string;
  extends?: string;
  selects: { idref: string; selected: boolean }[];
  setValues: { idref: string; value: string }[];
  refineValues: { idref: string; selector: string }[];
  refineRules: { idref: string; severity?: XccdfSeverity; selector?: string; role?: string; weight?: string }[];
}

export interface XccdfBenchmark {
  id: string;
  title: string;
  version: string;
  platforms: string[];
  profiles: Map<string, XccdfProfile>;
  /** Rules in document order. */
  rules: Map<string, XccdfRule>;
  groups: Map<string, XccdfGroup>;
  /** Every Group and Rule id in document order, a Group before what it holds (the order items are processed in). */
  items: string[];
  values: Map<string, XccdfValue>;
}
