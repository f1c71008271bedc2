/**
 * `mount`: options of a mount point, from the mount table of a live host (/proc/mounts) or the
 * /etc/fstab of a root filesystem.
 */
import { EvidenceBuilder, type CheckType, type SchemaFragment } from '../check-type.js';

export interface MountCheck {
  type: 'mount';
  path: string;
  options?: string[];
  ifMounted?: boolean;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'Mount options of a mount point (/proc/mounts on live targets, /etc/fstab on root filesystems).',
  required: ['type', 'path'],
  additionalProperties: false,
  properties: {
    type: { const: 'mount' },
    path: { type: 'string', pattern: '^/' },
    options: { type: 'array', items: { type: 'string' } },
    ifMounted: { type: 'boolean', description: 'Pass when the path is not a separate mount.' },
  },
};

export const mountCheck: CheckType<MountCheck> = {
  id: 'mount',
  schemas: { mount: SCHEMA },
  async evaluate(check, { target, facts }) {
    const table = target.live ? '/proc/mounts' : '/etc/fstab';
    const lines = (await facts.lines(table)) ?? [];
    const evidence = new EvidenceBuilder();
    let entry: { options: string[]; line: number } | undefined;
    for (const line of lines) {
      if (/^\s*#/.test(line.text)) continue;
      const fields = line.text.trim().split(/\s+/);
      // Octal escapes (\040 for a space) as the kernel and fstab write them.
      const mountPoint = (fields[1] ?? '').replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)));
      if (mountPoint === check.path) entry = { options: (fields[3] ?? '').split(','), line: line.line };
    }
    if (!entry) {
      if (check.ifMounted) return { state: 'PASS', message: `${check.path} is not a separate mount (allowed)`, evidence: evidence.evidence };
      evidence.missing(`${check.path} mounted separately`, { file: table });
      return evidence.outcome('', `${check.path} is not a separate mount`);
    }
    const found = entry.options;
    for (const option of check.options ?? []) {
      if (found.includes(option)) evidence.observed(`${check.path} ${option}`, { file: table, line: entry.line });
      else evidence.missing(`${check.path} ${option}`, { file: table, line: entry.line });
    }
    return evidence.outcome(`${check.path} mounted with ${found.join(',')}`, `${check.path} mounted without ${evidence.evidence.missing.map((value) => value.value.split(' ')[1]).join(', ')}`);
  },
};
