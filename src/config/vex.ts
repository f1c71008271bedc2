/**
 * Loading OpenVEX documents (v0.2.0, and the earlier 0.0.x shapes) into the statements the gate
 * applies as exclusions (src/gate/vex.ts decides which finding a statement covers). A statement
 * names its vulnerability (a name, aliases, an @id), its products (purls, image ids, with
 * subcomponents) and a status; a `not_affected` statement must say why (a justification or an
 * impact statement). OpenVEX is a published JSON format with its own schema, so it is checked
 * here by hand rather than against a schema of ours.
 *
 * An unreadable or invalid document is a usage error (exit 2), never a silent pass.
 */
import { UsageError } from '../errors.js';
import { VEX_STATUSES, type VexStatus, type VexStatement } from '../gate/vex.js';
import { readConfigText } from './read-config-file.js';

/** A document generated for a large image lists every package, and still stays well under this. */
const MAX_VEX_BYTES = 32 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function identifiersOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!isRecord(value)) return [];
  const ids: string[] = [];
  if (typeof value['@id'] === 'string') ids.push(value['@id']);
  if (isRecord(value.identifiers)) for (const id of Object.values(value.identifiers)) if (typeof id === 'string') ids.push(id);
  if (isRecord(value.hashes)) for (const [algorithm, hash] of Object.entries(value.hashes)) if (typeof hash === 'string') ids.push(`${algorithm.replace('-', '')}:${hash}`);
  return ids;
}

export function parseOpenVex(text: string, file: string, positionBase = 0): VexStatement[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not a JSON document (${(error as Error).message})`);
  }
  if (!isRecord(document) || typeof document['@context'] !== 'string' || !document['@context'].startsWith('https://openvex.dev/ns')) {
    throw new UsageError(`${file}: not an OpenVEX document (no "@context": "https://openvex.dev/ns/...")`);
  }
  if (!Array.isArray(document.statements)) throw new UsageError(`${file}: an OpenVEX document needs a "statements" list`);
  const documentTime = typeof document.timestamp === 'string' ? document.timestamp : undefined;
  return document.statements.map((raw: unknown, index) => {
    const origin = `${file}#statements[${index}]`;
    if (!isRecord(raw)) throw new UsageError(`${origin}: a statement must be an object`);
    const status = raw.status;
    if (typeof status !== 'string' || !(VEX_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`${origin}: "status" must be one of ${VEX_STATUSES.join(', ')}`);
    }
    const vulnerability = raw.vulnerability;
    const vulnerabilities = typeof vulnerability === 'string' ? [vulnerability] : isRecord(vulnerability) ? [vulnerability.name, ...(Array.isArray(vulnerability.aliases) ? vulnerability.aliases : []), vulnerability['@id']].filter((id): id is string => typeof id === 'string') : [];
    if (vulnerabilities.length === 0) throw new UsageError(`${origin}: "vulnerability" must name a vulnerability`);
    if (!Array.isArray(raw.products) || raw.products.length === 0) throw new UsageError(`${origin}: "products" must list at least one product`);
    const products = raw.products.map((product: unknown) => ({
      ids: identifiersOf(product),
      subcomponents: isRecord(product) && Array.isArray(product.subcomponents) ? product.subcomponents.map(identifiersOf) : [],
    }));
    if (status === 'not_affected' && typeof raw.justification !== 'string' && typeof raw.impact_statement !== 'string') {
      throw new UsageError(`${origin}: a not_affected statement needs a "justification" or an "impact_statement"`);
    }
    const timestamp = typeof raw.timestamp === 'string' ? raw.timestamp : documentTime;
    return {
      vulnerabilities,
      products,
      status: status as VexStatus,
      ...(typeof raw.justification === 'string' ? { justification: raw.justification } : {}),
      ...(typeof raw.impact_statement === 'string' ? { impactStatement: raw.impact_statement } : {}),
      ...(timestamp ? { timestamp } : {}),
      origin,
      position: positionBase + index,
    };
  });
}

/** The statements of several documents, positioned in the order given (later documents decide ties). */
export function loadOpenVex(files: readonly string[]): VexStatement[] {
  const statements: VexStatement[] = [];
  for (const file of files) statements.push(...parseOpenVex(readConfigText(file, 'VEX document', { maxBytes: MAX_VEX_BYTES }), file, statements.length));
  return statements;
}
