import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../errors.js';
import { nativePolicySchema, nativeYamlFormat } from './index.js';

describe('the native YAML policy format', () => {
  // The schema is composed from the check-type list; the published file is its copy. After adding
  // or changing a check type: `npx vitest run src/compliance/policy/native-yaml --update`.
  it('publishes its schema, composed from the check types, as docs/schema/policy.schema.json', async () => {
    await expect(JSON.stringify(nativePolicySchema(), null, 2)).toMatchFileSnapshot('../../../../docs/schema/policy.schema.json');
  });

  it('recognises its documents by their schemaVersion key, as YAML or JSON, and nothing else', () => {
    expect(['schemaVersion: 1\nid: x\n', '# a comment\n---\nid: x\nschemaVersion: 1\n', '{\n  "schemaVersion": 1\n}', '{"id":"x","schemaVersion":1}'].map((text) => nativeYamlFormat.sniff(text))).toEqual([true, true, true, true]);
    expect(['<?xml version="1.0"?><Benchmark/>', 'id: x\ncontrols: []\n', 'description: "no schemaVersion: here"\n', ''].map((text) => nativeYamlFormat.sniff(text))).toEqual([false, false, false, false]);
  });

  it('runs each check type’s own rules on nested checks too, naming the nested field', () => {
    const policy = `schemaVersion: 1\nid: demo\ntitle: Demo\nversion: "1"\ncontrols:\n  - cid: D-1\n    title: t\n    statement: s\n    criticality: MINIMAL\n    check:\n      type: all\n      checks:\n        - type: none\n          checks:\n            - type: command\n              run: id\n              stdoutNotMatches: ["ok", "(bad"]\n`;
    expect(() => nativeYamlFormat.parse(policy, 'p.yaml')).toThrow(UsageError);
    expect(() => nativeYamlFormat.parse(policy, 'p.yaml')).toThrow(/^p\.yaml:17:40: controls\[0\]\.check\.checks\[0\]\.checks\[0\]\.stdoutNotMatches\[1\]: invalid regular expression/);
  });
});
