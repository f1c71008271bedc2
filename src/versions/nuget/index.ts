/**
 * NuGet version ordering, as NuGet.Versioning's `VersionComparer.Default` decides it: up to four
 * numeric parts (`Major.Minor.Patch.Revision`, missing ones 0, leading zeros ignored: `1.01` =
 * `1.1.0.0`), then the SemVer 2 pre-release labels (`-beta.2`): a version with labels sorts before
 * the same version without; labels compare pairwise, numerically when both are numbers (as .NET's
 * `int.TryParse` reads them), a number before a word, words without regard to case
 * (`1.0.0-BETA` = `1.0.0-beta`), and a longer list of equal labels is greater. Build metadata
 * (`+sha`) is ignored.
 *
 * Written by hand from NuGet's documented rules (learn.microsoft.com, "Package versioning" and
 * NuGet.Versioning's comparer); no npm library implements them, and Debian packages no NuGet
 * client to use as an oracle.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

export interface NuGetVersion {
  /** The four numeric parts. */
  parts: [number, number, number, number];
  /** Pre-release labels; empty for a release. */
  labels: string[];
}

const NUGET_VERSION = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const INT32_MAX = 2_147_483_647;
const MAX_LENGTH = 1024;

/** A part of the version number, as .NET's `int.Parse` reads it: at most int.MaxValue. */
function part(text: string | undefined): number | undefined {
  if (text === undefined) return 0;
  const value = Number(text.replace(/^0+(?=.)/, '').slice(0, 11));
  return text.replace(/^0+(?=.)/, '').length > 10 || value > INT32_MAX ? undefined : value;
}

export function parseNuGetVersion(text: string): NuGetVersion | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  const match = NUGET_VERSION.exec(text);
  if (!match) return undefined;
  const parts = [part(match[1]), part(match[2]), part(match[3]), part(match[4])];
  if (parts.some((value) => value === undefined)) return undefined;
  return { parts: parts as [number, number, number, number], labels: match[5] === undefined ? [] : match[5].split('.') };
}

/** `int.TryParse` on a label: an optional minus sign and digits, within Int32. */
function numericLabel(label: string): number | undefined {
  if (!/^-?\d+$/.test(label)) return undefined;
  const value = Number(label);
  return value >= -INT32_MAX - 1 && value <= INT32_MAX ? value : undefined;
}

/** `StringComparer.OrdinalIgnoreCase` on labels (ASCII only): upper-cased, then by code unit. */
function compareIgnoringCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLabel(a: string, b: string): number {
  const x = numericLabel(a);
  const y = numericLabel(b);
  if (x !== undefined && y !== undefined) return Math.sign(x - y);
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareIgnoringCase(a, b);
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i += 1) {
    const order = Math.sign((a.parts[i] as number) - (b.parts[i] as number));
    if (order !== 0) return order;
  }
  if (a.labels.length === 0 || b.labels.length === 0) return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  const length = Math.max(a.labels.length, b.labels.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.labels[i];
    const y = b.labels[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = compareLabel(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

function parseOrThrow(version: string): NuGetVersion {
  const parsed = parseNuGetVersion(version);
  if (!parsed) throw new InvalidVersionError('nuget', version);
  return parsed;
}

export const nuget: VersionScheme = {
  id: 'nuget',
  isValid: (version) => parseNuGetVersion(version) !== undefined,
  compare: (a, b) => compareNuGetVersions(parseOrThrow(a), parseOrThrow(b)),
};
