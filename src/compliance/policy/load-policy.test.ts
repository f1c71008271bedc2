import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { builtinPolicies, parsePolicy, resolvePolicies } from './load-policy.js';

const VALID = `schemaVersion: 1
id: demo
title: Demo
version: "1"
controls:
  - cid: D-1
    title: shadow
    statement: /etc/shadow is private
    criticality: SERIOUS
    check:
      type: file
      path: /etc/shadow
      maxMode: "0640"
`;

function errorOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the policy was accepted');
}

describe('policy files', () => {
  it('loads a valid policy', () => {
    const policy = parsePolicy(VALID, 'policy.yaml');
    expect(policy.controls[0]?.check).toEqual({ type: 'file', path: '/etc/shadow', maxMode: '0640' });
  });

  it.each([
    ['invalid YAML', VALID.replace('title: Demo', 'title: [Demo'), /^policy\.yaml:\d+:\d+: invalid YAML/],
    ['a misspelt field', VALID.replace('    statement:', '    statment:'), /^policy\.yaml:8:5: controls\[0\]\.statment: unknown field "statment"/],
    ['a missing field', VALID.replace('    criticality: SERIOUS\n', ''), /^policy\.yaml:6:5: controls\[0\]: missing required field "criticality"/],
    ['an unknown criticality', VALID.replace('SERIOUS', 'HIGH'), /^policy\.yaml:9:18: controls\[0\]\.criticality: must be one of "MINIMAL", "MEDIUM", "SERIOUS", "CRITICAL", "URGENT"/],
    ['an unknown check type', VALID.replace('type: file', 'type: files'), /^policy\.yaml:11:13: controls\[0\]\.check\.type: must be one of "file", "file-content"/],
    ['a field of another check type', VALID.replace('      maxMode: "0640"', '      operator: eq'), /controls\[0\]\.check\.operator: unknown field "operator"/],
    ['a malformed mode', VALID.replace('"0640"', '"rw-r-----"'), /^policy\.yaml:13:16: controls\[0\]\.check\.maxMode: must match pattern/],
    ['a relative path', VALID.replace('path: /etc/shadow', 'path: etc/shadow'), /controls\[0\]\.check\.path: must match pattern "\^\/"/],
    ['a wrong schema version', VALID.replace('schemaVersion: 1', 'schemaVersion: 2'), /^policy\.yaml:1:16: schemaVersion: must be 1/],
    ['a duplicate control id', `${VALID}  - cid: D-1\n    title: again\n    statement: x\n    criticality: MINIMAL\n    check: { type: accounts, rule: only-root-uid-0 }\n`, /^policy\.yaml:14:10: controls\[1\].cid: "D-1" is already the id of controls\[0\]/],
    ['a regular expression that does not compile', VALID.replace(/check:[\s\S]*$/, 'check:\n      type: file-content\n      paths: [/etc/issue]\n      mustMatch: ["(unclosed"]\n'), /^policy\.yaml:13:19: controls\[0\].check.mustMatch\[0\]: invalid regular expression/],
    ['an operator without a value', VALID.replace(/check:[\s\S]*$/, 'check:\n      type: sysctl\n      key: net.ipv4.ip_forward\n      operator: eq\n'), /controls\[0\]\.check: operator "eq" needs a value/],
    ['a numeric operator with text', VALID.replace(/check:[\s\S]*$/, 'check:\n      type: sysctl\n      key: kernel.x\n      operator: ge\n      value: high\n'), /operator "ge" compares numbers; "high" is not a number/],
    ['"in" with one value', VALID.replace(/check:[\s\S]*$/, 'check:\n      type: sysctl\n      key: kernel.x\n      operator: in\n      value: 1\n'), /operator "in" needs a list of values/],
    ['a pam check without its module', VALID.replace(/check:[\s\S]*$/, 'check:\n      type: config-value\n      format: pam\n      operator: present\n'), /format pam needs "pam"/],
    ['a nested mistake in a composition', VALID.replace(/check:[\s\S]*$/, 'check:\n      type: any\n      checks:\n        - type: package\n          name: sudo\n          state: removed\n'), /^policy\.yaml:15:18: controls\[0\]\.check\.checks\[0\]\.state: must be one of "installed", "absent"/],
  ])('refuses %s with the file, line and field', (_name, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it('refuses an alias bomb rather than expanding it', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`;
    expect(errorOf(bomb)).toMatch(/policy\.yaml/);
  });

  it('ships built-in policies with at least 60 controls per Linux baseline and unique, stable control ids', () => {
    const policies = builtinPolicies();
    const byId = new Map(policies.map((policy) => [policy.id, policy]));
    expect([...byId.keys()].sort()).toEqual(['linux-baseline-debian', 'linux-baseline-rhel', 'ssh-server']);
    expect(byId.get('linux-baseline-debian')?.controls.length).toBeGreaterThanOrEqual(60);
    expect(byId.get('linux-baseline-rhel')?.controls.length).toBeGreaterThanOrEqual(60);
    for (const policy of policies) for (const control of policy.controls) expect(control.cid).toMatch(policy.id === 'ssh-server' ? /^TG-SSH-\d{3}$/ : /^TG-LNX-\d{4}$/);
  });

  it('resolves --policy values to built-ins or files and refuses unknown ids and repeats', () => {
    expect(resolvePolicies(['ssh-server']).map((policy) => policy.id)).toEqual(['ssh-server']);
    expect(() => resolvePolicies(['nope'])).toThrow(/unknown policy "nope": not a built-in policy \(linux-baseline-debian, linux-baseline-rhel, ssh-server\)/);
    expect(() => resolvePolicies(['ssh-server', 'ssh-server'])).toThrow(/given twice/);
    expect(() => resolvePolicies(['/nonexistent/policy.yaml'])).toThrow(/cannot read the policy \/nonexistent\/policy\.yaml \(ENOENT\)/);
  });
});
