/**
 * An authentication record: what a compliance target needs to log in (a user name and the
 * secrets or agent to prove it) and whether to use sudo. Records are loaded, and their secrets
 * resolved from the environment or files, by src/config/credentials.ts; the schema of the file
 * lives in docs/schema/credentials.schema.json.
 */
import type { Secret } from './secret.js';

export interface AuthenticationRecord {
  name: string;
  username: string;
  password?: Secret;
  privateKey?: Secret;
  passphrase?: Secret;
  agent?: string;
  /** Undefined: no sudo. `true`: `sudo -n`. A secret: the sudo password, written to sudo's stdin. */
  sudo?: true | Secret;
}
