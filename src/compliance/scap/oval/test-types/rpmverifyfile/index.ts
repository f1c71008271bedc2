/**
 * linux:rpmverifyfile — each installed rpm file compared with the rpm database, as `rpm -V` does
 * (verify-file.ts): one item per file of each package the object's name, epoch, version, release
 * and arch select, whose path its filepath selects, on every kind of target (the database and the
 * files are read through the target's view, never by running rpm). The packages' file records are
 * read once per session; a file's content is read (for its digest) only when the object selects it.
 * A header that does not parse makes the object an error: its files cannot be verified.
 */
import { filterByEntities, OvalCollectionError, type OvalItem, type OvalTestType } from '../test-type.js';
import { readRpmFileRecords, RPMFILE } from './rpm-file-records.js';
import { omittedBy, verifyFile } from './verify-file.js';

const PACKAGE_ENTITIES = ['name', 'epoch', 'version', 'release', 'arch'] as const;

export const rpmverifyfile: OvalTestType = {
  id: 'rpmverifyfile',
  families: ['linux'],
  async collect(object, context, keep) {
    const database = await context.once('rpmverifyfile:records', () => readRpmFileRecords(context.target));
    if (database.warnings.length > 0) throw new OvalCollectionError(`${object.id}: the rpm database cannot be read whole: ${database.warnings.slice(0, 3).join('; ')}`);
    const omit = omittedBy(object.behaviors);
    const skipConfig = object.behaviors.noconfigfiles === 'true';
    const skipGhost = object.behaviors.noghostfiles === 'true';
    const items: OvalItem[] = [];
    for (const found of database.packages) {
      context.signal?.throwIfAborted();
      const packageItem: OvalItem = { name: [found.name], epoch: [found.epoch], version: [found.version], release: [found.release], arch: [found.arch] };
      if ((await filterByEntities(object, [packageItem], context, PACKAGE_ENTITIES)).length === 0) continue;
      for (const record of found.files) {
        if (skipConfig && record.flags & RPMFILE.config) continue;
        if (skipGhost && record.flags & RPMFILE.ghost) continue;
        const candidate: OvalItem = { ...packageItem, filepath: [record.path] };
        if ((await filterByEntities(object, [candidate], context, ['filepath'])).length === 0) continue;
        const verification = await verifyFile(record, found.digestAlgorithm, omit, context);
        const item: OvalItem = {
          ...candidate,
          extended_name: [`${found.name}-${found.epoch}:${found.version}-${found.release}.${found.arch}`],
          ...Object.fromEntries(Object.entries(verification).map(([field, value]) => [field, [value]])),
          // OVAL 5.11's deprecated name for the digest check, which older content still states.
          md5_differs: [verification.filedigest_differs],
          configuration_file: [String((record.flags & RPMFILE.config) !== 0)],
          documentation_file: [String((record.flags & RPMFILE.doc) !== 0)],
          ghost_file: [String((record.flags & RPMFILE.ghost) !== 0)],
          license_file: [String((record.flags & RPMFILE.license) !== 0)],
          readme_file: [String((record.flags & RPMFILE.readme) !== 0)],
        };
        if (!keep || keep(item)) items.push(item);
      }
    }
    return items;
  },
};
