/**
 * Software specifications as pipelines write them: a package name (glob, case-insensitive) with an
 * optional version range in the package's own ordering: `openssl<3.0.13`,
 * `lodash>=4.0.0 <4.17.21`, `log4j-*`, `curl=7.88.1-10`. Used by the software failure condition
 * and by package exclusions.
 *
 * Parsed by hand: the syntax is ours (a name glob followed by comparators) and the comparisons go
 * through each ecosystem's version scheme, which no range library covers.
 */
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import type { Package } from '../model/package.js';
import { schemeForPackageType } from './list.js';

export type Comparator = '<' | '<=' | '>' | '>=' | '=' | '!=';

export interface SoftwareSpec {
  text: string;
  name: string;
  constraints: { op: Comparator; version: string }[];
}

const COMPARATOR = /(<=|>=|==|!=|<|>|=)\s*([^\s,<>=!]+)/y;

export function parseSoftwareSpec(text: string, where: string): SoftwareSpec {
  const trimmed = text.trim();
  const nameMatch = /^[^\s<>=!,]+/.exec(trimmed);
  if (!nameMatch) throw new UsageError(`${where}: "${text}" has no package name (expected e.g. openssl<3.0.13)`);
  const name = nameMatch[0];
  const constraints: SoftwareSpec['constraints'] = [];
  let position = name.length;
  while (position < trimmed.length) {
    while (position < trimmed.length && /[\s,]/.test(trimmed[position] as string)) position += 1;
    if (position >= trimmed.length) break;
    COMPARATOR.lastIndex = position;
    const match = COMPARATOR.exec(trimmed);
    if (!match) throw new UsageError(`${where}: cannot read "${trimmed.slice(position)}" in "${text}" (expected <, <=, >, >=, = or != and a version)`);
    constraints.push({ op: (match[1] === '==' ? '=' : match[1]) as Comparator, version: match[2] as string });
    position = COMPARATOR.lastIndex;
  }
  return { text: trimmed, name, constraints };
}

function satisfies(order: number, op: Comparator): boolean {
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
  }
}

export interface CompiledSoftwareSpec {
  spec: SoftwareSpec;
  /**
   * True when the package is named by the spec (by its own name, or by its source package's name
   * for OS packages: `openssl` names `libssl3`) and its version is in range.
   */
  matches(pkg: Pick<Package, 'name' | 'version' | 'type'> & { source?: Package['source'] }): boolean;
}

export function compileSoftwareSpec(spec: SoftwareSpec): CompiledSoftwareSpec {
  const nameMatches = picomatch(spec.name, { nocase: true, dot: true });
  return {
    spec,
    matches(pkg) {
      let version: string;
      if (nameMatches(pkg.name)) version = pkg.version;
      else if (pkg.source && nameMatches(pkg.source.name)) version = pkg.source.version ?? pkg.version;
      else return false;
      if (spec.constraints.length === 0) return true;
      const scheme = schemeForPackageType(pkg.type);
      try {
        return spec.constraints.every((constraint) => satisfies(scheme.compare(version, constraint.version), constraint.op));
      } catch {
        // A version that the package's ecosystem cannot order (in the spec or the package) cannot
        // be shown to be in range; the spec does not match rather than guessing.
        return false;
      }
    },
  };
}
