/** linux:systemdunitproperty — properties of systemd units (`systemctl show`), live targets only. */
import { unitProperties, unitsOf } from '../../systemd-units.js';
import { entityNamed, OvalCollectionError, type OvalItem, type OvalTestType } from '../test-type.js';

export const systemdunitproperty: OvalTestType = {
  id: 'systemdunitproperty',
  families: ['linux'],
  async collect(object, context) {
    const unit = entityNamed(object, 'unit');
    const property = entityNamed(object, 'property');
    if (!unit || !property) throw new OvalCollectionError(`${object.id}: unit and property are required`);
    const items: OvalItem[] = [];
    for (const name of await unitsOf(await context.entityValues(unit), unit.operation, context, (value) => context.entityMatches(unit, value))) {
      const properties = await unitProperties(name, context);
      if (!properties) continue;
      for (const [key, value] of properties) {
        if (await context.entityMatches(property, key)) items.push({ unit: [name], property: [key], value: value === '' ? [''] : value.split(' ') });
      }
    }
    return items;
  },
};
