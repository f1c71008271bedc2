/**
 * systemd facts for the systemdunit* test types: `systemctl show` on live targets, each unit asked
 * once per session. A target that is not running has no systemd to ask: an error (OpenSCAP's
 * systemd probes fail the same way in a chroot, where they cannot reach systemd over D-Bus). Unit names come from content, so they are checked before they reach a shell.
 */
import { OvalCollectionError, type CollectContext } from './test-types/test-type.js';

const UNIT_NAME = /^[A-Za-z0-9:_.@\\-]+$/;

/** A unit's properties (`systemctl show`), or undefined when systemd does not know it. */
export function unitProperties(unit: string, context: CollectContext): Promise<Map<string, string> | undefined> {
  const { target } = context;
  if (!target.live || !target.run) return Promise.reject(new OvalCollectionError(`systemd: ${target.name} is not a running system; there is no systemd to ask`));
  if (!UNIT_NAME.test(unit)) return Promise.reject(new OvalCollectionError(`systemd: ${JSON.stringify(unit)} is not a unit name`));
  const run = target.run.bind(target);
  return context.once(`systemd:${unit}`, async () => {
    const output = await run(`systemctl show --all -- '${unit}'`, { timeoutMs: 30_000 });
    if (output.exitCode !== 0) throw new OvalCollectionError(`systemctl show ${unit} failed: ${output.stderr.trim()}`);
    const properties = new Map<string, string>();
    for (const line of output.stdout.split('\n')) {
      const equals = line.indexOf('=');
      if (equals > 0) properties.set(line.slice(0, equals), line.slice(equals + 1));
    }
    return properties.get('LoadState') === 'not-found' ? undefined : properties;
  });
}

/** Units systemd lists (for a pattern on `unit`), once per session. */
export function listUnits(context: CollectContext): Promise<string[]> {
  const { target } = context;
  if (!target.live || !target.run) return Promise.reject(new OvalCollectionError(`systemd: ${target.name} is not a running system; there is no systemd to ask`));
  const run = target.run.bind(target);
  return context.once('systemd:units', async () => {
    const output = await run('systemctl list-unit-files --no-legend --no-pager; systemctl list-units --all --no-legend --no-pager --plain', { timeoutMs: 30_000 });
    return [...new Set(output.stdout.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '').filter((name) => UNIT_NAME.test(name)))].sort();
  });
}

export async function unitsOf(unitEntityValues: string[], operation: string, context: CollectContext, matches: (unit: string) => Promise<boolean>): Promise<string[]> {
  if (operation === 'equals') return unitEntityValues;
  const units: string[] = [];
  for (const unit of await listUnits(context)) if (await matches(unit)) units.push(unit);
  return units;
}
