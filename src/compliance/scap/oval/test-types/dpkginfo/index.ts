/**
 * linux:dpkginfo — installed Debian packages, from the dpkg database read by the inventory's own
 * analyzer (TargetFacts.packages) on every kind of target: a dir: tree or an image answers as a
 * live host does, where OpenSCAP's probe fails offline. Read once per session.
 */
import { parseDpkgVersion } from '../../../../../versions/dpkg/index.js';
import { filterByEntities, type OvalItem, type OvalTestType } from '../test-type.js';

export const dpkginfo: OvalTestType = {
  id: 'dpkginfo',
  families: ['linux'],
  async collect(object, context) {
    const all = await context.once('dpkginfo:all', async () => {
      const installed = await context.facts.packages();
      if (installed.manager !== undefined && installed.manager !== 'dpkg') return [];
      return installed.packages.map((record): OvalItem => {
        const parsed = parseDpkgVersion(record.version);
        const epoch = String(parsed?.epoch ?? 0);
        const upstream = parsed?.upstream ?? record.version;
        const revision = parsed?.revision ?? '';
        return {
          name: [record.name],
          arch: [record.architecture ?? ''],
          epoch: [epoch],
          version: [upstream],
          release: [revision],
          evr: [`${epoch}:${upstream}${revision === '' ? '' : `-${revision}`}`],
        };
      });
    });
    return filterByEntities(object, all, context, ['name', 'arch', 'epoch', 'version', 'release', 'evr']);
  },
};
