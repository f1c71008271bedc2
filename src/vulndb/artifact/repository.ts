/**
 * Where database artifacts come from: a list of repositories tried in order, each an OCI reference
 * (`ghcr.io/owner/tollgate-db`, tag = the schema version unless one is written) or an https URL of
 * the artifact file, or a local artifact file (`file:<path>`, or a path starting with `/` or `.`:
 * an artifact carried into an air-gapped network). The default is the project's registry namespace; `TOLLGATE_DB_REPOSITORY`
 * and `--db-repository` (comma-separated or repeated) replace it.
 */
import { UsageError } from '../../errors.js';
import { formatReference, parseRegistryReference, type RegistryReference } from '../../image/registry/reference.js';
import { SCHEMA_VERSION } from '../schema.js';

export const DEFAULT_DB_REPOSITORY = 'ghcr.io/tollgate-security/tollgate-db';

export type ArtifactLocation =
  | { kind: 'https'; url: string; label: string }
  | { kind: 'file'; path: string; label: string }
  | { kind: 'oci'; reference: RegistryReference; label: string };

/** Splits `a,b` and repeated values into one ordered list without empties or repeats. */
export function repositoryList(values: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const written = values && values.length > 0 ? values : env.TOLLGATE_DB_REPOSITORY ? [env.TOLLGATE_DB_REPOSITORY] : [DEFAULT_DB_REPOSITORY];
  const list = [...new Set(written.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean))];
  if (list.length === 0) throw new UsageError('--db-repository names no repository');
  return list;
}

/** A URL without user information, for messages. */
function redactUrl(url: URL): string {
  const copy = new URL(url);
  if (copy.username || copy.password) {
    copy.username = 'redacted';
    copy.password = '';
  }
  return copy.toString();
}

export function parseArtifactLocation(text: string): ArtifactLocation {
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UsageError(`invalid database URL "${text}"`);
    }
    return { kind: 'https', url: url.toString(), label: redactUrl(url) };
  }
  if (text.startsWith('file:') || text.startsWith('/') || text.startsWith('.')) {
    const file = text.startsWith('file:') ? text.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : text;
    return { kind: 'file', path: file, label: file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new UsageError(`${text}: a database repository is an OCI reference (host/repository[:tag]) or an http(s) URL`);
  const bare = text.replace(/^oci:\/\//, '');
  const lastSegment = bare.slice(bare.lastIndexOf('/') + 1);
  const written = lastSegment.includes(':') || bare.includes('@');
  const reference = parseRegistryReference(written ? bare : `${bare}:${SCHEMA_VERSION}`);
  return { kind: 'oci', reference, label: formatReference(reference) };
}
