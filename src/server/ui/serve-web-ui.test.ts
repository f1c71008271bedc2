import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWebUi } from './serve-web-ui.js';
import { WEB_UI_CSP } from './web-ui-policy.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function appWith(bundle?: string) {
  const bundleDir = await mkdtemp(path.join(tmpdir(), 'tollgate-ui-bundle-'));
  dirs.push(bundleDir);
  if (bundle !== undefined) await writeFile(path.join(bundleDir, 'app.js'), bundle);
  const app = Fastify();
  registerWebUi(app, { bundleDir });
  return app;
}

describe('serving the web UI', () => {
  it('answers a clear 404 naming the fix when the client bundle is not built, and serves it once it is', async () => {
    const missing = await appWith();
    const answer = await missing.inject({ url: '/ui/app.js' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json().error).toMatchObject({ code: 'not_built', message: expect.stringContaining('npm run build') });
    const built = await appWith('console.log("ui")');
    const served = await built.inject({ url: '/ui/app.js' });
    expect([served.statusCode, served.body, served.headers['content-security-policy']]).toEqual([200, 'console.log("ui")', WEB_UI_CSP]);
    expect(served.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('serves the page with no-store, and nothing outside its fixed list', async () => {
    const app = await appWith('');
    const page = await app.inject({ url: '/' });
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<script src="/ui/app.js" defer></script>');
    for (const url of ['/ui/../package.json', '/ui/web-ui-page.ts', '/ui/client/main.ts', '/ui//etc/passwd']) expect((await app.inject({ url })).statusCode, url).toBe(404);
  });
});

describe("the client's types", () => {
  it('check against the DOM with the client tsconfig (the root tsconfig leaves the client out)', async () => {
    const tsc = path.resolve('node_modules', 'typescript', 'bin', 'tsc');
    await expect(promisify(execFile)(process.execPath, [tsc, '-p', path.resolve('src/server/ui/client/tsconfig.json')], { timeout: 240_000 })).resolves.toBeDefined();
  }, 300_000);
});
