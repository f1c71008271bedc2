/**
 * The checks' part of a policy's JSON Schema, composed from the list: one `<type>Check`
 * definition per `type` value (the fragment its check type declares) and the `check` definition
 * that picks one by `type`. Nothing here knows a check type by name.
 */
import type { SchemaFragment } from './check-type.js';
import { CHECK_TYPES } from './list.js';

/** The name of a `type` value's definition in the policy schema: `file-content` -> `file-contentCheck`. */
export function checkDefinitionName(type: string): string {
  return `${type}Check`;
}

/**
 * `definitions` entries for every listed check type, then `check`: an object whose `type` is one of
 * the listed values and that matches that value's definition. Nested checks (compositions) refer
 * to `#/definitions/check`.
 */
export function checkSchemaDefinitions(): Record<string, SchemaFragment> {
  const definitions: Record<string, SchemaFragment> = {};
  const types: string[] = [];
  for (const checkType of CHECK_TYPES) {
    for (const [type, fragment] of Object.entries(checkType.schemas)) {
      definitions[checkDefinitionName(type)] = fragment;
      types.push(type);
    }
  }
  definitions.check = {
    type: 'object',
    required: ['type'],
    properties: { type: { enum: types } },
    allOf: types.map((type) => ({ if: { properties: { type: { const: type } }, required: ['type'] }, then: { $ref: `#/definitions/${checkDefinitionName(type)}` } })),
  };
  return definitions;
}
