/**
 * The one list of compliance check types. Adding a check type: a module in this folder, its type
 * in policy-types.ts and docs/schema/policy.schema.json, and one line here.
 */
import type { CheckOutcome } from '../../model/control.js';
import { emptyEvidence } from '../../model/control.js';
import type { CheckDefinition } from '../policy/policy-types.js';
import { messageOf } from '../../errors.js';
import { TargetReadError } from '../../image/fs/fs-view.js';
import { CommandTimeoutError } from '../targets/target.js';
import { accountsCheck } from './accounts.js';
import { commandCheck } from './command.js';
import { compositeCheck } from './composition.js';
import { configValueCheck } from './config-value.js';
import { fileContentCheck } from './file-content.js';
import { fileCheck } from './file.js';
import { kernelModuleCheck } from './kernel-module.js';
import { mountCheck } from './mount.js';
import { packageCheck } from './package.js';
import { serviceCheck } from './service.js';
import { sysctlCheck } from './sysctl.js';
import { LiveTargetRequired, type CheckContext, type CheckType } from './check-type.js';

export const CHECK_TYPES: ReadonlyMap<CheckDefinition['type'], CheckType> = new Map<CheckDefinition['type'], CheckType>([
  ['file', fileCheck as CheckType],
  ['file-content', fileContentCheck as CheckType],
  ['config-value', configValueCheck as CheckType],
  ['sysctl', sysctlCheck as CheckType],
  ['package', packageCheck as CheckType],
  ['service', serviceCheck as CheckType],
  ['kernel-module', kernelModuleCheck as CheckType],
  ['mount', mountCheck as CheckType],
  ['accounts', accountsCheck as CheckType],
  ['command', commandCheck as CheckType],
  ['all', compositeCheck as CheckType],
  ['any', compositeCheck as CheckType],
  ['none', compositeCheck as CheckType],
]);

/** Runs one check; what it could not read becomes ERROR with the reason. */
export async function evaluateCheck(check: CheckDefinition, context: Omit<CheckContext, 'evaluate'>): Promise<CheckOutcome> {
  const type = CHECK_TYPES.get(check.type);
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
