/** ind:variable — the values of an OVAL variable as items (`var_ref`, `value`). */
import { entityNamed, OvalCollectionError, type OvalTestType } from '../test-type.js';

export const variable: OvalTestType = {
  id: 'variable',
  families: ['independent'],
  async collect(object, context) {
    const ref = entityNamed(object, 'var_ref');
    if (!ref) throw new OvalCollectionError(`${object.id}: no var_ref`);
    const id = ref.value.trim();
    const values = await context.entityValues({ ...ref, varRef: id });
    return values.length === 0 ? [] : [{ var_ref: [id], value: values }];
  },
};
