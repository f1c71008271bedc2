/**
 * The task's result from the CLI's exit code (DESIGN.md's table) and what the CLI wrote: the gate
 * decided; this only says it in the task's words. Pure.
 */

export interface TaskOutcome {
  succeeded: boolean;
  message: string;
}

export function outcomeOf(code: number, reasons: readonly string[], cause: string): TaskOutcome {
  switch (code) {
    case 0:
      return { succeeded: true, message: 'Tollgate: the gate passed' };
    case 1:
      return { succeeded: false, message: `Tollgate: the gate failed: ${reasons.length > 0 ? reasons.join('; ') : cause}` };
    case 2:
      return { succeeded: false, message: `Tollgate: the configuration is not valid: ${cause}` };
    case 3:
      return { succeeded: false, message: `Tollgate: the scan could not run: ${cause}` };
    default:
      return { succeeded: false, message: `Tollgate: the tollgate command ended with code ${code}: ${cause}` };
  }
}

/** The output variable a user names for the verdict file: allowed by the task's `restrictions` only under `tollgate*`. */
export function checkOutputVariableName(name: string): string {
  if (!/^tollgate[A-Za-z0-9_]*$/.test(name)) throw new Error(`outputVariableName "${name}" must start with "tollgate" and use only letters, digits and _ (the task may set only tollgate* variables)`);
  return name;
}
