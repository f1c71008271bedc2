/**
 * ind:textfilecontent54 — the matches of a PCRE pattern in text files, one item per match
 * (`instance` counts matches from 1 per file and pattern). Behaviors as OpenSCAP reads them:
 * `multiline` (default true: ^ and $ at line breaks), `singleline` (default false: . stops at a
 * line break), `ignore_case`. The whole file is the subject, as in OpenSCAP's probe.
 */
import { resolveFileObject } from '../../file-objects.js';
import { entityNamed, OvalCollectionError, type OvalItem, type OvalTestType } from '../test-type.js';

export const textfilecontent54: OvalTestType = {
  id: 'textfilecontent54',
  families: ['independent'],
  async collect(object, context) {
    const patternEntity = entityNamed(object, 'pattern');
    if (!patternEntity) throw new OvalCollectionError(`${object.id}: no pattern`);
    if (patternEntity.operation !== 'pattern match') throw new OvalCollectionError(`${object.id}: pattern with operation "${patternEntity.operation}" is not supported`);
    const instance = entityNamed(object, 'instance');
    const flags = {
      multiline: (object.behaviors.multiline ?? 'true') === 'true',
      dotall: object.behaviors.singleline === 'true',
      caseless: object.behaviors.ignore_case === 'true',
    };
    const patterns = (await context.entityValues(patternEntity)).map((pattern) => ({ pattern, regex: context.pcre.compile(pattern, flags) }));
    const items: OvalItem[] = [];
    for (const file of await resolveFileObject(object, context)) {
      if (file.info.type === 'directory' || file.filename === undefined) continue;
      const text = await context.files.readText(file.filepath);
      if (text === undefined) continue;
      for (const { pattern, regex } of patterns) {
        let index = 0;
        for (const match of regex.matchAll(text)) {
          index++;
          if (instance && !instance.nil && !(await context.entityMatches({ ...instance, datatype: 'int' }, String(index)))) continue;
          items.push({
            filepath: [file.filepath],
            path: [file.path],
            filename: [file.filename],
            pattern: [pattern],
            instance: [String(index)],
            text: [match.groups[0] ?? ''],
            subexpression: match.groups.slice(1).filter((group): group is string => group !== undefined),
          });
        }
      }
    }
    return items;
  },
};
