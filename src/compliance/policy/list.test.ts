/**
 * Conformance of the policy-format list: every format folder is listed and every format has its
 * folder, ids are unique, extensions are written `.ext` and claimed by one format each (the name
 * alone then decides), and every built-in policy is recognised by its name and by its content.
 * Then how a file's format is told, and what a file no format recognises is told.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { duplicateProblems, folderProblems, subfolders } from '../../../test/support/plugin-lists.js';
import { POLICY_FORMATS, policyFormatOf } from './list.js';
import type { PolicyFormat } from './policy-format.js';
import { builtinPolicyDir } from './schemas.js';

const POLICY_DIR = fileURLToPath(new URL('.', import.meta.url));

/** A policy file known to be in a format: `samples` maps a format id to file names and texts. */
export function policyFormatListProblems(formats: readonly PolicyFormat[], folders: readonly string[], samples: readonly { format: string; file: string; text: string }[]): string[] {
  const extensions = formats.flatMap((format) => format.extensions);
  const problems = [...folderProblems('policy format', folders, formats.map((format) => format.id)), ...duplicateProblems('policy format', formats.map((format) => format.id)), ...duplicateProblems('extension', extensions)];
  for (const format of formats) {
    for (const extension of format.extensions) if (!/^\.[a-z0-9]+(\.[a-z0-9]+)*$/.test(extension)) problems.push(`policy format "${format.id}" claims "${extension}"; extensions are lower case and start with a dot`);
  }
  for (const sample of samples) {
    const format = formats.find((candidate) => candidate.id === sample.format);
    if (!format) continue;
    if (!format.extensions.some((extension) => sample.file.endsWith(extension))) problems.push(`policy format "${format.id}" does not claim the name of ${sample.file}`);
    if (!format.sniff(sample.text)) problems.push(`policy format "${format.id}" does not recognise the content of ${sample.file}`);
  }
  return problems;
}

function builtinSamples(): { format: string; file: string; text: string }[] {
  const dir = builtinPolicyDir();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => ({ format: 'native-yaml', file: name, text: readFileSync(path.join(dir, name), 'utf8') }));
}

const NATIVE = `schemaVersion: 1
id: demo
title: Demo
version: "1"
controls:
  - cid: D-1
    title: shadow
    statement: /etc/shadow is private
    criticality: SERIOUS
    check: { type: file, path: /etc/shadow, maxMode: "0640" }
`;

const NATIVE_POLICY = { schemaVersion: 1 as const, id: 'x', title: 'x', version: '1', controls: [], origin: 'x' };

describe('the policy-format list', () => {
  it('matches the format folders, and recognises every built-in policy by name and by content', () => {
    const samples = builtinSamples();
    expect(samples.length).toBeGreaterThan(0);
    expect(policyFormatListProblems(POLICY_FORMATS, subfolders(POLICY_DIR), samples)).toEqual([]);
  });

  it('names an unlisted folder, a folderless or repeated format, a shared or malformed extension and a sample its format does not recognise', () => {
    const format = (id: string, extensions: string[], marker: string): PolicyFormat => ({ id, description: id, extensions, sniff: (text) => text.includes(marker), parse: () => NATIVE_POLICY });
    const formats = [format('native-yaml', ['.yaml', '.yml'], 'schemaVersion'), format('native-yaml', ['.YML'], 'x'), format('xccdf', ['.xml', '.yaml'], '<Benchmark')];
    const samples = [
      { format: 'native-yaml', file: 'ok.yaml', text: 'schemaVersion: 1' },
      { format: 'xccdf', file: 'benchmark.txt', text: '<?xml version="1.0"?><data-stream-collection/>' },
    ];
    expect(policyFormatListProblems(formats, ['native-yaml', 'oval'], samples)).toEqual([
      'policy format "oval" has a folder but is not in the list',
      'policy format "xccdf" is in the list but has no folder of its own',
      'policy format "native-yaml" is listed more than once',
      'extension ".yaml" is listed more than once',
      'policy format "native-yaml" claims ".YML"; extensions are lower case and start with a dot',
      'policy format "xccdf" does not claim the name of benchmark.txt',
      'policy format "xccdf" does not recognise the content of benchmark.txt',
    ]);
  });
});

describe('telling a policy file’s format', () => {
  const xml = (id: string): PolicyFormat => ({ id, description: `${id} XML`, extensions: ['.xml'], sniff: (text) => text.includes(`<${id}`), parse: () => NATIVE_POLICY });
  // Made-up XML formats beside the native one, to show how a shared extension is decided by content.
  const formats = [...POLICY_FORMATS.filter((format) => format.id === 'native-yaml'), xml('Benchmark'), xml('oval_definitions')];

  it('goes by the name when one format claims it, and reads the content only when the name does not decide', () => {
    expect(policyFormatOf('policy.yaml', 'anything', formats).id).toBe('native-yaml');
    expect(policyFormatOf('policies/ssh', NATIVE, formats).id).toBe('native-yaml');
    expect(policyFormatOf('policies/ssh.json', JSON.stringify({ schemaVersion: 1, id: 'x' }), formats).id).toBe('native-yaml');
    expect(policyFormatOf('stig.xml', '<?xml version="1.0"?>\n<oval_definitions xmlns="...">', formats).id).toBe('oval_definitions');
    expect(policyFormatOf('stig', '<?xml version="1.0"?>\n<Benchmark xmlns="...">', formats).id).toBe('Benchmark');
  });

  it('refuses a file no format recognises, naming the formats it knows', () => {
    const refusal = (): PolicyFormat => policyFormatOf('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
    expect(refusal).toThrow(UsageError);
    expect(refusal).toThrow(/^policy \/etc\/passwd: not in a policy format Tollgate reads; the known formats are native-yaml \(Tollgate's native YAML policy with schemaVersion 1; \.yaml, \.yml\), scap \(SCAP 1\.2\/1\.3 source data stream or XCCDF 1\.2 benchmark \(scap:<file>#<profile>\); \.xml\)$/);
    expect(() => policyFormatOf('stig.xml', '<?xml version="1.0"?><cpe-list/>', formats)).toThrow(/the known formats are native-yaml .*, Benchmark \(Benchmark XML; \.xml\), oval_definitions \(oval_definitions XML; \.xml\)$/);
  });
});
