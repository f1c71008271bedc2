/** ind:filehash58 — a file's digest (MD5, SHA-1, SHA-224/256/384/512) with node:crypto. */
import { createHash } from 'node:crypto';
import { resolveFileObject } from '../../file-objects.js';
import { entityNamed, OvalCollectionError, type OvalItem, type OvalTestType } from '../test-type.js';

const ALGORITHMS: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

export const filehash58: OvalTestType = {
  id: 'filehash58',
  families: ['independent'],
  async collect(object, context) {
    const hashType = entityNamed(object, 'hash_type');
    if (!hashType) throw new OvalCollectionError(`${object.id}: no hash_type`);
    const types = hashType.operation === 'equals' ? await context.entityValues(hashType) : Object.keys(ALGORITHMS);
    const items: OvalItem[] = [];
    for (const found of await resolveFileObject(object, context)) {
      if (found.info.type !== 'file' || found.filename === undefined) continue;
      const bytes = await context.files.readFile(found.filepath);
      for (const type of types) {
        const algorithm = ALGORITHMS[type];
        if (!algorithm) throw new OvalCollectionError(`${object.id}: hash_type ${JSON.stringify(type)} is not supported`);
        if (!(await context.entityMatches(hashType, type))) continue;
        items.push({ filepath: [found.filepath], path: [found.path], filename: [found.filename], hash_type: [type], hash: [createHash(algorithm).update(bytes).digest('hex')] });
      }
    }
    return items;
  },
};
