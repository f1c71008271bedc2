/**
 * linux:rpminfo — installed RPM packages, from the rpm database read by the inventory's own
 * analyzer (TargetFacts.packages: SQLite or Berkeley DB) on every kind of target, offline included.
 * Read once per session. On a dpkg system no package is an RPM: no items.
 */
import { parseRpmVersion } from '../../../../../versions/rpm/index.js';
import { filterByEntities, type OvalItem, type OvalTestType } from '../test-type.js';

export const rpminfo: OvalTestType = {
  id: 'rpminfo',
  families: ['linux'],
  async collect(object, context) {
    const all = await context.once('rpminfo:all', async () => {
      const installed = await context.facts.packages();
      if (installed.manager !== 'rpm') return [];
      return installed.packages.map((record): OvalItem => {
        const parsed = parseRpmVersion(record.version);
        const epoch = String(parsed?.epoch ?? 0n);
        const version = parsed?.version ?? record.version;
        const release = parsed?.release ?? '';
        return {
          name: [record.name],
          arch: [record.architecture ?? ''],
          epoch: [epoch],
          version: [version],
          release: [release],
          evr: [`${epoch}:${version}-${release}`],
        };
      });
    });
    return filterByEntities(object, all, context, ['name', 'arch', 'epoch', 'version', 'release', 'evr']);
  },
};
