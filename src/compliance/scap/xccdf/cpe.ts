/**
 * CPE applicability: the platform specification (CPE applicability language 2.3, `logical-test`
 * with `fact-ref` and `check-fact-ref`) and the CPE dictionary's OVAL checks. A platform idref of
 * an XCCDF item is either `#<platform id>` or a CPE name; a CPE name applies when the dictionary's
 * check for it is true. Evaluation asks a callback for OVAL definition results, so the same OVAL
 * session answers every platform of a scan.
 */
import { childrenNamed, type XmlElement } from '../oval/xml.js';

export const CPE_LANGUAGE_NAMESPACE = 'http://cpe.mitre.org/language/2.0';
export const CPE_DICTIONARY_NAMESPACE = 'http://cpe.mitre.org/dictionary/2.0';

export type CpeLogicalTest =
  | { kind: 'test'; operator: 'AND' | 'OR'; negate: boolean; children: CpeLogicalTest[] }
  | { kind: 'fact'; name: string }
  | { kind: 'check'; href: string; definitionId: string };

/** One OVAL check of the content: the document's href and the definition id. */
export interface OvalCheckRef {
  href: string;
  definitionId: string;
}

export interface CpeApplicability {
  /** Platform specifications by id. */
  platforms: Map<string, CpeLogicalTest>;
  /** CPE names of the dictionary with the OVAL check that says whether the target is one. */
  dictionary: Map<string, OvalCheckRef>;
}

export type CpeVerdict = 'true' | 'false' | 'error';

function logicalTest(element: XmlElement): CpeLogicalTest {
  const children: CpeLogicalTest[] = [];
  for (const child of element.children) {
    if (child.name === 'logical-test') children.push(logicalTest(child));
    else if (child.name === 'fact-ref' && child.attributes.name) children.push({ kind: 'fact', name: child.attributes.name });
    else if (child.name === 'check-fact-ref' && child.attributes['id-ref']) children.push({ kind: 'check', href: child.attributes.href ?? '', definitionId: child.attributes['id-ref'] });
  }
  return { kind: 'test', operator: element.attributes.operator === 'OR' ? 'OR' : 'AND', negate: element.attributes.negate === 'true', children };
}

/** Adds the platforms of a <platform-specification> element. */
export function readPlatformSpecification(element: XmlElement, into: CpeApplicability): void {
  for (const platform of childrenNamed(element, 'platform')) {
    const id = platform.attributes.id;
    const test = childrenNamed(platform, 'logical-test')[0];
    if (id && test) into.platforms.set(id, logicalTest(test));
  }
}

/** Adds the items of a <cpe-list> (a CPE dictionary) that carry an OVAL check. */
export function readCpeDictionary(element: XmlElement, into: CpeApplicability): void {
  for (const item of childrenNamed(element, 'cpe-item')) {
    const check = childrenNamed(item, 'check').find((candidate) => candidate.attributes.system?.startsWith('http://oval.mitre.org/XMLSchema/oval-definitions-5'));
    if (item.attributes.name && check) into.dictionary.set(item.attributes.name, { href: check.attributes.href ?? '', definitionId: check.text.trim() });
  }
}

/** Every OVAL check a set of platform idrefs may need, so one session evaluates them together. */
export function platformChecks(idrefs: Iterable<string>, applicability: CpeApplicability): OvalCheckRef[] {
  const found = new Map<string, OvalCheckRef>();
  const visit = (test: CpeLogicalTest): void => {
    if (test.kind === 'check') found.set(`${test.href}#${test.definitionId}`, test);
    else if (test.kind === 'fact') {
      const check = applicability.dictionary.get(test.name);
      if (check) found.set(`${check.href}#${check.definitionId}`, check);
    } else test.children.forEach(visit);
  };
  for (const idref of idrefs) {
    if (idref.startsWith('#')) {
      const platform = applicability.platforms.get(idref.slice(1));
      if (platform) visit(platform);
    } else visit({ kind: 'fact', name: idref });
  }
  return [...found.values()];
}

function combine(operator: 'AND' | 'OR', values: CpeVerdict[]): CpeVerdict {
  if (operator === 'AND') return values.includes('false') ? 'false' : values.includes('error') ? 'error' : 'true';
  return values.includes('true') ? 'true' : values.includes('error') ? 'error' : 'false';
}

/**
 * Whether one platform idref applies. `checkResult` gives an OVAL definition's result ('true',
 * 'false'; 'unknown' and 'not applicable' count as false, anything else as error). A CPE name the dictionary does not know is false, as
 * OpenSCAP treats it; an unknown `#platform` is false too.
 */
export function platformApplies(idref: string, applicability: CpeApplicability, checkResult: (check: OvalCheckRef) => string): CpeVerdict {
  const verdictOf = (test: CpeLogicalTest): CpeVerdict => {
    if (test.kind === 'check') return asVerdict(checkResult(test));
    if (test.kind === 'fact') {
      const check = applicability.dictionary.get(test.name);
      return check ? asVerdict(checkResult(check)) : 'false';
    }
    const value = combine(test.operator, test.children.map(verdictOf));
    if (!test.negate || value === 'error') return value;
    return value === 'true' ? 'false' : 'true';
  };
  if (idref.startsWith('#')) {
    const platform = applicability.platforms.get(idref.slice(1));
    return platform ? verdictOf(platform) : 'false';
  }
  return verdictOf({ kind: 'fact', name: idref });
}

/**
 * A platform applies only when its check is true, as in OpenSCAP: a check that cannot tell
 * (`unknown`: a runtime fact of a tree that is not running, such as "/opt is a mount point"; `not
 * applicable`) does not make the platform apply. A check that broke (`error`, `not evaluated`)
 * stays an error, so a rule is never dropped because its applicability check is broken.
 */
function asVerdict(result: string): CpeVerdict {
  if (result === 'true') return 'true';
  return result === 'false' || result === 'unknown' || result === 'not applicable' ? 'false' : 'error';
}

/** Any one of an item's platforms applies (no platform: applies). */
export function anyPlatformApplies(idrefs: readonly string[], applicability: CpeApplicability, checkResult: (check: OvalCheckRef) => string): CpeVerdict {
  if (idrefs.length === 0) return 'true';
  return combine('OR', idrefs.map((idref) => platformApplies(idref, applicability, checkResult)));
}
