/**
 * Tollgate's native policy format: YAML (or JSON) with `schemaVersion: 1`, validated against
 * docs/schema/policy.schema.json — composed here from the document's own fields and the check
 * types' fragments — and then for what a schema cannot say (duplicate control ids, and each check
 * type's own rules: regular expressions that compile, operators with a value). Every mistake is a
 * usage error naming the file, line and field; the document is never evaluated while it is parsed.
 */
import { UsageError } from '../../../errors.js';
import { CRITICALITIES } from '../../../model/control.js';
import { parseValidatedYaml, type ValidatedYaml } from '../../../config/validated-yaml.js';
import type { DefinitionPath, DefinitionSite, SchemaFragment } from '../../checks/check-type.js';
import { validateCheck } from '../../checks/list.js';
import { checkSchemaDefinitions } from '../../checks/schema.js';
import type { PolicyFormat } from '../policy-format.js';
import type { Policy } from '../policy-types.js';

const APPLICABILITY: SchemaFragment = {
  type: 'object',
  additionalProperties: false,
  properties: {
    technology: { type: 'string', minLength: 1, description: 'What must be present, as named in the not-applicable message.' },
    os: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['family'],
        additionalProperties: false,
        properties: {
          family: { type: 'string', description: 'An os-release ID or ID_LIKE value: debian, ubuntu, rhel, alpine...' },
          minVersion: { type: 'string' },
        },
      },
    },
    anyOf: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, minProperties: 1, maxProperties: 1, properties: { package: { type: 'string' }, path: { type: 'string', pattern: '^/' } } },
      description: 'At least one of these packages or paths is present.',
    },
  },
};

let schema: SchemaFragment | undefined;

/** The JSON Schema of the native format (published as docs/schema/policy.schema.json). */
export function nativePolicySchema(): SchemaFragment {
  // One object for the life of the process: the validator is compiled once per schema object.
  schema ??= {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://tollgate.dev/schema/policy.v1.json',
    title: 'Tollgate compliance policy',
    description: "A policy of controls in Tollgate's native YAML format (schemaVersion 1).",
    type: 'object',
    additionalProperties: false,
    required: ['schemaVersion', 'id', 'title', 'version', 'controls'],
    properties: {
      schemaVersion: { const: 1 },
      id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
      title: { type: 'string', minLength: 1 },
      version: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      applicability: { $ref: '#/definitions/applicability' },
      controls: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['cid', 'title', 'statement', 'criticality', 'check'],
          properties: {
            cid: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'The stable control id.' },
            title: { type: 'string', minLength: 1 },
            statement: { type: 'string', minLength: 1 },
            criticality: { enum: [...CRITICALITIES] },
            rationale: { type: 'string' },
            remediation: { type: 'string' },
            references: { type: 'array', description: "Labels of the control's sources (CIS 5.2.16) or their URLs; an http(s) URL is a link in the HTML report.", items: { type: 'string' } },
            applicability: { $ref: '#/definitions/applicability' },
            check: { $ref: '#/definitions/check' },
          },
        },
      },
    },
    definitions: { ...checkSchemaDefinitions(), applicability: APPLICABILITY },
  };
  return schema;
}

function fieldName(path: DefinitionPath): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('').slice(1);
}

/** Where a check definition sits in the YAML document, for its check type's own validation. */
function siteOf(source: ValidatedYaml<unknown>, at: DefinitionPath): DefinitionSite {
  return {
    where: (path = []) => source.where([...at, ...path]),
    field: (path = []) => fieldName([...at, ...path]),
    validateNested: (check, path) => validateCheck(check, siteOf(source, [...at, ...path])),
  };
}

export function parseNativePolicy(text: string, origin: string): Policy {
  const source = parseValidatedYaml<Omit<Policy, 'origin'>>(text, origin, nativePolicySchema());
  const policy = { ...source.data, origin };
  const seen = new Map<string, number>();
  policy.controls.forEach((control, index) => {
    const first = seen.get(control.cid);
    if (first !== undefined) throw new UsageError(`${source.where(['controls', index, 'cid'])}: controls[${index}].cid: "${control.cid}" is already the id of controls[${first}]; control ids must be unique`);
    seen.set(control.cid, index);
    // The schema requires every native control's check; only an evaluator-judged (SCAP) control has none.
    if (control.check) validateCheck(control.check, siteOf(source, ['controls', index, 'check']));
  });
  return policy;
}

// A top-level `schemaVersion` key, as YAML or as JSON writes it; SCAP XML and other formats have none.
const SCHEMA_VERSION_KEY = /(^|[{,])\s*["']?schemaVersion["']?\s*:/m;

export const nativeYamlFormat: PolicyFormat = {
  id: 'native-yaml',
  description: "Tollgate's native YAML policy with schemaVersion 1",
  extensions: ['.yaml', '.yml'],
  sniff: (text) => SCHEMA_VERSION_KEY.test(text),
  parse: parseNativePolicy,
};
