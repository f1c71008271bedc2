import { describe, expect, it } from 'vitest';
import { clearFailureProblems, runHostile } from './run-hostile.js';

const node = (script: string): readonly string[] => [process.execPath, '-e', script];

describe('the hostile-corpus watchdog', () => {
  it('kills a child whose resident memory passes the ceiling and says so', async () => {
    const result = await runHostile(
      { args: [], memoryMiB: 128, timeoutMs: 20_000 },
      node('const keep = []; setInterval(() => { for (let i = 0; i < 16; i++) keep.push(Buffer.alloc(1 << 20, 1)); }, 5);'),
    );
    expect(result.killedFor).toBe('memory');
    expect(result.peakRssMiB).toBeGreaterThan(128);
    expect(clearFailureProblems(result, /.*/)).toContain(`killed by the watchdog for memory after ${Math.round(result.ms)} ms (peak ${Math.round(result.peakRssMiB)} MiB)`);
  });

  it('kills a child that runs past the time ceiling', async () => {
    const result = await runHostile({ args: [], timeoutMs: 300 }, node('setInterval(() => {}, 1000);'));
    expect(result.killedFor).toBe('time');
  });

  it('accepts a clear refusal and rejects an internal error', async () => {
    const refused = await runHostile({ args: [] }, node('console.error("error: the layer is too large (--max-layer-size)"); process.exit(3);'));
    expect(clearFailureProblems(refused, /too large/)).toEqual([]);
    const crashed = await runHostile({ args: [] }, node('console.error("internal error: boom"); process.exit(3);'));
    expect(clearFailureProblems(crashed, /boom/)).toEqual(['printed "internal error"']);
  });
});
