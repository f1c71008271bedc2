/**
 * SCAP content tests evaluate: Debian's own SCAP Security Guide. Bookworm's ssg-debian (0.1.65,
 * installed from .ci/run's apt line) has no Debian 12 data stream; trixie's ssg-debian 0.1.76 has
 * `ssg-debian12-ds.xml`, so its package is downloaded once from the Debian archive (the mirror the
 * debootstrap fixtures use) and unpacked into the fixture cache.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildOnce } from './fixture-cache.js';
import { DEBIAN_MIRROR } from './images.js';

const run = promisify(execFile);

export const SSG_DEBIAN_VERSION = '0.1.76-1';
export const INSTALLED_SSG_DIR = '/usr/share/xml/scap/ssg/content';

/** The folder holding trixie's ssg-debian content (ssg-debian12-ds.xml and the rest). */
export async function ensureSsgDebian12(): Promise<string> {
  const dir = await buildOnce('ssg-debian', 1, async (work) => {
    const deb = path.join(work, 'ssg-debian.deb');
    await run('curl', ['-fsSL', '-o', deb, `${DEBIAN_MIRROR}/pool/main/s/scap-security-guide/ssg-debian_${SSG_DEBIAN_VERSION}_all.deb`]);
    await run('dpkg-deb', ['-x', deb, path.join(work, 'root')]);
  });
  return path.join(dir, 'root', 'usr', 'share', 'xml', 'scap', 'ssg', 'content');
}

/** The id of the profile allRulesTailoring writes. */
export const ALL_RULES_PROFILE = 'xccdf_org.tollgate_profile_all';

/**
 * Writes a tailoring file whose one profile (ALL_RULES_PROFILE) selects every rule of the data
 * stream (`benchmarkHref`: the data stream as the tool reading the tailoring finds it); the number of rules.
 */
export async function allRulesTailoring(dataStream: string, file: string, benchmarkHref = dataStream): Promise<number> {
  const ids = [...new Set([...(await readFile(dataStream, 'utf8')).matchAll(/<(?:[\w.-]+:)?Rule\b[^>]*\bid="([^"]+)"/g)].map((match) => match[1] as string))];
  const selects = ids.map((id) => `    <xccdf:select idref="${id}" selected="true"/>`).join('\n');
  await writeFile(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.tollgate_tailoring_all">\n  <xccdf:benchmark href="${benchmarkHref}"/>\n  <xccdf:version time="2026-01-01T00:00:00">1</xccdf:version>\n  <xccdf:Profile id="${ALL_RULES_PROFILE}">\n    <xccdf:title>Every rule</xccdf:title>\n${selects}\n  </xccdf:Profile>\n</xccdf:Tailoring>\n`,
  );
  return ids.length;
}
