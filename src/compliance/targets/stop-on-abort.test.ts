import { afterEach, describe, expect, it } from 'vitest';
import { tempRoot, type TempRoot } from '../../../test/support/temp-root.js';
import { parseSshdConfig } from '../config/sshd-config.js';
import { abortableTarget } from './stop-on-abort.js';

let root: TempRoot | undefined;
afterEach(async () => {
  await root?.remove();
  root = undefined;
});

describe('an abortable target', () => {
  it('stops the work in progress at its next read once the scan is aborted, with the abort reason', async () => {
    const files: Record<string, string> = { 'etc/ssh/sshd_config': 'Include d/*.conf\n' };
    for (let i = 0; i < 50; i++) files[`etc/ssh/d/${String(i).padStart(2, '0')}.conf`] = 'Port 22\n';
    root = await tempRoot(files);
    const stop = new AbortController();
    let reads = 0;
    const counting = new Proxy(root.target, {
      get: (object, property) => {
        const value: unknown = Reflect.get(object, property);
        if (property !== 'readFile' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (++reads === 5) stop.abort(new Error('the scan did not finish within 1 minutes (--timeout)'));
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
    await expect(parseSshdConfig(abortableTarget(counting, stop.signal))).rejects.toThrow(/did not finish within 1 minutes/);
    expect(reads).toBe(5);
  });

  it('still closes, and answers normally while not aborted', async () => {
    root = await tempRoot({ 'etc/ssh/sshd_config': 'Port 2222\n' });
    const target = abortableTarget(root.target, new AbortController().signal);
    expect((await parseSshdConfig(target)).global.get('port')?.value).toBe('2222');
    expect(target.name).toBe(root.target.name);
  });
});
