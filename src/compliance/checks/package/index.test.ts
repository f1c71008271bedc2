import { describe, expect, it } from 'vitest';
import { rpmFixture } from '../../../../test/support/rpm-fixtures.js';
import { parsePolicy } from '../../policy/load-policy.js';
import { scanCompliance } from '../../scan-compliance.js';
import { FilesystemTarget } from '../../targets/filesystem-target.js';

describe('the package check on an rpm system', () => {
  it('judges installed rpm packages, their absence and their versions in rpm order (epochs first) from the rpm database itself', async () => {
    const fixture = await rpmFixture();
    const target = new FilesystemTarget('dir', `dir:${fixture.root}`, fixture.root, false);
    const checks = [
      '{ type: package, name: openssl-libs, state: installed }',
      '{ type: package, name: openssl-libs, state: installed, version: ">= 1:3.0.7-24.el9" }',
      // An epoch outranks any version: 1:3.0.7 is newer than 3.9, which has no epoch.
      '{ type: package, name: openssl-libs, state: installed, version: "< 3.9" }',
      '{ type: package, name: nodejs, state: installed, version: "< 1:18.14.2-10" }',
      '{ type: package, name: telnet-server, state: absent }',
      '{ type: package, name: [thirdparty-agent], state: absent }',
    ];
    const policy = parsePolicy(`schemaVersion: 1\nid: t\ntitle: T\nversion: "1"\ncontrols:\n${checks.map((check, index) => `  - cid: T-${index + 1}\n    title: t${index + 1}\n    statement: s\n    criticality: MEDIUM\n    check: ${check}\n`).join('')}`, 't.yaml');
    const result = await scanCompliance(target, [policy], { scanName: 't' });
    expect(result.policies[0]?.controls.map((control) => `${control.state} ${control.message}`)).toEqual([
      'PASS openssl-libs 1:3.0.7-24.el9 installed',
      'PASS openssl-libs installed in range >= 1:3.0.7-24.el9',
      'FAIL openssl-libs not in range < 3.9',
      'PASS nodejs installed in range < 1:18.14.2-10',
      'PASS telnet-server not installed',
      'FAIL thirdparty-agent installed',
    ]);
  }, 300_000);
});
