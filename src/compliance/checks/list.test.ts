/**
 * Conformance of the check-type list: every check-type folder is listed and every listed type has
 * its folder, no `type` value is claimed twice, each schema fragment describes the `type` it is
 * declared for, and the published policy schema (docs/schema/policy.schema.json) knows exactly the
 * listed types, each with the fragment its check type declares.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { duplicateProblems, folderProblems, sameNamesProblems, subfolders } from '../../../test/support/plugin-lists.js';
import type { SchemaFragment } from './check-type.js';
import { CHECK_TYPES } from './list.js';
import { checkDefinitionName } from './schema.js';

const CHECKS_DIR = fileURLToPath(new URL('.', import.meta.url));
const POLICY_SCHEMA = new URL('../../../docs/schema/policy.schema.json', import.meta.url);

interface CheckTypeFacts {
  id: string;
  schemas: Readonly<Record<string, SchemaFragment>>;
}

interface PublishedSchema {
  definitions?: Record<string, { properties?: { type?: { enum?: string[] } } } | undefined>;
}

function typeConst(fragment: SchemaFragment | undefined): unknown {
  const properties = fragment?.properties as { type?: { const?: unknown } } | undefined;
  return properties?.type?.const;
}

export function checkTypeListProblems(checkTypes: readonly CheckTypeFacts[], folders: readonly string[], published: PublishedSchema): string[] {
  const types = checkTypes.flatMap((checkType) => Object.keys(checkType.schemas));
  const problems = [...folderProblems('check type', folders, checkTypes.map((checkType) => checkType.id)), ...duplicateProblems('check type', checkTypes.map((checkType) => checkType.id)), ...duplicateProblems('check `type`', types)];
  for (const checkType of checkTypes) {
    for (const [type, fragment] of Object.entries(checkType.schemas)) {
      if (typeConst(fragment) !== type) problems.push(`check type "${checkType.id}" declares for "${type}" a schema whose type is ${JSON.stringify(typeConst(fragment))}`);
      const definition = published.definitions?.[checkDefinitionName(type)];
      if (definition && JSON.stringify(definition) !== JSON.stringify(fragment)) problems.push(`policy.schema.json's ${checkDefinitionName(type)} differs from the fragment of check type "${checkType.id}"`);
    }
  }
  const publishedTypes = published.definitions?.check?.properties?.type?.enum ?? [];
  return [...problems, ...sameNamesProblems('check `type`', { name: 'the list', values: types }, { name: 'policy.schema.json', values: publishedTypes })];
}

const listed = CHECK_TYPES.map(({ id, schemas }) => ({ id, schemas }));

describe('the check-type list', () => {
  it('matches the check-type folders and the published policy schema', () => {
    const published = JSON.parse(readFileSync(POLICY_SCHEMA, 'utf8')) as PublishedSchema;
    expect(checkTypeListProblems(listed, subfolders(CHECKS_DIR), published)).toEqual([]);
  });

  it('names an unlisted folder, a folderless or repeated check type, a type claimed twice, a mislabelled fragment and a schema that disagrees with the list', () => {
    const fragment = (type: string): SchemaFragment => ({ type: 'object', properties: { type: { const: type } } });
    const fabricated: CheckTypeFacts[] = [
      { id: 'file', schemas: { file: fragment('file') } },
      { id: 'file', schemas: { files: fragment('file') } },
      { id: 'mount', schemas: { mount: fragment('mount'), file: fragment('file') } },
    ];
    const published: PublishedSchema = { definitions: { fileCheck: { properties: {} }, check: { properties: { type: { enum: ['file', 'mount', 'sysctl'] } } } } };
    expect(checkTypeListProblems(fabricated, ['file', 'mount', 'sysctl'], published)).toEqual([
      'check type "sysctl" has a folder but is not in the list',
      'check type "file" is listed more than once',
      'check `type` "file" is listed more than once',
      'policy.schema.json\'s fileCheck differs from the fragment of check type "file"',
      'check type "file" declares for "files" a schema whose type is "file"',
      'policy.schema.json\'s fileCheck differs from the fragment of check type "mount"',
      'check `type` "files" is in the list but not in policy.schema.json',
      'check `type` "sysctl" is in policy.schema.json but not in the list',
    ]);
  });
});
