/**
 * ind:environmentvariable58 — environment variables of processes. With pid nil (the usual form)
 * the environment is that of a process started on the target: `env -0` run there. Offline targets
 * have no processes: "unknown".
 */
import { filterByEntities, OvalCollectionError, requireLive, type OvalItem, type OvalTestType } from '../test-type.js';

export const environmentvariable58: OvalTestType = {
  id: 'environmentvariable58',
  families: ['independent'],
  async collect(object, context) {
    const { target } = context;
    requireLive(context, 'environmentvariable58');
    if (!target.run) throw new OvalCollectionError(`environmentvariable58: ${target.name} runs no commands`);
    const run = target.run.bind(target);
    const all = await context.once('environment:all', async () => {
      const output = await run('env -0', { timeoutMs: 30_000 });
      if (output.exitCode !== 0) throw new OvalCollectionError(`env failed: ${output.stderr.trim()}`);
      return output.stdout.split('\0').flatMap((entry): OvalItem[] => {
        const equals = entry.indexOf('=');
        return equals <= 0 ? [] : [{ name: [entry.slice(0, equals)], value: [entry.slice(equals + 1)] }];
      });
    });
    return filterByEntities(object, all, context, ['name']);
  },
};
