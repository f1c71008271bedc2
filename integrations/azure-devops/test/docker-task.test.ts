/**
 * The built image task against a real Docker Engine (Debian's dockerd, test/support/dockerd.ts):
 * image names and ids as a pipeline lists them, resolved through the Docker URL (unix:// and
 * tcp:// with the certificate folder) and scanned once per image digest; a Docker URL of another
 * scheme fails as a configuration error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/cli.js';
import { startDockerd, type TestDockerd } from '../../../test/support/dockerd.js';
import { openScanWorkspace, type ScanWorkspace } from '../../../test/support/scan-workspace.js';
import { buildExtension } from '../scripts/build.mjs';
import { runTask } from './support/task-run.js';

let workspace: ScanWorkspace;
let dockerd: TestDockerd;
let imageId: string;
let built: string;
let task: string;

beforeAll(async () => {
  workspace = await openScanWorkspace('azure-docker-task');
  dockerd = await startDockerd();
  await dockerd.docker(['load', '-i', workspace.image.dockerArchive]);
  imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim();
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  await buildExtension(built);
  task = path.join(built, 'tollgate-image-scan');
});

afterAll(async () => {
  await dockerd?.stop();
  await workspace?.remove();
  if (built) rmSync(built, { recursive: true, force: true });
});

const inputs = (extra: Record<string, string>) => ({ inputs: { databasePath: workspace.db, skipDatabaseUpdate: 'true', tollgatePath: CLI, ...extra } });

describe('the image task with a Docker daemon', () => {
  it('a name, a short id and the full id of one image over unix:// are one scan and one attachment', async () => {
    const run = await runTask(task, inputs({ images: `docker:tollgate-test/bookworm:1\ndocker:${imageId.slice(7, 19)}, docker:${imageId}`, dockerUrl: `unix://${dockerd.socket}` }));
    const attachments = run.commands.filter((line) => line.startsWith('##vso[task.addattachment'));
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toContain(`.1.${imageId.slice(7, 19)};]`);
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
  });

  it('over tcp:// with the certificate folder', async () => {
    const run = await runTask(task, inputs({ images: 'docker:tollgate-test/bookworm:1', dockerUrl: dockerd.tcp, dockerCertPath: dockerd.certs, failOnSeverity: '5' }));
    expect(run.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the gate failed: .*CRITICAL/);
  });

  it('a Docker URL that is not unix:// or tcp:// fails with the cause', async () => {
    const run = await runTask(task, inputs({ images: 'docker:tollgate-test/bookworm:1', dockerUrl: 'ssh://builder@127.0.0.1' }));
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Failed;]Tollgate: the configuration is not valid: unsupported Docker host "ssh://[redacted]@127.0.0.1": use unix:///path/to/docker.sock or tcp://host:port');
  });
});
