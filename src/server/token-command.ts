/**
 * `tollgate server token create`: a token made directly in the store (no running server needed),
 * audited as made from the command line.
 */
import { audit } from './store/audit.js';
import { createToken } from './auth/tokens.js';
import { openStore, type StoreOptions } from './store/open-store.js';

export async function createTokenInStore(options: StoreOptions, name: string, role: string): Promise<string> {
  const store = await openStore(options);
  try {
    return await store.db.transaction().execute(async (trx) => {
      const value = await createToken(trx, { name, role, createdBy: 'command-line' });
      await audit(trx, { tokenName: 'command-line', action: 'token.create', target: `${name} (${role})` });
      return value;
    });
  } finally {
    await store.close();
  }
}
