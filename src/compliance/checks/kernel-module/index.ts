/**
 * `kernel-module`: a module that must not be loadable — modprobe configuration replaces its
 * loading with a command that does nothing (`install <name> /bin/false` or `/bin/true`) — and, on
 * a live host, is not loaded now (/proc/modules). `-` and `_` are one character in module names.
 */
import { readLinesIfPresent, withoutComment } from '../../config/text-files.js';
import { EvidenceBuilder, type CheckType, type SchemaFragment } from '../check-type.js';

export interface KernelModuleCheck {
  type: 'kernel-module';
  name: string;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'A kernel module that must not be loadable (install /bin/false or blacklist in modprobe.d) nor loaded.',
  required: ['type', 'name'],
  additionalProperties: false,
  properties: {
    type: { const: 'kernel-module' },
    name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
  },
};

const MODPROBE_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d'];

const canonical = (name: string): string => name.replace(/-/g, '_');

export const kernelModuleCheck: CheckType<KernelModuleCheck> = {
  id: 'kernel-module',
  schemas: { 'kernel-module': SCHEMA },
  async evaluate(check, { target, facts }) {
    const wanted = canonical(check.name);
    const evidence = new EvidenceBuilder();
    const rules = await facts.once('modprobe', async () => {
      const found: { verb: string; module: string; rest: string; file: string; line: number }[] = [];
      const byName = new Map<string, string>();
      for (const dir of MODPROBE_DIRS) for (const name of (await target.listDir(dir)) ?? []) if (name.endsWith('.conf') && !byName.has(name)) byName.set(name, `${dir}/${name}`);
      for (const name of [...byName.keys()].sort()) {
        const file = byName.get(name) as string;
        for (const line of (await readLinesIfPresent(target, file)) ?? []) {
          const [verb, module, ...rest] = withoutComment(line.text).split(/\s+/);
          if (verb && module) found.push({ verb, module: canonical(module), rest: rest.join(' '), file, line: line.line });
        }
      }
      return found;
    });
    const mine = rules.filter((rule) => rule.module === wanted);
    const install = mine.find((rule) => rule.verb === 'install' && /^(\/usr)?\/bin\/(false|true)\b/.test(rule.rest));
    if (install) evidence.observed(`install ${check.name} ${install.rest}`, { file: install.file, line: install.line });
    else evidence.missing(`install ${check.name} /bin/false`, { file: '/etc/modprobe.d' });
    for (const rule of mine) if (rule.verb === 'blacklist') evidence.observed(`blacklist ${check.name}`, { file: rule.file, line: rule.line });
    if (target.live) {
      const loaded = ((await readLinesIfPresent(target, '/proc/modules')) ?? []).find((line) => canonical(line.text.split(' ')[0] ?? '') === wanted);
      if (loaded) evidence.unexpected(`${check.name} loaded`, { file: '/proc/modules', line: loaded.line });
    }
    return evidence.outcome(`${check.name} cannot be loaded`, `${check.name} can be loaded`);
  },
};
