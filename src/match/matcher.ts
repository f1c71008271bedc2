/**
 * Packages x advisories -> findings. Each package is looked up once per (ecosystem, name) in the
 * ecosystem its descriptor (src/ecosystems/) names for the scanned OS, every affected entry is
 * evaluated against its version, and the advisories that affect it are grouped into flaws:
 * advisories naming the same CVE are one finding (a GHSA, a DSA and the Debian CVE record of one
 * flaw), an advisory naming several CVEs (a DSA fixing three) contributes to each, and advisories
 * without a CVE group through their aliases. Output order is deterministic: severity, then id, then
 * package.
 *
 * Never drops a package silently: packages no descriptor serves on this OS (an rpm, a deb on
 * Devuan, any OS package on an unidentified OS) are counted and reported in one warning per
 * package type, naming the type and the OS.
 */
import type { OsInfo, Package, PackageType } from '../model/package.js';
import type { AffectedCandidate, VulnDatabase } from '../vulndb/database.js';

/** What matching reads of a database: the database itself, or a view that caches it (the server's re-evaluation). */
export type MatchDatabase = Pick<VulnDatabase, 'lookupMany' | 'cveSeverity' | 'ecosystemsStartingWith' | 'hasEcosystem'>;
import { advisoryNameNormalizer, ecosystemFor, osFamiliesServing, UNSUPPORTED_PACKAGE_TYPES } from '../ecosystems/list.js';
import { UNSERVED_OS_REASONS } from '../ecosystems/unserved-os.js';
import type { AdvisoryScope, EcosystemDescriptor } from '../ecosystems/ecosystem.js';
import { getVersionScheme } from '../versions/list.js';
import type { VersionScheme } from '../versions/scheme.js';
import { assessSeverity } from './assess-severity.js';
import type { Finding } from '../model/finding.js';
import { evaluateAffected } from './osv-range.js';
import { SEVERITY_RANK } from '../model/severity.js';

export interface MatchQuery {
  /** OSV ecosystem: `Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`, `npm`, `PyPI`; for streamed ecosystems their common prefix (`Red Hat:enterprise_linux:9`). */
  ecosystem: string;
  /** Where the package is looked up: `[ecosystem]`, or every stored stream that serves the OS. */
  ecosystems: readonly string[];
  /** The name advisories use (the source package for Debian and Ubuntu, the origin for Alpine). */
  name: string;
  /** The version compared (the source version for Debian and Ubuntu). */
  version: string;
  scheme: VersionScheme;
}

export interface MatchResult {
  findings: Finding[];
  warnings: string[];
}

interface Hit {
  candidate: AffectedCandidate;
  fixedVersions: string[];
}

const isCve = (id: string): boolean => /^CVE-\d{4}-\d+$/i.test(id);
const MAX_WARNINGS = 50;

function idsOf(candidate: AffectedCandidate): string[] {
  return [candidate.advisory.id, ...candidate.advisory.aliases];
}

/** Groups hits into flaws keyed by CVE (or, without one, by an alias-connected group). */
export function groupByFlaw(hits: readonly Hit[]): Map<string, Hit[]> {
  const groups = new Map<string, Hit[]>();
  const add = (key: string, hit: Hit): void => {
    const list = groups.get(key) ?? [];
    if (!list.includes(hit)) list.push(hit);
    groups.set(key, list);
  };
  const withoutCve: Hit[] = [];
  for (const hit of hits) {
    const cves = [...new Set(idsOf(hit.candidate).filter(isCve).map((id) => id.toUpperCase()))];
    if (cves.length === 0) withoutCve.push(hit);
    for (const cve of cves) add(cve, hit);
  }
  // Hits without a CVE: join a CVE group they alias into, else group among themselves.
  const parent = new Map<Hit, Hit>(withoutCve.map((hit) => [hit, hit]));
  const find = (hit: Hit): Hit => {
    let root = hit;
    while (parent.get(root) !== root) root = parent.get(root) as Hit;
    return root;
  };
  const owner = new Map<string, Hit>();
  for (const hit of withoutCve) {
    for (const id of idsOf(hit.candidate)) {
      const other = owner.get(id);
      if (other) parent.set(find(hit), find(other));
      else owner.set(id, hit);
    }
  }
  const components = new Map<Hit, Hit[]>();
  for (const hit of withoutCve) components.set(find(hit), [...(components.get(find(hit)) ?? []), hit]);
  for (const members of components.values()) {
    const ids = new Set(members.flatMap((hit) => idsOf(hit.candidate)));
    const joined = [...groups.entries()].filter(([, groupHits]) => groupHits.some((hit) => idsOf(hit.candidate).some((id) => ids.has(id))));
    if (joined.length > 0) {
      for (const [key] of joined) for (const hit of members) add(key, hit);
      continue;
    }
    const sortedIds = [...ids].sort();
    const key = sortedIds.find((id) => id.startsWith('GHSA-')) ?? members.map((hit) => hit.candidate.advisory.id).sort()[0] ?? sortedIds[0] ?? 'unknown';
    for (const hit of members) add(key, hit);
  }
  return groups;
}

function buildFinding(key: string, hits: Hit[], pkg: Package, query: MatchQuery, db: MatchDatabase): Finding {
  const candidates = hits.map((hit) => hit.candidate);
  const aliases = new Set<string>();
  for (const candidate of candidates) for (const id of idsOf(candidate)) if (id !== key && !(isCve(id) && id.toUpperCase() !== key)) aliases.add(id);
  const fixed = [...new Set(hits.flatMap((hit) => hit.fixedVersions))].sort((a, b) => {
    try {
      return query.scheme.compare(a, b);
    } catch {
      return a.localeCompare(b);
    }
  });
  const preferred = [...candidates].sort((a, b) => Number(b.advisory.id.startsWith('GHSA-')) - Number(a.advisory.id.startsWith('GHSA-')) || Number(Boolean(b.advisory.summary)) - Number(Boolean(a.advisory.summary)) || a.advisory.id.localeCompare(b.advisory.id))[0] as AffectedCandidate;
  const enrichment = isCve(key) ? db.cveSeverity(key) : [];
  const severity = assessSeverity(candidates, enrichment);
  const details = preferred.advisory.details;
  const title = preferred.advisory.summary ?? details?.split('\n')[0]?.slice(0, 200);
  const published = candidates.map((c) => c.advisory.published).filter((value): value is string => Boolean(value)).sort()[0];
  const modified = candidates.map((c) => c.advisory.modified).filter((value): value is string => Boolean(value)).sort().pop();
  return {
    id: key,
    aliases: [...aliases].sort(),
    advisoryIds: [...new Set(candidates.map((c) => c.advisory.id))].sort(),
    package: {
      id: pkg.id,
      name: pkg.name,
      version: pkg.version,
      type: pkg.type,
      purl: pkg.purl,
      location: pkg.location,
      // A streamed ecosystem names the first stream an advisory matched in (`Red Hat:enterprise_linux:9::appstream`).
      ecosystem: query.ecosystems.length === 1 ? query.ecosystem : ([...new Set(candidates.map((c) => c.ecosystem))].sort()[0] ?? query.ecosystem),
      matchedName: query.name,
      matchedVersion: query.version,
      ...(pkg.layer ? { layer: pkg.layer } : {}),
    },
    fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
    fixedVersions: fixed,
    ...severity,
    ...(title ? { title } : {}),
    ...(details ? { description: details } : {}),
    references: [...new Set(candidates.flatMap((c) => c.advisory.references))].slice(0, 20),
    ...(published ? { published } : {}),
    ...(modified ? { modified } : {}),
  };
}

/** What an advisory entry says about where it applies, for a descriptor's `advisoryApplies`. */
function scopeOf(candidate: AffectedCandidate): AdvisoryScope {
  const rangeVersions = [...candidate.versions, ...candidate.ranges.flatMap((range) => range.events.map((event) => event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? ''))];
  return { ...(candidate.advisory.summary ? { summary: candidate.advisory.summary } : {}), rangeVersions };
}

/** Where the packages of one type are matched on the scanned OS, or why they are not. */
type Route = { descriptor: EcosystemDescriptor; ecosystem: string; ecosystems: string[]; scheme: VersionScheme; normalize: (name: string) => string } | { unmatched: (count: number) => string };

function describeOs(os: OsInfo | undefined): string {
  if (!os) return 'an unidentified OS (no os-release found)';
  return os.version ? `${os.family} ${os.version}` : os.family;
}

function packagesOf(count: number, type: PackageType): string {
  return `${count} ${type} ${count === 1 ? 'package' : 'packages'}`;
}

/** Resolved once per package type and call: the OS is the same for every package of one scan. */
function routeFor(type: PackageType, os: OsInfo | undefined, db: MatchDatabase): Route {
  const descriptor = ecosystemFor(type, os);
  if (descriptor) {
    const ecosystem = descriptor.osvEcosystemFor(os);
    if (!ecosystem) return { unmatched: (count) => `unsupported OS release: ${describeOs(os)} — ${packagesOf(count, type)} not matched: the release cannot be told from the OS version, so no ${descriptor.osv.ecosystem} advisories apply` };
    const base = { descriptor, ecosystem, scheme: getVersionScheme(descriptor.versionScheme), normalize: advisoryNameNormalizer(ecosystem) };
    // Language ecosystems match on any OS and are the user's choice to download; an OS whose
    // advisories the database lacks (not downloaded by default: SUSE, Wolfi, Red Hat) is a warning.
    if (!descriptor.osFamily || !os) return { ...base, ecosystems: [ecosystem] };
    const streamApplies = descriptor.streamApplies;
    const streams = streamApplies ? db.ecosystemsStartingWith(ecosystem).filter((stream) => streamApplies(stream, os)) : db.hasEcosystem(ecosystem) ? [ecosystem] : [];
    if (streams.length > 0) return { ...base, ecosystems: streams };
    // Not a silent pass: the release is served, but this database holds none of its advisories.
    return { unmatched: (count) => `no advisories for ${describeOs(os)} in the database — ${packagesOf(count, type)} not matched: it holds no ${ecosystem}${streamApplies ? ' stream' : ' advisories'}; download them with: tollgate db update --ecosystem "${descriptor.osv.ecosystem}"` };
  }
  const unsupported = UNSUPPORTED_PACKAGE_TYPES.get(type);
  if (unsupported) return { unmatched: (count) => `unsupported package type: ${type} — ${packagesOf(count, type)} on ${describeOs(os)} not matched against any advisory database: ${unsupported.reason}` };
  const families = osFamiliesServing(type);
  const reason = os ? UNSERVED_OS_REASONS.get(os.family) : undefined;
  return { unmatched: (count) => `unsupported OS: ${describeOs(os)} — ${packagesOf(count, type)} not matched against any advisory database (${type} packages are matched on ${families.join(', ')} only)${reason ? `: ${reason}` : ''}` };
}

/**
 * A package's candidates across the ecosystems it is looked up in. One erratum listed the same way
 * in several streams (`::baseos` and `::appstream`) is evaluated once.
 */
function candidatesIn(ecosystems: readonly string[], name: string, lookups: ReadonlyMap<string, ReadonlyMap<string, AffectedCandidate[]>>): AffectedCandidate[] {
  if (ecosystems.length === 1) return lookups.get(ecosystems[0] as string)?.get(name) ?? [];
  const seen = new Set<string>();
  const candidates: AffectedCandidate[] = [];
  for (const ecosystem of ecosystems) {
    for (const candidate of lookups.get(ecosystem)?.get(name) ?? []) {
      const key = JSON.stringify([candidate.advisory.id, candidate.ranges, candidate.versions]);
      if (seen.has(key)) continue;
      seen.add(key);
      candidates.push(candidate);
    }
  }
  return candidates;
}

export function matchPackages(packages: readonly Package[], os: OsInfo | undefined, db: MatchDatabase): MatchResult {
  const findings: Finding[] = [];
  const warnings: string[] = [];
  const warn = (text: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(text);
    else if (warnings.length === MAX_WARNINGS) warnings.push('further matching warnings omitted');
  };
  // Work out every package's query first, then fetch each ecosystem's candidates in one go.
  const routes = new Map<PackageType, Route>();
  const unmatched = new Map<PackageType, number>();
  const queries: [Package, MatchQuery, (name: string) => string, EcosystemDescriptor][] = [];
  for (const pkg of packages) {
    let route = routes.get(pkg.type);
    if (route === undefined) {
      route = routeFor(pkg.type, os, db);
      routes.set(pkg.type, route);
    }
    if ('unmatched' in route) {
      unmatched.set(pkg.type, (unmatched.get(pkg.type) ?? 0) + 1);
      continue;
    }
    const { name, version } = route.descriptor.advisoryQuery(pkg);
    const query: MatchQuery = { ecosystem: route.ecosystem, ecosystems: route.ecosystems, name, version, scheme: route.scheme };
    if (!query.scheme.isValid(query.version)) {
      warn(`${pkg.name} ${query.version}: not a ${query.scheme.id} version; not matched`);
      continue;
    }
    queries.push([pkg, query, route.normalize, route.descriptor]);
  }
  const namesByEcosystem = new Map<string, string[]>();
  for (const [, query] of queries) {
    for (const ecosystem of query.ecosystems) {
      const names = namesByEcosystem.get(ecosystem) ?? [];
      names.push(query.name);
      namesByEcosystem.set(ecosystem, names);
    }
  }
  const lookups = new Map<string, Map<string, AffectedCandidate[]>>();
  for (const [ecosystem, names] of namesByEcosystem) lookups.set(ecosystem, db.lookupMany(ecosystem, names));
  for (const [pkg, query, normalize, descriptor] of queries) {
    const candidates = candidatesIn(query.ecosystems, normalize(query.name), lookups);
    const hits: Hit[] = [];
    for (const candidate of candidates) {
      if (descriptor.advisoryApplies && !descriptor.advisoryApplies(pkg, scopeOf(candidate))) continue;
      const evaluation = evaluateAffected(query.version, candidate, query.scheme);
      for (const problem of evaluation.problems) warn(`${candidate.advisory.id} (${query.ecosystem} ${query.name}): ${problem}; that range was skipped`);
      if (evaluation.affected) hits.push({ candidate, fixedVersions: evaluation.fixedVersions });
    }
    for (const [flaw, group] of groupByFlaw(hits)) findings.push(buildFinding(flaw, group, pkg, query, db));
  }
  findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id) || a.package.name.localeCompare(b.package.name) || a.package.location.localeCompare(b.package.location));
  // One line per package type, ahead of the capped warnings: each says a whole part of the image went unjudged.
  const unmatchedWarnings: string[] = [];
  for (const [type, route] of routes) if ('unmatched' in route) unmatchedWarnings.push(route.unmatched(unmatched.get(type) ?? 0));
  return { findings, warnings: [...unmatchedWarnings, ...warnings] };
}
