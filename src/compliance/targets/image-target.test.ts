import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTollgate } from '../../../test/support/cli.js';
import { writeMultiPlatformLayout } from '../../../test/support/image-builder.js';
import { parsePlatform } from '../../image/platform.js';
import type { ComplianceResult } from '../../model/compliance-result.js';
import { openTarget } from './open-target.js';

let work: string;
let layout: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-image-target-'));
  layout = path.join(work, 'multi');
  await writeMultiPlatformLayout(layout, 'multi', [
    { platform: { os: 'linux', architecture: 'amd64' }, layers: [{ entries: [{ type: 'file', name: 'etc/amd64', content: '' }] }] },
    { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [{ entries: [{ type: 'file', name: 'etc/arm64', content: '' }] }] },
  ]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('image: targets', () => {
  it('open the platform asked for from a multi-platform image, linux/amd64 by default', async () => {
    const present = async (options: Parameters<typeof openTarget>[1]): Promise<string[]> => {
      const target = await openTarget(`image:oci:${layout}:multi`, options);
      try {
        return (await Promise.all(['/etc/amd64', '/etc/arm64'].map(async (file) => ((await target.stat(file)) ? [file] : [])))).flat();
      } finally {
        await target.close();
      }
    };
    expect(await present({})).toEqual(['/etc/amd64']);
    expect(await present({ image: { platform: parsePlatform('linux/arm64') } })).toEqual(['/etc/arm64']);
  });

  it('take --platform on the compliance command line, as image scan does', async () => {
    const policy = path.join(work, 'platform.yaml');
    await writeFile(policy, 'schemaVersion: 1\nid: platform\ntitle: Platform\nversion: "1"\ncontrols:\n  - cid: P-1\n    title: arm64 image\n    statement: s\n    criticality: MINIMAL\n    check: { type: file, path: /etc/arm64, exists: true }\n');
    const states = async (...flags: string[]): Promise<string[]> => {
      const report = path.join(work, `report-${flags.length}.json`);
      await runTollgate(['compliance', 'scan', `image:oci:${layout}:multi`, '--policy', policy, '--format', `json=${report}`, '--quiet', ...flags]);
      const result = JSON.parse(await readFile(report, 'utf8')) as ComplianceResult;
      return result.policies.flatMap((entry) => entry.controls.map((control) => control.state));
    };
    expect(await states('--platform', 'linux/arm64')).toEqual(['PASS']);
    expect(await states()).toEqual(['FAIL']);
    expect((await runTollgate(['compliance', 'scan', `image:oci:${layout}:multi`, '--platform', 'linux/s390x'])).stderr).toMatch(/no image for platform linux\/s390x/);
  });
});
