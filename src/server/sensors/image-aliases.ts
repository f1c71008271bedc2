/**
 * Image ids as aliases of the digest the platform files an image under. The platform keys an image
 * by its manifest digest where it has one, else its image id; a connector that resolved a name
 * through the Docker daemon knows only the image id (the config digest). Each stored scan records
 * its image id as an alias of its digest, so the result endpoint and the processing mark find the
 * image by either.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../store/tables.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Records `imageId` as another name of `digest` (nothing when they are the same or not digests). */
export async function recordAlias(db: Kysely<Tables>, imageId: string | undefined, digest: string): Promise<void> {
  if (imageId === undefined || imageId === digest || !DIGEST.test(imageId) || !DIGEST.test(digest)) return;
  await db.insertInto('image_aliases').values({ alias: imageId, digest }).onConflict((conflict) => conflict.column('alias').doUpdateSet({ digest })).execute();
}

/** The digest an image is filed under: `digest` itself when an image has it, else the one it is an alias of. */
export async function resolveDigest(db: Kysely<Tables>, digest: string): Promise<string> {
  // Both lookups in one statement: the result endpoint asks this on every poll.
  const found = await db
    .selectNoFrom((eb) => [eb.selectFrom('images').select('digest').where('digest', '=', digest).as('image'), eb.selectFrom('image_aliases').select('digest').where('alias', '=', digest).as('alias')])
    .executeTakeFirstOrThrow();
  if (found.alias === null) return digest;
  // An image id marked processing before its manifest digest was known: the aliased image wins once it has scans.
  if (found.image !== null) {
    const scans = await db.selectFrom('scans').select('scan_id').where('digest', '=', digest).limit(1).executeTakeFirst();
    if (scans) return digest;
  }
  return found.alias;
}
