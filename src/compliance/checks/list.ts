/**
 * The one list of compliance check types. Adding a check type: a folder in this directory whose
 * index.ts exports its definition's type, its schema fragment and its evaluation, and one line
 * here. The policy schema is composed from this list; its published copy,
 * docs/schema/policy.schema.json, is rewritten by `npx vitest run src/compliance/policy/native-yaml --update`.
 *
 * The list never lets a definition reach a check type that did not declare its `type`: lookups go
 * by the `type` values each check type lists, and two check types may not claim the same one.
 */
import type { CheckOutcome } from '../../model/control.js';
import { emptyEvidence } from '../../model/control.js';
import { messageOf } from '../../errors.js';
import { TargetReadError } from '../../image/fs/fs-view.js';
import { CommandTimeoutError } from '../targets/target.js';
import { accountsCheck } from './accounts/index.js';
import { commandCheck } from './command/index.js';
import { compositeCheck } from './composition/index.js';
import { configValueCheck } from './config-value/index.js';
import { fileContentCheck } from './file-content/index.js';
import { fileCheck } from './file/index.js';
import { kernelModuleCheck } from './kernel-module/index.js';
import { mountCheck } from './mount/index.js';
import { packageCheck } from './package/index.js';
import { serviceCheck } from './service/index.js';
import { sysctlCheck } from './sysctl/index.js';
import { LiveTargetRequired, type CheckContext, type CheckType, type DefinitionSite, type SchemaFragment } from './check-type.js';

/**
 * A check type as the list holds it: any definition can be handed to it, and it passes one on
 * only when its `type` is one the check type declared — the narrowing that makes the hand-over
 * type-safe without a cast.
 */
export interface ListedCheckType<Definition extends { readonly type: string }> {
  readonly checkType: CheckType<Definition>;
  readonly id: string;
  readonly types: readonly string[];
  readonly schemas: Readonly<Record<string, SchemaFragment>>;
  validate(check: { readonly type: string }, site: DefinitionSite): void;
  evaluate(check: { readonly type: string }, context: CheckContext): Promise<CheckOutcome>;
}

function listed<Definition extends { readonly type: string }>(checkType: CheckType<Definition>): ListedCheckType<Definition> {
  const schemas: Readonly<Record<string, SchemaFragment>> = checkType.schemas;
  const types = Object.keys(schemas);
  const owns = (check: { readonly type: string }): check is Definition => types.includes(check.type);
  const refuse = (check: { readonly type: string }): never => {
    throw new Error(`check type "${checkType.id}" was handed a "${check.type}" check`);
  };
  return {
    checkType,
    id: checkType.id,
    types,
    schemas,
    validate: (check, site) => (owns(check) ? checkType.validate?.(check, site) : refuse(check)),
    evaluate: (check, context) => (owns(check) ? checkType.evaluate(check, context) : refuse(check)),
  };
}

/** In the order the policy schema documents them. */
export const CHECK_TYPES = [
  listed(fileCheck),
  listed(fileContentCheck),
  listed(configValueCheck),
  listed(sysctlCheck),
  listed(packageCheck),
  listed(serviceCheck),
  listed(kernelModuleCheck),
  listed(mountCheck),
  listed(accountsCheck),
  listed(commandCheck),
  listed(compositeCheck),
] as const;

type DefinitionOf<Listed> = Listed extends ListedCheckType<infer Definition> ? Definition : never;

/** A check of a policy: the union of every listed check type's definition. */
export type CheckDefinition = DefinitionOf<(typeof CHECK_TYPES)[number]>;

const BY_TYPE: ReadonlyMap<string, (typeof CHECK_TYPES)[number]> = new Map(CHECK_TYPES.flatMap((checkType) => checkType.types.map((type) => [type, checkType] as const)));

/** What a loader verifies beyond the schema, by the check type that owns the definition. */
export function validateCheck(check: CheckDefinition, site: DefinitionSite): void {
  BY_TYPE.get(check.type)?.validate(check, site);
}

/** Runs one check; what it could not read becomes ERROR with the reason. */
export async function evaluateCheck(check: CheckDefinition, context: Omit<CheckContext, 'evaluate'>): Promise<CheckOutcome> {
  const type = BY_TYPE.get(check.type);
  if (!type) return { state: 'ERROR', message: `unknown check type "${check.type}"`, evidence: emptyEvidence() };
  const full: CheckContext = { ...context, evaluate: (child) => evaluateCheck(child, context) };
  try {
    return await type.evaluate(check, full);
  } catch (error) {
    if (error instanceof TargetReadError || error instanceof LiveTargetRequired || error instanceof CommandTimeoutError) {
      return { state: 'ERROR', message: error.message, evidence: emptyEvidence() };
    }
    // Anything else is a bug or an unforeseen input: still an ERROR for this control, with the
    // reason, rather than a crash that loses every other result.
    return { state: 'ERROR', message: `check failed: ${messageOf(error)}`, evidence: emptyEvidence() };
  }
}
