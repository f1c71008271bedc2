/**
 * SCAP content as a policy format: a source data stream (`*-ds.xml`) or an XCCDF 1.2 benchmark,
 * evaluated for one profile (`scap:<file>#<profile>`, a tailoring on top). Each rule the profile
 * selects is one control; the controls are judged together by the policy's evaluator — the profile
 * through one OVAL session (src/compliance/scap/xccdf/) — so every report and the compliance gate
 * read native results. The XCCDF details of the last evaluation are kept for result XML and ARF.
 * Never runs a fix and never reads a file (the loader does).
 */
import { UsageError } from '../../../errors.js';
import type { ReferenceLink } from '../../../model/compliance-result.js';
import { httpUrl } from '../../../util/http-url.js';
import { XmlContentError, parseXml } from '../../scap/oval/xml.js';
import { readScapContent, type ScapContent } from '../../scap/xccdf/content.js';
import { evaluateBenchmark, type BenchmarkEvaluation, type RuleOutcome } from '../../scap/xccdf/evaluate-benchmark.js';
import type { XccdfReference, XccdfRule } from '../../scap/xccdf/model.js';
import { resolveProfile, selectedRules, type ResolvedProfile } from '../../scap/xccdf/profile.js';
import { readTailoring } from '../../scap/xccdf/read-benchmark.js';
import { fixScript } from '../../scap/xccdf/remediation.js';
import { CONTROL_STATE_OF_RESULT, criticalityOf, type CriticalityOverrides } from '../../scap/xccdf/result-mapping.js';
import type { PolicyFormat, PolicyParseOptions } from '../policy-format.js';
import type { Control, JudgedControl, Policy } from '../policy-types.js';

export interface ScapPolicyOptions extends PolicyParseOptions {
  criticalities?: CriticalityOverrides;
  /** For a plain XCCDF benchmark: the text of an OVAL file it references, read by the caller. */
  readReferenced?: (href: string) => string | undefined;
}

/** What a SCAP policy keeps for XCCDF result XML, ARF and remediation export. */
export interface ScapRun {
  content: ScapContent;
  /** The content's text, as ARF and XCCDF result documents embed it. */
  contentText: string;
  profile: ResolvedProfile;
  /** The last evaluation, once the policy has been evaluated. */
  evaluation?: BenchmarkEvaluation;
}

const RUNS = new WeakMap<Policy, ScapRun>();

/** The SCAP side of a policy loaded from SCAP content (undefined for other formats). */
export function scapRunOf(policy: Policy): ScapRun | undefined {
  return RUNS.get(policy);
}

const MAX_STATEMENT = 4000;

/** `xccdf_org.ssgproject.content_profile_standard` -> `standard`. */
export function shortXccdfId(id: string): string {
  return id.replace(/^xccdf_[^_]+_(?:benchmark|profile|rule)_/, '');
}

const REFERENCE_LABELS: [RegExp, string][] = [
  [/cisecurity\.org/, 'CIS'],
  [/nvlpubs\.nist\.gov|csrc\.nist\.gov|nist\.gov/, 'NIST'],
  [/ssi\.gouv\.fr/, 'ANSSI'],
  [/pcisecuritystandards/, 'PCI-DSS'],
  [/public\.cyber\.mil|iase\.disa\.mil/, 'DISA'],
  [/isaca\.org/, 'COBIT'],
  [/isa\.org/, 'ISA-62443'],
  [/iso\.org/, 'ISO-27001'],
  [/hipaa|hhs\.gov/, 'HIPAA'],
];

/** What a reference's href says, worked out once per href: the content repeats ~30 hrefs over ~15k references. */
interface HrefFacts {
  publisher: string | undefined;
  url: string | undefined;
}

type HrefMemo = Map<string, HrefFacts>;

function hrefFacts(href: string, memo: HrefMemo): HrefFacts {
  let facts = memo.get(href);
  if (!facts) {
    facts = { publisher: REFERENCE_LABELS.find(([pattern]) => pattern.test(href))?.[1], url: httpUrl(href) };
    memo.set(href, facts);
  }
  return facts;
}

/**
 * A rule's references as control references: its idents (`CCE-…`), then each `<reference>`
 * labelled by who publishes it (`CIS 5.2.16`), else with its href in the label; and the http(s)
 * hrefs with the labels that point at each (a repeated label keeps its first href). Other hrefs
 * never become links.
 */
function referencesOf(rule: XccdfRule, memo: HrefMemo): { references: string[]; referenceLinks: ReferenceLink[] } {
  const references = new Set(rule.idents.map((ident) => ident.text).filter((text) => text));
  const links = new Map<string, ReferenceLink>();
  for (const reference of rule.references) {
    const facts = hrefFacts(reference.href, memo);
    const label = referenceLabel(reference, facts);
    if (!label || references.has(label)) continue;
    references.add(label);
    const url = label === reference.href ? undefined : facts.url;
    if (url === undefined) continue;
    const link = links.get(url) ?? { url, labels: [] };
    link.labels.push(label);
    links.set(url, link);
  }
  return { references: [...references], referenceLinks: [...links.values()] };
}

function referenceLabel(reference: XccdfReference, { publisher }: HrefFacts): string {
  if (!reference.text) return reference.href;
  return publisher ? `${publisher} ${reference.text}` : reference.href ? `${reference.text} (${reference.href})` : reference.text;
}

function controlOf(rule: XccdfRule, profile: ResolvedProfile, overrides: CriticalityOverrides, memo: HrefMemo): Control {
  const remediation = rule.fixText || fixScript(rule, 'bash', profile.values) || '';
  const { references, referenceLinks } = referencesOf(rule, memo);
  return {
    cid: rule.id,
    title: rule.title || rule.id,
    statement: (rule.description || rule.title).slice(0, MAX_STATEMENT),
    criticality: criticalityOf(profile.severities.get(rule.id) ?? rule.severity, overrides),
    ...(rule.rationale ? { rationale: rule.rationale } : {}),
    ...(remediation ? { remediation: remediation.slice(0, MAX_STATEMENT) } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...(referenceLinks.length > 0 ? { referenceLinks } : {}),
  };
}

function judged(outcome: RuleOutcome): JudgedControl | undefined {
  if (outcome.result === 'notselected') return undefined;
  const state = CONTROL_STATE_OF_RESULT[outcome.result];
  const where = outcome.checkRef ? { command: `OVAL ${outcome.checkRef}` } : {};
  const details = outcome.messages.slice(0, 20).map((value) => ({ value, ...where }));
  const exported = outcome.exports.map((exported) => ({ value: `${exported.name} = ${exported.value}` }));
  const message = `XCCDF result ${outcome.result}${outcome.messages[0] ? `: ${outcome.messages[0]}` : ''}`;
  return {
    state,
    message,
    evidence: { unexpected: state === 'FAIL' ? details : [], missing: [], observed: [...(state === 'FAIL' ? [] : details), ...exported] },
  };
}

/** Content text into a Policy for one profile (and a tailoring). Mistakes are usage errors naming the file. */
export function parseScapPolicy(text: string, origin: string, options: ScapPolicyOptions = {}): Policy {
  try {
    const content = readScapContent(text, origin, options.readReferenced ? { readReferenced: options.readReferenced } : {});
    const tailoring = options.tailoring ? readTailoring(parseXml(options.tailoring.text, options.tailoring.origin), options.tailoring.origin) : [];
    const profileId = options.profile ?? (tailoring.length === 1 ? tailoring[0]?.id : undefined);
    const profile = resolveProfile(content.benchmark, profileId, origin, tailoring);
    const { benchmark } = content;
    const rules = selectedRules(benchmark, profile);
    if (rules.length === 0) {
      const known = [...benchmark.profiles.keys()].map(shortXccdfId).join(', ');
      throw new UsageError(`${origin}: ${profileId ? `profile ${profileId}` : 'the benchmark without a profile'} selects no rule${profileId ? '' : `; name a profile as scap:${origin}#<profile> (its profiles: ${known || 'none'})`}`);
    }
    const overrides = options.criticalities ?? {};
    const memo: HrefMemo = new Map();
    const policy: Policy = {
      schemaVersion: 1,
      id: `${shortXccdfId(benchmark.id)}:${profile.id ? shortXccdfId(profile.id) : 'default'}`,
      title: profile.title || benchmark.title,
      version: benchmark.version || '0',
      description: `${benchmark.title}${profile.id ? `, profile ${profile.id}` : ''} (SCAP content)`,
      controls: rules.map((rule) => controlOf(rule, profile, overrides, memo)),
      origin,
    };
    const run: ScapRun = { content, contentText: text, profile };
    policy.evaluator = {
      async evaluate({ target, signal }) {
        const evaluation = await evaluateBenchmark(content, profile, target, signal ? { signal } : {});
        run.evaluation = evaluation;
        const results = new Map<string, JudgedControl>();
        for (const outcome of evaluation.rules) {
          const judgement = judged(outcome);
          if (judgement) results.set(outcome.ruleId, judgement);
        }
        return results;
      },
    };
    RUNS.set(policy, run);
    return policy;
  } catch (error) {
    if (error instanceof XmlContentError) throw new UsageError(`SCAP content ${error.message}`, { cause: error });
    throw error;
  }
}

export const scapFormat: PolicyFormat = {
  id: 'scap',
  description: 'SCAP 1.2/1.3 source data stream or XCCDF 1.2 benchmark (scap:<file>#<profile>)',
  extensions: ['.xml'],
  sniff: (text) => /<(?:[\w-]+:)?(?:data-stream-collection|Benchmark)[\s>]/.test(text.slice(0, 4096)),
  parse: (text, origin, options) => parseScapPolicy(text, origin, options),
};
