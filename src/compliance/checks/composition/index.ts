/**
 * `all`, `any`, `none`: checks composed of checks. A definite FAIL (all) or PASS (any, none)
 * decides even when a sibling could not be evaluated; otherwise an ERROR among the parts makes the
 * whole ERROR, never a guess.
 */
import type { CheckOutcome, Evidence } from '../../../model/control.js';
import { emptyEvidence } from '../../../model/control.js';
import type { CheckType, DefinitionSite, SchemaFragment } from '../check-type.js';
import type { CheckDefinition } from '../list.js';

export interface CompositeCheck {
  type: 'all' | 'any' | 'none';
  checks: CheckDefinition[];
}

function schema(type: CompositeCheck['type'], description: string): SchemaFragment {
  return {
    type: 'object',
    description,
    required: ['type', 'checks'],
    additionalProperties: false,
    properties: { type: { const: type }, checks: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' } } },
  };
}

function validate(check: CompositeCheck, site: DefinitionSite): void {
  check.checks.forEach((child, index) => site.validateNested(child, ['checks', index]));
}

function merged(outcomes: readonly CheckOutcome[], swap = false): Evidence {
  const evidence = emptyEvidence();
  for (const outcome of outcomes) {
    evidence.unexpected.push(...(swap ? outcome.evidence.observed : outcome.evidence.unexpected));
    evidence.missing.push(...(swap ? [] : outcome.evidence.missing));
    evidence.observed.push(...(swap ? [] : outcome.evidence.observed));
  }
  return evidence;
}

function messages(outcomes: readonly CheckOutcome[], state: CheckOutcome['state']): string {
  return outcomes.filter((outcome) => outcome.state === state).map((outcome) => outcome.message).join('; ');
}

export const compositeCheck: CheckType<CompositeCheck> = {
  id: 'composition',
  schemas: { all: schema('all', 'Every sub-check passes.'), any: schema('any', 'At least one sub-check passes.'), none: schema('none', 'No sub-check passes.') },
  validate,
  async evaluate(check, context) {
    const outcomes: CheckOutcome[] = [];
    for (const child of check.checks) outcomes.push(await context.evaluate(child));
    const has = (state: CheckOutcome['state']): boolean => outcomes.some((outcome) => outcome.state === state);
    switch (check.type) {
      case 'all':
        if (has('FAIL')) return { state: 'FAIL', message: messages(outcomes, 'FAIL'), evidence: merged(outcomes) };
        if (has('ERROR')) return { state: 'ERROR', message: messages(outcomes, 'ERROR'), evidence: merged(outcomes) };
        return { state: 'PASS', message: messages(outcomes, 'PASS'), evidence: merged(outcomes) };
      case 'any':
        if (has('PASS')) return { state: 'PASS', message: messages(outcomes, 'PASS'), evidence: merged(outcomes.filter((outcome) => outcome.state === 'PASS')) };
        if (has('ERROR')) return { state: 'ERROR', message: messages(outcomes, 'ERROR'), evidence: merged(outcomes) };
        return { state: 'FAIL', message: `none of: ${messages(outcomes, 'FAIL')}`, evidence: merged(outcomes) };
      case 'none': {
        const passing = outcomes.filter((outcome) => outcome.state === 'PASS');
        if (passing.length > 0) return { state: 'FAIL', message: `must not hold: ${messages(outcomes, 'PASS')}`, evidence: merged(passing, true) };
        if (has('ERROR')) return { state: 'ERROR', message: messages(outcomes, 'ERROR'), evidence: merged(outcomes) };
        return { state: 'PASS', message: `none holds: ${messages(outcomes, 'FAIL')}`, evidence: emptyEvidence() };
      }
    }
  },
};
