/**
 * The raw vulnerability feeds on loopback, shaped as `db update` and `db build` download them: an
 * OSV bucket with an `all.zip` for every default ecosystem (the repository's npm and Debian test
 * records; one record for each other ecosystem) and NVD CVE JSON 2.0 feeds for every year `db
 * update` asks for (CVSS for CVE-2021-44906 in 2021, empty elsewhere). Point
 * TOLLGATE_OSV_BASE_URL at `<url>/osv` and TOLLGATE_NVD_BASE_URL at `<url>/nvd`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_ECOSYSTEMS } from '../../src/vulndb/ecosystems.js';
import { osvRecord, writeZip } from '../../src/vulndb/test-support/osv-records.js';
import { REPO_ROOT } from './fixture-cache.js';
import { startServer, type TestServer } from './http-server.js';

async function recordsIn(folder: string): Promise<Record<string, unknown>> {
  const entries: Record<string, unknown> = {};
  for (const name of await readdir(folder)) entries[name] = await readFile(path.join(folder, name));
  return entries;
}

export async function startFeeds(scratch: string): Promise<TestServer> {
  const routes: Record<string, Buffer> = {};
  const testData: Record<string, string> = { npm: 'test/data/osv/npm', Debian: 'test/data/osv/debian' };
  for (const ecosystem of DEFAULT_ECOSYSTEMS) {
    const zip = path.join(scratch, `${ecosystem.replace(/\W/g, '_')}-all.zip`);
    const folder = testData[ecosystem];
    await writeZip(zip, folder ? await recordsIn(path.join(REPO_ROOT, folder)) : { 'x.json': osvRecord({ id: `TEST-${ecosystem.replace(/\W/g, '-')}-1`, ecosystem, name: 'nothing-installed', fixed: '1.0' }) });
    routes[`/osv/${encodeURIComponent(ecosystem)}/all.zip`] = await readFile(zip);
  }
  for (let year = 2002; year <= new Date().getUTCFullYear(); year++) {
    const vulnerabilities = year === 2021 ? [{ cve: { id: 'CVE-2021-44906', metrics: { cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } }] } } }] : [];
    routes[`/nvd/nvdcve-2.0-${year}.json.gz`] = gzipSync(JSON.stringify({ vulnerabilities }));
  }
  return startServer(routes);
}
