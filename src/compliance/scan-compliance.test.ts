import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRoot, type TempRoot } from '../../test/support/temp-root.js';
import { parsePolicy } from './policy/load-policy.js';
import { scanCompliance } from './scan-compliance.js';

let root: TempRoot | undefined;
afterEach(async () => {
  await root?.remove();
  root = undefined;
});

const policy = (applicability: string, checks: string[]): ReturnType<typeof parsePolicy> =>
  parsePolicy(`schemaVersion: 1\nid: t\ntitle: T\nversion: "1"\n${applicability}controls:\n${checks.map((check, index) => `  - cid: T-${index + 1}\n    title: t${index + 1}\n    statement: s\n    criticality: MEDIUM\n    check: ${check}\n`).join('')}`, 't.yaml');

async function states(files: Record<string, string>, applicability: string, checks: string[]): Promise<[string, string][]> {
  root = await tempRoot(files);
  const result = await scanCompliance(root.target, [policy(applicability, checks)], { scanName: 't' });
  return result.policies[0]?.controls.map((control) => [control.state, control.message]) ?? [];
}

describe('scanCompliance', () => {
  it('makes every control ERROR, not NOT_APPLICABLE, when applicability cannot be read', async () => {
    const result = await states({ 'var/lib/rpm/Packages': 'x' }, 'applicability:\n  anyOf: [{ package: openssh-server }]\n', ['{ type: accounts, rule: only-root-uid-0 }']);
    expect(result).toEqual([['ERROR', expect.stringMatching(/^cannot tell whether policy t applies to dir:.*: \/var\/lib\/rpm\/Packages: the rpm analyzer could not read this file: not an rpm database/)]]);
  });

  it('evaluates services from unit links: masked, enabled through .wants, not installed', async () => {
    root = await tempRoot({ 'lib/systemd/system/a.service': '[Unit]\n', 'lib/systemd/system/b.service': '[Unit]\n', 'etc/systemd/system/multi-user.target.wants/.keep': '' });
    await symlink('/dev/null', path.join(root.dir, 'etc/systemd/system/a.service'));
    await symlink('/lib/systemd/system/b.service', path.join(root.dir, 'etc/systemd/system/multi-user.target.wants/b.service'));
    const result = await scanCompliance(root.target, [policy('', ['{ type: service, name: a, state: masked }', '{ type: service, name: b, state: enabled }', '{ type: service, name: b, state: disabled }', '{ type: service, name: c, state: disabled }', '{ type: service, name: c, state: enabled }', '{ type: service, name: b, state: active }'])], { scanName: 't' });
    expect(result.policies[0]?.controls.map((control) => `${control.state} ${control.message}`)).toEqual([
      'PASS a.service is masked',
      'PASS b.service is enabled',
      'FAIL b.service is enabled, expected disabled',
      'PASS c.service is not installed',
      'FAIL c.service is not installed, expected enabled',
      'ERROR whether b.service is running needs a live system (local or ssh); this target is a filesystem',
    ]);
  });

  it('combines checks with all, any and none, preferring a definite answer over an ERROR', async () => {
    const present = '{ type: file, path: /etc/present }';
    const absent = '{ type: file, path: /etc/absent }';
    const broken = '{ type: command, run: "true" }';
    const result = await states({ 'etc/present': 'x' }, '', [
      `{ type: all, checks: [${present}, ${absent}] }`,
      `{ type: any, checks: [${absent}, ${present}] }`,
      `{ type: none, checks: [${absent}] }`,
      `{ type: none, checks: [${present}] }`,
      `{ type: all, checks: [${present}, ${broken}] }`,
      `{ type: any, checks: [${broken}, ${present}] }`,
    ]);
    expect(result.map(([state]) => state)).toEqual(['FAIL', 'PASS', 'PASS', 'FAIL', 'ERROR', 'PASS']);
  });

  it('reads kernel module rules across modprobe.d folders, an /etc file hiding its /lib namesake', async () => {
    const result = await states({ 'lib/modprobe.d/cramfs.conf': 'install cramfs /bin/false\n', 'etc/modprobe.d/cramfs.conf': 'blacklist cramfs\n', 'etc/modprobe.d/usb.conf': 'install usb_storage /bin/true\n' }, '', ['{ type: kernel-module, name: cramfs }', '{ type: kernel-module, name: usb-storage }']);
    expect(result).toEqual([
      ['FAIL', 'cramfs can be loaded'],
      ['PASS', 'usb-storage cannot be loaded'],
    ]);
  });
});
