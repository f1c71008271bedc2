/**
 * linux:systemdunitdependency — every unit a unit depends on, recursively through Requires,
 * Requisite, Wants and BindsTo (`systemctl show`), live targets only.
 */
import { unitProperties, unitsOf } from '../../systemd-units.js';
import { entityNamed, OvalCollectionError, type CollectContext, type OvalItem, type OvalTestType } from '../test-type.js';

const DEPENDENCY_PROPERTIES = ['Requires', 'Requisite', 'Wants', 'BindsTo'];
const MAX_UNITS = 10_000;

async function dependencies(unit: string, context: CollectContext): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [unit];
  while (queue.length > 0 && seen.size < MAX_UNITS) {
    const properties = await unitProperties(queue.shift() as string, context).catch(() => undefined);
    for (const property of DEPENDENCY_PROPERTIES) {
      for (const dependency of (properties?.get(property) ?? '').split(' ')) {
        if (dependency !== '' && dependency !== unit && !seen.has(dependency)) {
          seen.add(dependency);
          queue.push(dependency);
        }
      }
    }
  }
  return [...seen].sort();
}

export const systemdunitdependency: OvalTestType = {
  id: 'systemdunitdependency',
  families: ['linux'],
  async collect(object, context) {
    const unit = entityNamed(object, 'unit');
    if (!unit) throw new OvalCollectionError(`${object.id}: unit is required`);
    const items: OvalItem[] = [];
    for (const name of await unitsOf(await context.entityValues(unit), unit.operation, context, (value) => context.entityMatches(unit, value))) {
      if (!(await unitProperties(name, context))) continue;
      items.push({ unit: [name], dependency: await dependencies(name, context) });
    }
    return items;
  },
};
