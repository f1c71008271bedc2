/**
 * The action's pieces without a runner: its inputs and action.yml are exactly what the CLI's scan
 * flags generate (so they cannot drift), the committed bundle is what the build produces, inputs
 * become the command line the CLI would be given by hand, and the verdict becomes the outputs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../src/cli/commands/pipeline-scan.js';
import { readScanInvocation } from '../../src/cli/commands/pipeline-scan.js';
import { actionInputs, actionMetadata } from './src/action-metadata.js';
import { bundleOptions } from './bundle-options.js';
import { commandLineOf, InputError, type ActionInput } from './src/command-line.js';
import { boundedSummary, verdictOutputs } from './src/outputs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const INPUTS = JSON.parse(readFileSync(path.join(root, 'integrations/github/src/inputs.generated.json'), 'utf8')) as ActionInput[];
const REPORTS = { json: '/r/t.json', markdown: '/r/t.md', verdict: '/r/v.json', sarif: '/r/t.sarif' };

describe('the GitHub Action', () => {
  it('declares an input for every scan flag, generated from the CLI (npm run build:action regenerates)', () => {
    expect(INPUTS).toEqual(actionInputs(scanInputs()));
    expect(readFileSync(path.join(root, 'action.yml'), 'utf8')).toBe(actionMetadata(scanInputs()));
    const metadata = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown> };
    expect(metadata.runs).toEqual({ using: 'node24', main: 'integrations/github/dist/index.cjs' });
    expect(Object.keys(metadata.inputs)).toEqual(expect.arrayContaining(['images', 'target', 'fail-on', 'exclude-id', 'cache', 'policy', 'fail-on-state']));
    expect(Object.keys(metadata.inputs)).not.toContain('summary-output');
  });

  it('is committed as the build produces it', async () => {
    const result = await build({ ...bundleOptions(root), write: false });
    expect(result.outputFiles?.[0]?.text).toBe(readFileSync(path.join(root, 'integrations/github/dist/index.cjs'), 'utf8'));
  });

  it('turns inputs into the command line a user would type, which the CLI accepts', async () => {
    const values: Record<string, string> = { images: 'alpine:3.20\n\n docker:app \n', 'fail-on': 'HIGH', 'exclude-id': 'CVE-2024-1\nCVE-2024-2', cache: 'false', 'ignore-unfixed': 'true', 'registry-insecure': 'false' };
    const args = commandLineOf('image', INPUTS, (name) => values[name] ?? '', REPORTS);
    expect(args).toEqual(['image', 'scan', '--ignore-unfixed', '--no-cache', '--fail-on', 'HIGH', '--exclude-id', 'CVE-2024-1', '--exclude-id', 'CVE-2024-2', '--format', 'table', '--format', 'json=/r/t.json', '--format', 'markdown=/r/t.md', '--format', 'sarif=/r/t.sarif', '--summary-output', '/r/v.json', '--', 'alpine:3.20', 'docker:app']);
    // The CLI's own definition accepts every flag the action writes.
    await expect(readScanInvocation(args)).resolves.toMatchObject({ command: 'image', subjects: ['alpine:3.20', 'docker:app'] });
  });

  it('passes the server-mode inputs as flags, and keeps the token off the command line (masked, given as TOLLGATE_TOKEN)', async () => {
    const values: Record<string, string> = { images: 'app:1', server: 'https://tollgate.example', token: 'tg_ci_secret-value', 'via-sensor': 'true', poll: '2*15', timeout: '600', 'docker-host': 'tcp://10.0.0.2:2376', 'docker-cert-path': '/certs' };
    const args = commandLineOf('image', INPUTS, (name) => values[name] ?? '', REPORTS);
    expect(args).toEqual(expect.arrayContaining(['--server', 'https://tollgate.example', '--via-sensor', '--poll', '2*15', '--timeout', '600', '--docker-host', 'tcp://10.0.0.2:2376', '--docker-cert-path', '/certs']));
    expect(args.join(' ')).not.toContain('tg_ci_secret-value');
    expect(INPUTS.map((input) => input.name)).not.toContain('token');
    const metadata = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { description: string }> };
    expect(metadata.inputs.token?.description).toMatch(/masked.*TOLLGATE_TOKEN/);
    expect(Object.keys(metadata.inputs)).toEqual(expect.arrayContaining(['server', 'via-sensor', 'poll', 'scanner', 'option-profile', 'create-auth-record', 'cloud-connector']));
    const bundle = readFileSync(path.join(root, 'integrations/github/dist/index.cjs'), 'utf8');
    expect(bundle).toMatch(/setSecret\)?\(token\)/);
    await expect(readScanInvocation(args)).resolves.toMatchObject({ command: 'image' });
  });

  it('refuses an input of the other scan, a switch that is not true or false, and no image', () => {
    expect(() => commandLineOf('image', INPUTS, (name) => ({ images: 'x', 'fail-on-state': 'FAIL' })[name] ?? '', REPORTS)).toThrow(new InputError('input "fail-on-state" applies to compliance scans, not image scans'));
    expect(() => commandLineOf('image', INPUTS, (name) => ({ images: 'x', 'ignore-unfixed': 'maybe' })[name] ?? '', REPORTS)).toThrow(/"maybe" is not true or false/);
    expect(() => commandLineOf('image', INPUTS, () => '', REPORTS)).toThrow(/name at least one image/);
  });

  it('gives passed and counts by severity from an image verdict, and control counts from a compliance verdict', () => {
    const image = (critical: number, high: number) => ({ counts: { considered: critical + high, bySeverity: { CRITICAL: critical, HIGH: high, MEDIUM: 0, LOW: 0, NEGLIGIBLE: 0, UNKNOWN: 0 } } });
    expect(verdictOutputs(JSON.stringify({ passed: false, images: [image(1, 2), image(0, 3)] }))).toEqual({ passed: 'false', findings: '6', critical: '1', high: '5', medium: '0', low: '0', negligible: '0', unknown: '0' });
    expect(verdictOutputs(JSON.stringify({ passed: true, controlsEvaluated: 12, controlsCausingFailure: [] }))).toEqual({ passed: 'true', 'controls-evaluated': '12', 'controls-failing': '0' });
    expect(() => verdictOutputs('{}')).toThrow(/no "passed"/);
  });

  it('cuts a job summary over GitHub’s 1 MiB limit at a line, with a note', () => {
    const long = Array.from({ length: 40_000 }, (_, index) => `| row ${index} | ${'é'.repeat(20)} |`).join('\n');
    const bounded = boundedSummary(long);
    expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(1024 * 1024);
    expect(bounded).toMatch(/\|\n\n_The summary was cut to fit GitHub’s 1 MiB limit/);
    expect(boundedSummary('short')).toBe('short');
  });
});
