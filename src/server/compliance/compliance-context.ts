/**
 * What the compliance routes need besides the store: the key that seals authentication record
 * secrets (undefined when the server was started without one: records cannot be stored then).
 */
import type { SecretKey } from './secrets/secret-key.js';

export interface ComplianceContext {
  secretKey: SecretKey | undefined;
}
