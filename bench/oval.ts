/**
 * OVAL benchmark: every OVAL definition of Debian's SSG content (ssg-debian11-oval.xml, 487
 * definitions) evaluated on the compliance root filesystem (debootstrap'd bookworm, dir: target)
 * by Tollgate's OVAL engine and by OpenSCAP (`oscap oval eval` with OSCAP_PROBE_ROOT, its offline
 * mode), in the same run. Parsing the content alone is shown as the floor under Tollgate's figure.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createOvalEvaluation, parseOvalDefinitions } from '../src/compliance/scap/oval/index.js';
import { openTarget } from '../src/compliance/targets/open-target.js';
import { ensureComplianceRootfs } from '../test/support/compliance-rootfs.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);
const CONTENT = '/usr/share/xml/scap/ssg/content/ssg-debian11-oval.xml';
const RUNS = 3;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function medianOf(measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let index = 0; index < RUNS; index++) values.push(await measure());
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

export async function benchOval(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const rootfs = await ensureComplianceRootfs();
  const text = await readFile(CONTENT, 'utf8');
  let definitions = 0;
  const parseOnly = await medianOf(async () => {
    const start = process.hrtime.bigint();
    definitions = parseOvalDefinitions(text, CONTENT).definitions.size;
    return seconds(start);
  });
  const tollgate = await medianOf(async () => {
    const start = process.hrtime.bigint();
    const document = parseOvalDefinitions(text, CONTENT);
    const target = await openTarget(`dir:${rootfs}`);
    try {
      await createOvalEvaluation(document, target).evaluate([...document.definitions.keys()], new Map());
    } finally {
      await target.close();
    }
    return seconds(start);
  });
  const resultsFile = path.join(tmpdir(), `tollgate-bench-oval-${process.pid}.xml`);
  const oscap = await medianOf(async () => {
    const start = process.hrtime.bigint();
    try {
      await run('oscap', ['oval', 'eval', '--results', resultsFile, CONTENT], { env: { ...process.env, OSCAP_PROBE_ROOT: rootfs }, maxBuffer: 1 << 26 });
    } catch (error) {
      // oscap exits 2 when some definition is false.
      if ((error as { code?: number }).code !== 2) throw error;
    }
    return seconds(start);
  });
  await rm(resultsFile, { force: true });
  results.oval = { definitions, parseSeconds: parseOnly, tollgateSeconds: tollgate, oscapSeconds: oscap };
  const name = `oval: ssg-debian11 (${definitions} definitions) on dir:bookworm`;
  rows.push([`${name}: oscap oval eval, OSCAP_PROBE_ROOT (median of ${RUNS})`, `${(oscap * 1000).toFixed(0)} ms`, 'baseline']);
  rows.push([`${name}: Tollgate parse + evaluate (median of ${RUNS})`, `${(tollgate * 1000).toFixed(0)} ms`, `${(oscap / tollgate).toFixed(1)}x faster than oscap`]);
  rows.push([`${name}: Tollgate parse only (median of ${RUNS})`, `${(parseOnly * 1000).toFixed(0)} ms`, 'floor']);
}
