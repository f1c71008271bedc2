/** ind:family — the target's OS family. Every target Tollgate scans with OVAL is a Unix system. */
import type { OvalTestType } from '../test-type.js';

export const family: OvalTestType = {
  id: 'family',
  families: ['independent'],
  collect() {
    return Promise.resolve([{ family: ['unix'] }]);
  },
};
