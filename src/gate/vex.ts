/**
 * OpenVEX documents (v0.2.0, and the earlier 0.0.x shapes) as exclusions: a statement that a
 * product is `not_affected` by, or has `fixed`, a vulnerability suppresses the matching findings,
 * and its justification travels with the exclusion into the report. `affected` and
 * `under_investigation` statements suppress nothing. When several statements speak of the same
 * finding, the latest (by timestamp, then by position) decides.
 *
 * A product names a package by purl (version optional, qualifiers ignored) or the image itself
 * (its digest, id, a repo tag, or a `pkg:oci` purl); an image product with subcomponents covers
 * those packages, one without covers every package in the image.
 *
 * Documents are read and checked by src/config/vex.ts; this module only matches, and never reads.
 */
import { PackageURL } from 'packageurl-js';
import type { ImageSummary } from '../model/image-scan.js';
import type { Finding } from '../model/finding.js';
import { findingIds } from './id-match.js';

export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

export interface VexProduct {
  ids: string[];
  subcomponents: string[][];
}

export interface VexStatement {
  vulnerabilities: string[];
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  timestamp?: string;
  /** `file#statement-index`, for messages and reports. */
  origin: string;
  position: number;
}

function parsePurl(text: string): PackageURL | undefined {
  if (!text.startsWith('pkg:')) return undefined;
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

function purlNamesPackage(productPurl: PackageURL, packagePurl: string): boolean {
  const pkg = parsePurl(packagePurl);
  if (!pkg) return false;
  return (
    productPurl.type === pkg.type &&
    (productPurl.namespace ?? '') === (pkg.namespace ?? '') &&
    productPurl.name === pkg.name &&
    (!productPurl.version || productPurl.version === pkg.version)
  );
}

function namesImage(id: string, image: ImageSummary): boolean {
  const purl = parsePurl(id);
  if (purl?.type === 'oci') {
    if (purl.version) return purl.version === image.manifestDigest || purl.version === image.id || image.repoDigests.some((digest) => digest.endsWith(`@${purl.version}`));
    return image.repoTags.some((tag) => tag.split(':')[0]?.split('/').pop() === purl.name);
  }
  return id === image.id || id === image.manifestDigest || id === image.reference || image.repoTags.includes(id) || image.repoDigests.includes(id);
}

function productCovers(product: VexProduct, finding: Finding, image: ImageSummary): boolean {
  const namesPackage = (ids: string[]): boolean => ids.some((id) => {
    const purl = parsePurl(id);
    return purl !== undefined && purl.type !== 'oci' && purlNamesPackage(purl, finding.package.purl);
  });
  if (namesPackage(product.ids)) return true;
  if (!product.ids.some((id) => namesImage(id, image))) return false;
  return product.subcomponents.length === 0 || product.subcomponents.some(namesPackage);
}

function timeOf(statement: VexStatement): number {
  const time = statement.timestamp ? Date.parse(statement.timestamp) : Number.NaN;
  return Number.isNaN(time) ? 0 : time;
}

/** The statement that decides this finding's VEX status, if any statement speaks of it. */
export function decidingStatement(finding: Finding, image: ImageSummary, statements: readonly VexStatement[]): VexStatement | undefined {
  const ids = new Set(findingIds(finding).map((id) => id.toUpperCase()));
  let decision: VexStatement | undefined;
  for (const statement of statements) {
    if (!statement.vulnerabilities.some((id) => ids.has(id.toUpperCase()))) continue;
    if (!statement.products.some((product) => productCovers(product, finding, image))) continue;
    const time = timeOf(statement);
    const decisionTime = decision ? timeOf(decision) : 0;
    const later = !decision || time > decisionTime || (time === decisionTime && statement.position > decision.position);
    if (later) decision = statement;
  }
  return decision;
}

export function suppresses(statement: VexStatement | undefined): boolean {
  return statement?.status === 'not_affected' || statement?.status === 'fixed';
}
