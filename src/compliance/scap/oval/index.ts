/**
 * OVAL 5.11 evaluation: the one entry point the XCCDF side (src/compliance/policy/scap/) calls.
 * Parse an <oval_definitions> element once, then evaluate definitions by id over one target.
 * Collection is once per evaluation session; evaluation is pure over the collected items.
 * Nothing here runs a fix, writes to the target or reads outside the target's view.
 */
export type {
  OvalResult,
  OvalDefinitionsDocument,
  OvalDefinitionOutcome,
  OvalEvaluation,
  OvalDefinition,
  OvalTest,
  OvalObject,
  OvalState,
  OvalVariable,
  OvalEntity,
} from './model.js';
/**
 * Parse an <oval_definitions> element — XML text, or an element of `parseXml` (./xml.ts) — hostile
 * XML safe: no DTD, no entity expansion, bounded size and depth; a clear OvalContentError with the line.
 */
export { parseOvalDefinitions, OvalContentError } from './parse-definitions.js';
export { parseXml, type XmlElement } from './xml.js';
/** One evaluation session over one target: collects each object once, evaluation pure over collected items. */
export { createOvalEvaluation, OvalTargetCache } from './evaluate.js';
