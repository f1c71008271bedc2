/**
 * Hostile SBOMs through the built CLI, each run under the corpus watchdog (memory and time bounds):
 * every one ends by itself with a clear refusal (exit 3, the file and the reason named), never an
 * internal error, a hang or unbounded memory; a merely odd document is scanned.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';

let work: string;
let db: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-hostile-sbom-'));
  db = path.join(work, 'vuln.db');
  expect((await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), '--db', db, '--quiet'])).code).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scanOf(name: string, content: string | Buffer, memoryMiB = 768) {
  const file = path.join(work, name);
  await writeFile(file, content);
  return { file, result: await runHostile({ args: ['image', 'scan', `sbom:${file}`, '--db', db], memoryMiB, timeoutMs: 60_000 }) };
}

const cyclonedx = (components: string) => `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${components}]}`;

describe('hostile SBOMs', () => {
  it('components nested 200,000 deep', async () => {
    const depth = 200_000;
    const { file, result } = await scanOf('deep.json', cyclonedx(`${'{"type":"library","name":"n","components":['.repeat(depth)}${']}'.repeat(depth)}`));
    expect(clearFailureProblems(result, /nested more than 64 levels/)).toEqual([]);
    expect(result.stderr).toContain(file);
  });

  it('an XML entity expansion bomb and an external entity', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "${'a'.repeat(100)}">${Array.from({ length: 9 }, (_, n) => `<!ENTITY ${String.fromCharCode(98 + n)} "${`&${String.fromCharCode(97 + n)};`.repeat(10)}">`).join('')}]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&j;</name></component></components></bom>`;
    expect(clearFailureProblems((await scanOf('laughs.xml', laughs)).result, /document type or entities/)).toEqual([]);
    const external = '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/shadow">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component><name>&x;</name></component></components></bom>';
    const { result } = await scanOf('external.xml', external);
    expect(clearFailureProblems(result, /document type or entities/)).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain('root:');
  });

  it('XML nested 100,000 tags deep', async () => {
    const { result } = await scanOf('deep.xml', `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>${'<component><components>'.repeat(100_000)}${'</components></component>'.repeat(100_000)}</components></bom>`);
    expect(clearFailureProblems(result, /not a valid CycloneDX XML document/)).toEqual([]);
  });

  it('a file over the size limit is refused before it is read', async () => {
    const file = path.join(work, 'huge.json');
    await writeFile(file, '');
    await truncate(file, 300 * 1024 * 1024);
    const result = await runHostile({ args: ['image', 'scan', `sbom:${file}`, '--db', db], memoryMiB: 256 });
    expect(clearFailureProblems(result, /over the 256\.0 MiB limit for one SBOM/)).toEqual([]);
  });

  it('truncated JSON and XML', async () => {
    const whole = cyclonedx('{"type":"library","name":"a","version":"1","purl":"pkg:npm/a@1"}');
    expect(clearFailureProblems((await scanOf('cut.json', whole.slice(0, whole.length - 5))).result, /not a valid SBOM JSON document/)).toEqual([]);
    expect(clearFailureProblems((await scanOf('cut.xml', '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component><name>a</na')).result, /not a valid CycloneDX XML document/)).toEqual([]);
  });

  it('a 16 MB purl and a 16 MB name are scanned, bounded in memory', async () => {
    const long = 'x'.repeat(16 * 1024 * 1024);
    const { result } = await scanOf('long.json', cyclonedx(`{"type":"library","name":"${long}","version":"1","purl":"pkg:npm/${long}@1"},{"type":"library","name":"b","version":"1","purl":"pkg:npm/b@1?distro=${long}"}`));
    expect(result.killedFor).toBeUndefined();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('internal error');
  });
});
