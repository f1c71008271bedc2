/**
 * `package`: an OS package installed (optionally in a version range, in the package's own version
 * ordering) or absent, from the target's dpkg, apk or rpm database.
 */
import { compileSoftwareSpec, parseSoftwareSpec } from '../../../ecosystems/software-spec.js';
import { TargetReadError } from '../../../image/fs/fs-view.js';
import { EvidenceBuilder, type CheckType, type SchemaFragment } from '../check-type.js';

export interface PackageCheck {
  type: 'package';
  name: string | string[];
  state: 'installed' | 'absent';
  version?: string;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'An OS package, from the dpkg, apk or rpm database.',
  required: ['type', 'name', 'state'],
  additionalProperties: false,
  properties: {
    type: { const: 'package' },
    name: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] },
    state: { enum: ['installed', 'absent'] },
    version: { type: 'string', description: 'A range in the package\'s own version ordering: ">= 1.2", "< 3.0.13", ">= 1.0 < 2.0".' },
  },
};

export const packageCheck: CheckType<PackageCheck> = {
  id: 'package',
  schemas: { package: SCHEMA },
  async evaluate(check, { facts }) {
    const { manager, packages } = await facts.packages();
    if (!manager) throw new TargetReadError('/var/lib/dpkg/status', 'not-found', 'no package database (dpkg, apk or rpm) on the target');
    const names = Array.isArray(check.name) ? check.name : [check.name];
    const evidence = new EvidenceBuilder();
    const installed = packages.filter((pkg) => names.some((name) => pkg.name.toLowerCase() === name.toLowerCase()));
    const database = { file: installed[0]?.location ?? packages[0]?.location ?? '' };
    if (check.state === 'absent') {
      for (const pkg of installed) evidence.unexpected(`${pkg.name} ${pkg.version}`, { file: pkg.location });
      return evidence.outcome(`${names.join(' / ')} not installed`, `${installed.map((pkg) => pkg.name).join(', ')} installed`);
    }
    if (installed.length === 0) {
      evidence.missing(`${names.join(' or ')}${check.version ? ` ${check.version}` : ''} installed`, database);
      return evidence.outcome('', `${names.join(' / ')} not installed`);
    }
    if (!check.version) {
      for (const pkg of installed) evidence.observed(`${pkg.name} ${pkg.version}`, { file: pkg.location });
      return evidence.outcome(`${installed.map((pkg) => `${pkg.name} ${pkg.version}`).join(', ')} installed`, '');
    }
    let inRange = false;
    for (const pkg of installed) {
      const spec = compileSoftwareSpec(parseSoftwareSpec(`${pkg.name}${check.version}`, 'package check'));
      if (spec.matches(pkg)) {
        inRange = true;
        evidence.observed(`${pkg.name} ${pkg.version}`, { file: pkg.location });
      }
    }
    if (!inRange) {
      for (const pkg of installed) evidence.unexpected(`${pkg.name} ${pkg.version}`, { file: pkg.location });
      evidence.missing(`${names.join(' or ')} ${check.version}`, database);
    }
    return evidence.outcome(`${names.join(' / ')} installed in range ${check.version}`, `${names.join(' / ')} not in range ${check.version}`);
  },
};
