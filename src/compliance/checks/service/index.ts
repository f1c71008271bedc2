/**
 * `service`: a systemd unit enabled, disabled, masked, active or inactive. Enablement is read from
 * the unit files and the `*.wants` / `*.requires` links under /etc/systemd/system, as systemctl
 * itself decides it, so a root filesystem and a live host answer alike; whether a unit is running
 * needs a live host (`systemctl is-active`).
 */
import type { Target } from '../../targets/target.js';
import { EvidenceBuilder, LiveTargetRequired, type CheckContext, type CheckType, type SchemaFragment } from '../check-type.js';

export interface ServiceCheck {
  type: 'service';
  name: string;
  state: 'enabled' | 'disabled' | 'masked' | 'active' | 'inactive';
  ifInstalled?: boolean;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'A systemd unit.',
  required: ['type', 'name', 'state'],
  additionalProperties: false,
  properties: {
    type: { const: 'service' },
    name: { type: 'string', minLength: 1 },
    state: { enum: ['enabled', 'disabled', 'masked', 'active', 'inactive'] },
    ifInstalled: { type: 'boolean', description: 'An absent unit passes.' },
  },
};

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

interface UnitState {
  unitFile?: string;
  masked: boolean;
  enabledBy: string[];
}

async function unitState(target: Target, unit: string): Promise<UnitState> {
  const state: UnitState = { masked: false, enabledBy: [] };
  for (const dir of UNIT_DIRS) {
    const path = `${dir}/${unit}`;
    const info = await target.stat(path);
    if (!info) continue;
    if (info.type === 'symlink' && (await target.readLink(path)) === '/dev/null') {
      state.masked = true;
      state.unitFile ??= path;
      break;
    }
    state.unitFile ??= path;
  }
  for (const dir of ['/etc/systemd/system', '/run/systemd/system']) {
    for (const name of (await target.listDir(dir)) ?? []) {
      if (!name.endsWith('.wants') && !name.endsWith('.requires')) continue;
      if ((await target.listDir(`${dir}/${name}`))?.includes(unit)) state.enabledBy.push(`${dir}/${name}/${unit}`);
    }
  }
  return state;
}

async function isActive(context: CheckContext, unit: string): Promise<{ active: boolean; answer: string }> {
  if (!context.target.run) throw new LiveTargetRequired(`whether ${unit} is running`);
  const result = await context.target.run(`systemctl is-active -- '${unit.replace(/'/g, '')}'`, { timeoutMs: context.commandTimeoutMs });
  const answer = result.stdout.trim() || result.stderr.trim();
  return { active: result.exitCode === 0 && answer === 'active', answer };
}

export const serviceCheck: CheckType<ServiceCheck> = {
  id: 'service',
  schemas: { service: SCHEMA },
  async evaluate(check, context) {
    const unit = check.name.includes('.') ? check.name : `${check.name}.service`;
    const state = await unitState(context.target, unit);
    const evidence = new EvidenceBuilder();
    const describe = state.unitFile ? (state.masked ? 'masked' : state.enabledBy.length > 0 ? 'enabled' : 'disabled') : 'not installed';
    const where = { file: state.enabledBy[0] ?? state.unitFile ?? '/etc/systemd/system' };
    // A unit that is not installed can be neither enabled nor running: that satisfies every
    // requirement but "enabled" and "active", and those too when the check asks only if installed.
    if (!state.unitFile && (check.ifInstalled || (check.state !== 'enabled' && check.state !== 'active'))) {
      return { state: 'PASS', message: `${unit} is not installed`, evidence: evidence.evidence };
    }
    switch (check.state) {
      case 'enabled':
        if (state.enabledBy.length > 0 && !state.masked) evidence.observed(`${unit} enabled`, where);
        else evidence.unexpected(`${unit} ${describe}`, where).missing(`${unit} enabled`);
        break;
      case 'disabled':
        if (state.enabledBy.length === 0 || state.masked) evidence.observed(`${unit} ${describe}`, where);
        else for (const link of state.enabledBy) evidence.unexpected(`${unit} enabled`, { file: link });
        break;
      case 'masked':
        if (state.masked) evidence.observed(`${unit} masked`, where);
        else evidence.unexpected(`${unit} ${describe}`, where).missing(`${unit} masked (linked to /dev/null)`);
        break;
      default: {
        const { active, answer } = await isActive(context, unit);
        const source = { command: `systemctl is-active ${unit}` };
        if (active === (check.state === 'active')) evidence.observed(`${unit} ${answer}`, source);
        else evidence.unexpected(`${unit} ${answer}`, source).missing(`${unit} ${check.state}`, source);
      }
    }
    return evidence.outcome(`${unit} is ${check.state}`, `${unit} is ${describe}, expected ${check.state}`);
  },
};
