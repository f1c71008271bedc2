/**
 * The image gate through the built CLI on the real fixture image: conditions from a gate file and
 * flags, exclusions, several images deduplicated by digest, every report written to its own file,
 * the verdict handed to CI systems and to a webhook on loopback, and the exit codes.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateVerdict } from '../../src/model/image-verdict.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { startServer } from '../support/http-server.js';
import type { BookwormImage } from '../support/images.js';
import { openScanWorkspace } from '../support/scan-workspace.js';

let image: BookwormImage;
let work: string;
let db: string;

beforeAll(async () => {
  ({ image, work, db } = await openScanWorkspace('gate-e2e'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const scanArgs = (...extra: string[]) => ['image', 'scan', image.ociReference, '--db', db, '--quiet', ...extra];

async function verdictOf(...extra: string[]): Promise<{ code: number; verdict: AggregateVerdict; stderr: string }> {
  const summary = path.join(work, `verdict-${Math.random().toString(36).slice(2)}.json`);
  const result = await runTollgate([...scanArgs(...extra), '--summary-output', summary, '--format', `json=${path.join(work, 'ignored.json')}`]);
  return { code: result.code, stderr: result.stderr, verdict: JSON.parse(await readFile(summary, 'utf8')) as AggregateVerdict };
}

describe('conditions and exclusions end to end', () => {
  it('a gate file fails the build, exclusions and an ignore file bring it back', async () => {
    const gate = path.join(work, 'gate.yaml');
    await writeFile(gate, 'fail:\n  severity: { CRITICAL: 0 }\n  ids: [CVE-2020-82*]\n');
    const failing = await verdictOf('--gate', gate);
    expect(failing.code).toBe(1);
    expect(failing.verdict.images[0]?.criteria.filter((c) => c.violated).map((c) => c.id)).toEqual(['severity:CRITICAL', 'vulnerability-ids']);

    const ignore = path.join(work, 'ignore.yaml');
    await writeFile(ignore, 'ignore:\n  - id: GHSA-xvch-5gv4-984h\n    reason: minimist only parses our own flags\n    expires: 2999-01-01\n  - id: CVE-2020-8203\n    reason: expired decision\n    expires: 2001-01-01\n');
    const partly = await verdictOf('--gate', gate, '--ignore-file', ignore);
    expect(partly.code).toBe(1);
    expect(partly.verdict.images[0]?.exclusions.map((e) => [e.finding.id, e.finding.version, e.by])).toEqual([
      ['CVE-2021-44906', '1.2.5', 'ignore-file'],
      ['CVE-2021-44906', '0.0.8', 'ignore-file'],
    ]);
    expect(partly.verdict.images[0]?.expiredIgnores.map((e) => e.id)).toEqual(['CVE-2020-8203']);
    expect(partly.verdict.reasons).toEqual([expect.stringMatching(/listed vulnerabilities found: CVE-2020-8203 \(lodash 4\.17\.15\)/)]);

    const passing = await verdictOf('--gate', gate, '--ignore-file', ignore, '--exclude-package', 'lodash<4.17.20');
    expect(passing.code).toBe(0);
    expect(passing.verdict.passed).toBe(true);
  });

  it('software bans match the installed list, vulnerable or not', async () => {
    expect((await verdictOf('--fail-software', 'python3-six')).code).toBe(1);
    expect((await verdictOf('--fail-software', 'coreutils>=9.1-1 <9.2')).verdict.images[0]?.criteria.find((c) => c.id === 'software')?.violatingPackages?.map((p) => p.name)).toEqual(['coreutils']);
    expect((await verdictOf('--fail-software', '@sindresorhus/is<4.0.0')).code).toBe(0);
  });

  it('CVSS and fixable-only conditions', async () => {
    expect((await verdictOf('--fail-cvss', '3:9.8')).code).toBe(1);
    const fixable = await verdictOf('--fail-severity', 'NEGLIGIBLE=0', '--fixable-only');
    expect(fixable.code).toBe(0);
    expect(fixable.verdict.images[0]?.counts).toMatchObject({ total: 6, considered: 4 });
  });

  it('a VEX document suppresses with its justification', async () => {
    const vex = path.join(work, 'app.openvex.json');
    await writeFile(vex, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'x', author: 'team', timestamp: '2026-01-01T00:00:00Z', version: 1, statements: [{ vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }] }));
    const result = await verdictOf('--fail-on', 'CRITICAL', '--vex', vex);
    expect(result.code).toBe(0);
    expect(result.verdict.images[0]?.exclusions.map((e) => e.justification)).toEqual(['vulnerable_code_not_in_execute_path', 'vulnerable_code_not_in_execute_path']);
  });

  it('an invalid gate, ignore file or VEX document is a usage error (2), never a pass', async () => {
    const badGate = path.join(work, 'bad-gate.yaml');
    await writeFile(badGate, 'fail:\n  on: SEVERE\n');
    const gate = await runTollgate(scanArgs('--gate', badGate));
    expect(gate.code).toBe(2);
    expect(gate.stderr).toMatch(/bad-gate\.yaml:2: fail\.on: "SEVERE" is not a severity/);
    expect((await runTollgate(scanArgs('--ignore-file', path.join(work, 'missing.yaml')))).code).toBe(2);
    const badVex = path.join(work, 'bad.vex.json');
    await writeFile(badVex, '{"statements": []}');
    expect((await runTollgate(scanArgs('--vex', badVex))).code).toBe(2);
    expect((await runTollgate(scanArgs('--fail-cvss', '5:7'))).code).toBe(2);
  });
});

describe('several images in one call', () => {
  it('scans an image once however many references name it, and fails if any image fails', async () => {
    const clean = path.join(work, 'clean-layout');
    const { writeOciLayout } = await import('../support/image-builder.js');
    await writeOciLayout(clean, [{ tag: 'clean', layers: [{ entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' }] }] }]);
    const summary = path.join(work, 'multi.json');
    const result = await runTollgate(['image', 'scan', image.ociReference, `docker-archive:${image.dockerArchive}`, `oci:${clean}:clean`, '--db', db, '--fail-on', 'CRITICAL', '--summary-output', summary, '--format', `json=${path.join(work, 'multi-scan.json')}`]);
    expect(result.code).toBe(1);
    const verdict = JSON.parse(await readFile(summary, 'utf8')) as AggregateVerdict;
    expect(verdict.images.map((i) => [i.image.reference, i.passed])).toEqual([
      [image.ociReference, false],
      [`oci:${clean}:clean`, true],
    ]);
    expect(verdict.duplicates).toEqual([{ reference: `docker-archive:${image.dockerArchive}`, sameAs: image.ociReference }]);
    expect(result.stderr).toMatch(/is the same image as/);
    const scanJson = JSON.parse(await readFile(path.join(work, 'multi-scan.json'), 'utf8')) as { results: unknown[]; verdict: AggregateVerdict };
    expect(scanJson.results).toHaveLength(2);
  });
});

describe('reports and outputs', () => {
  it('writes every format to its own file; the verdict follows its schema', async () => {
    const out = (name: string) => path.join(work, 'reports', name);
    const result = await runTollgate(scanArgs('--fail-on', 'HIGH', '--format', `html=${out('r.html')}`, '--format', `junit=${out('r.xml')}`, '--format', `sarif=${out('r.sarif')}`, '--format', `markdown=${out('r.md')}`, '--format', `cyclonedx=${out('r.cdx.json')}`, '--format', 'table', '--summary-output', out('verdict.json')));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Gate: FAILED');
    expect(await readFile(out('r.html'), 'utf8')).toContain('<section id="vulnerabilities">');
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(await readFile(out('r.xml'), 'utf8')) as { testsuites: { '@failures': string } };
    expect(junit.testsuites['@failures']).toBe('1');
    expect((JSON.parse(await readFile(out('r.sarif'), 'utf8')) as { runs: { results: unknown[] }[] }).runs[0]?.results).toHaveLength(6);
    expect(await readFile(out('r.md'), 'utf8')).toContain('❌ failed');
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(JSON.parse(await readFile(path.join(REPO_ROOT, 'docs/schema/verdict.schema.json'), 'utf8')) as object);
    const verdict = JSON.parse(await readFile(out('verdict.json'), 'utf8')) as unknown;
    expect(validate(verdict), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses two formats that would both write to stdout', async () => {
    const result = await runTollgate(scanArgs('--format', 'json', '--format', 'sarif'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/only one --format can write to stdout/);
  });

  it('the SARIF filter changes what SARIF shows, never the exit code', async () => {
    const sarif = path.join(work, 'filtered.sarif');
    const result = await runTollgate(scanArgs('--fail-on', 'CRITICAL', '--sarif-severity', 'NEGLIGIBLE', '--format', `sarif=${sarif}`));
    expect(result.code).toBe(1);
    const log = JSON.parse(await readFile(sarif, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(log.runs[0]?.results.map((r) => r.ruleId).sort()).toEqual(['CVE-2016-2781', 'CVE-2017-18018']);
  });

  it('hands the verdict to GitHub Actions and Azure DevOps as an output variable', async () => {
    const githubOutput = path.join(work, 'github-output');
    await writeFile(githubOutput, '');
    await runTollgate(scanArgs('--fail-on', 'CRITICAL', '--format', `json=${path.join(work, 'x.json')}`), { env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: githubOutput } });
    const written = await readFile(githubOutput, 'utf8');
    const match = /^tollgate_verdict<<(\S+)\n([\s\S]*)\n\1\n$/.exec(written);
    expect((JSON.parse(match?.[2] ?? '{}') as AggregateVerdict).passed).toBe(false);
    const azure = await runTollgate(scanArgs('--format', `json=${path.join(work, 'y.json')}`), { env: { TF_BUILD: 'True', GITHUB_ACTIONS: '' } });
    const line = azure.stdout.split('\n').find((l) => l.startsWith('##vso[task.setvariable variable=tollgate_verdict;isOutput=true]'));
    expect((JSON.parse(line?.slice(line.indexOf(']') + 1) ?? '{}') as AggregateVerdict).passed).toBe(true);
  });

  it('posts the verdict to a webhook; a failed delivery is a warning that changes nothing', async () => {
    const received: string[] = [];
    let failuresLeft = 1;
    const server = await startServer({
      '/hook': (request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          if (failuresLeft-- > 0) response.writeHead(503).end();
          else {
            received.push(body);
            response.writeHead(204).end();
          }
        });
      },
      '/broken': (_request, response) => void response.writeHead(500).end(),
    });
    try {
      const delivered = await runTollgate(scanArgs('--fail-on', 'CRITICAL', '--webhook', `${server.url}/hook`));
      expect(delivered.code).toBe(1);
      expect((JSON.parse(received[0] ?? '{}') as AggregateVerdict).passed).toBe(false);
      const broken = await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--webhook', `${server.url}/broken`]);
      expect(broken.code).toBe(0);
      expect(broken.stderr).toMatch(/warning: the webhook was not delivered after 3 attempts \(HTTP 500\); the verdict stands/);
    } finally {
      await server.close();
    }
  });
});

describe('a baseline result (--baseline)', () => {
  it('fails only on findings new compared with an earlier result, and names the field of a broken one', async () => {
    const full = path.join(work, 'baseline-full.json');
    expect((await runTollgate(scanArgs('--format', `json=${full}`))).code).toBe(0);
    const result = JSON.parse(await readFile(full, 'utf8')) as { findings: { id: string }[] };
    expect(result.findings.length).toBeGreaterThan(1);
    expect((await verdictOf('--fail-on', 'NEGLIGIBLE')).code).toBe(1);
    // The same image as its own baseline: nothing is new.
    const same = await verdictOf('--fail-on', 'NEGLIGIBLE', '--baseline', full);
    expect(same.code).toBe(0);
    // A baseline without one flaw: only that flaw fails the build.
    const dropped = result.findings[0]?.id as string;
    const partial = path.join(work, 'baseline-partial.json');
    await writeFile(partial, JSON.stringify({ ...result, findings: result.findings.filter((finding) => finding.id !== dropped) }));
    const failing = await verdictOf('--fail-on', 'NEGLIGIBLE', '--baseline', partial);
    expect(failing.code).toBe(1);
    expect(new Set(failing.verdict.images[0]?.violatingFindings.map((finding) => finding.id))).toEqual(new Set([dropped]));
    const broken = path.join(work, 'baseline-broken.json');
    await writeFile(broken, '{"findings": [{"id": 1}]}');
    const refused = await runTollgate(scanArgs('--baseline', broken));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('findings[0].id');
  });
});
