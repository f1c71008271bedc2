/**
 * Regular expressions from policies, evaluated by a linear-time engine (RE2 semantics, re2js):
 * a policy is input (a file on the target may be the attacker's, and so may a policy file), and
 * JavaScript's backtracking engine spends exponential time on `^(a+)+$` against a hostile line, or
 * cubic time on a built-in pattern such as `^\s*Defaults\s+([^#]*,)?\s*use_pty` against a line of
 * 40,000 spaces. RE2 has no backreferences or lookaround: a pattern that needs them is refused when
 * the policy loads, naming the control, never run.
 */
import { RE2JS } from 're2js';

export interface PatternOptions {
  ignoreCase?: boolean;
  /** `^` and `$` match at line breaks (command output is matched as a whole). */
  multiline?: boolean;
}

const compiled = new Map<string, RE2JS>();
/** Compiled patterns kept for reuse; a policy has a few hundred. */
const MAX_COMPILED = 1000;

function flagsOf(options: PatternOptions): number {
  return (options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (options.multiline ? RE2JS.MULTILINE : 0);
}

/** The compiled pattern; throws (with re2js's description) when RE2 cannot express it. */
export function policyPattern(pattern: string, options: PatternOptions = {}): RE2JS {
  const flags = flagsOf(options);
  const key = `${flags}\u0000${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    regex = RE2JS.compile(pattern, flags);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, regex);
  }
  return regex;
}

/** Why `pattern` cannot be a policy pattern, or undefined when it can. */
export function patternProblem(pattern: string, options: PatternOptions = {}): string | undefined {
  try {
    policyPattern(pattern, options);
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    return `${reason} (policy patterns are evaluated in linear time with RE2 syntax: no backreferences, no lookahead or lookbehind)`;
  }
}

/** True when `pattern` matches somewhere in `text`. */
export function patternTest(pattern: string, text: string, options: PatternOptions = {}): boolean {
  return policyPattern(pattern, options).test(text);
}

/** The match and its groups (`[whole, group1, ...]`, a group that took no part is undefined), or null. */
export function patternExec(pattern: string, text: string, options: PatternOptions = {}): (string | undefined)[] | null {
  const matcher = policyPattern(pattern, options).matcher(text);
  if (!matcher.find()) return null;
  const groups: (string | undefined)[] = [];
  for (let group = 0; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined);
  return groups;
}
