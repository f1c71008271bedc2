/** One OVAL evaluation session over one target (interim: the interface only; the engine lands next). */
import type { Target } from '../../targets/target.js';
import type { OvalDefinitionOutcome, OvalDefinitionsDocument, OvalEvaluation } from './model.js';

export function createOvalEvaluation(document: OvalDefinitionsDocument, target: Target, options: { signal?: AbortSignal } = {}): OvalEvaluation {
  void target;
  void options;
  return {
    evaluate(definitionIds) {
      const outcomes = new Map<string, OvalDefinitionOutcome>();
      for (const id of definitionIds) outcomes.set(id, { result: 'not evaluated', messages: [`${document.origin}: the OVAL engine is not in this commit yet`] });
      return Promise.resolve(outcomes);
    },
  };
}
