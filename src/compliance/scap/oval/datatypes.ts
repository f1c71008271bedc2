/**
 * OVAL datatypes and operations (OVAL 5.11 Core, "DatatypeEnumeration", "OperationEnumeration"):
 * whether an item's value satisfies an entity's value under its operation. Versions are ordered
 * by the project's own dpkg and rpm schemes (src/versions), patterns by PCRE. A comparison the
 * datatype does not define, or a value that is not of the datatype, is 'error', never a guess.
 */
import { compareDpkgVersions, parseDpkgVersion } from '../../../versions/dpkg/index.js';
import { compareRpmVersions, parseRpmVersion } from '../../../versions/rpm/index.js';
import type { Pcre } from '../pcre/index.js';
import type { OvalResult } from './model.js';

export class DatatypeError extends Error {}

const bool = (value: boolean): OvalResult => (value ? 'true' : 'false');

function parseInteger(text: string): bigint {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw new DatatypeError(`not an int: ${JSON.stringify(text)}`);
  return BigInt(trimmed);
}

function parseFloatValue(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || Number.isNaN(value)) throw new DatatypeError(`not a float: ${JSON.stringify(text)}`);
  return value;
}

function parseBoolean(text: string): boolean {
  const value = text.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new DatatypeError(`not a boolean: ${JSON.stringify(text)}`);
}

/** OVAL `version`: components split at non-alphanumerics, compared numerically when both are numbers. */
export function compareVersionType(a: string, b: string): number {
  const left = a.trim().split(/[^0-9A-Za-z]+/);
  const right = b.trim().split(/[^0-9A-Za-z]+/);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? '0';
    const y = right[i] ?? '0';
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareEvr(a: string, b: string, debian: boolean): number {
  if (debian) {
    const x = parseDpkgVersion(a.trim());
    const y = parseDpkgVersion(b.trim());
    if (!x || !y) throw new DatatypeError(`not a debian_evr_string: ${JSON.stringify(x ? b : a)}`);
    return compareDpkgVersions(x, y);
  }
  const x = parseRpmVersion(a.trim());
  const y = parseRpmVersion(b.trim());
  if (!x || !y) throw new DatatypeError(`not an evr_string: ${JSON.stringify(x ? b : a)}`);
  return compareRpmVersions(x, y);
}

interface Ipv4 {
  address: number;
  prefix: number;
}

function parseIpv4(text: string): Ipv4 {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}|\d+\.\d+\.\d+\.\d+))?$/.exec(text.trim());
  if (!match) throw new DatatypeError(`not an ipv4_address: ${JSON.stringify(text)}`);
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) throw new DatatypeError(`not an ipv4_address: ${JSON.stringify(text)}`);
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  let prefix = 32;
  if (match[5] !== undefined) {
    if (match[5].includes('.')) {
      const mask = parseIpv4(match[5]).address;
      prefix = mask.toString(2).replace(/0+$/, '').length;
    } else prefix = Number(match[5]);
  }
  if (prefix > 32) throw new DatatypeError(`not an ipv4_address: ${JSON.stringify(text)}`);
  return { address, prefix };
}

function network(ip: Ipv4): [number, number] {
  const size = 2 ** (32 - ip.prefix);
  const start = Math.floor(ip.address / size) * size;
  return [start, start + size - 1];
}

function ordered(operation: string, difference: number): OvalResult {
  switch (operation) {
    case 'equals':
      return bool(difference === 0);
    case 'not equal':
      return bool(difference !== 0);
    case 'greater than':
      return bool(difference > 0);
    case 'less than':
      return bool(difference < 0);
    case 'greater than or equal':
      return bool(difference >= 0);
    case 'less than or equal':
      return bool(difference <= 0);
    default:
      throw new DatatypeError(`operation ${JSON.stringify(operation)} is not defined for this datatype`);
  }
}

/**
 * Does the item's value (`actual`) satisfy `operation` against the entity's value (`expected`)?
 * "greater than" means actual > expected, as OVAL reads it.
 */
export function compareValue(datatype: string, operation: string, expected: string, actual: string, pcre: Pcre): OvalResult {
  if (operation === 'pattern match') return bool(pcre.compile(expected).test(actual));
  switch (datatype) {
    case 'string':
    case 'ios_version':
      if (operation === 'equals') return bool(actual === expected);
      if (operation === 'not equal') return bool(actual !== expected);
      if (operation === 'case insensitive equals') return bool(actual.toLowerCase() === expected.toLowerCase());
      if (operation === 'case insensitive not equal') return bool(actual.toLowerCase() !== expected.toLowerCase());
      throw new DatatypeError(`operation ${JSON.stringify(operation)} is not defined for strings`);
    case 'int': {
      const a = parseInteger(actual);
      const e = parseInteger(expected);
      if (operation === 'bitwise and') return bool((a & e) === e);
      if (operation === 'bitwise or') return bool((a | e) === e);
      return ordered(operation, a === e ? 0 : a < e ? -1 : 1);
    }
    case 'float':
      return ordered(operation, Math.sign(parseFloatValue(actual) - parseFloatValue(expected)));
    case 'boolean':
      if (operation !== 'equals' && operation !== 'not equal') throw new DatatypeError(`operation ${JSON.stringify(operation)} is not defined for booleans`);
      return ordered(operation, parseBoolean(actual) === parseBoolean(expected) ? 0 : 1);
    case 'version':
      return ordered(operation, compareVersionType(actual, expected));
    case 'evr_string':
      return ordered(operation, compareEvr(actual, expected, false));
    case 'debian_evr_string':
      return ordered(operation, compareEvr(actual, expected, true));
    case 'binary':
      if (!/^[0-9a-fA-F]*$/.test(actual.trim()) || !/^[0-9a-fA-F]*$/.test(expected.trim())) throw new DatatypeError('not a binary (hex) value');
      return ordered(operation === 'equals' || operation === 'not equal' ? operation : 'unsupported', actual.trim().toLowerCase() === expected.trim().toLowerCase() ? 0 : 1);
    case 'ipv4_address': {
      const a = parseIpv4(actual);
      const e = parseIpv4(expected);
      if (operation === 'subset of' || operation === 'superset of') {
        const [as, ae] = network(a);
        const [es, ee] = network(e);
        return operation === 'subset of' ? bool(as >= es && ae <= ee) : bool(es >= as && ee <= ae);
      }
      if (operation === 'equals' || operation === 'not equal') return ordered(operation, a.address === e.address && a.prefix === e.prefix ? 0 : 1);
      return ordered(operation, Math.sign(a.address - e.address));
    }
    default:
      throw new DatatypeError(`datatype ${JSON.stringify(datatype)} is not supported`);
  }
}

/** compareValue with a datatype or pattern problem turned into 'error' plus its message. */
export function safeCompare(datatype: string, operation: string, expected: string, actual: string, pcre: Pcre, messages: string[]): OvalResult {
  try {
    return compareValue(datatype, operation, expected, actual, pcre);
  } catch (error) {
    messages.push((error as Error).message);
    return 'error';
  }
}
