import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../errors.js';
import { reportError } from './program.js';

function stderrOf(action: () => number): { code: number; text: string } {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return { code: action(), text: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('an error the CLI did not expect', () => {
  it('is a bug report: exit 3, "please report", and no stack unless asked', () => {
    vi.stubEnv('TOLLGATE_DEBUG', '');
    const { code, text } = stderrOf(() => reportError(new TypeError('Cannot read properties of undefined'), ['node', 'tollgate', 'image', 'scan', 'x']));
    expect(code).toBe(3);
    expect(text).toMatch(/^tollgate: internal error: Cannot read properties of undefined\n {2}This is a bug in Tollgate .*please report it at https:\/\/\S+ with the output of the same command run with --debug\.\n$/);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('prints the stack under --debug or TOLLGATE_DEBUG', () => {
    vi.stubEnv('TOLLGATE_DEBUG', '');
    expect(stderrOf(() => reportError(new Error('boom'), ['node', 'tollgate', '--debug'])).text).toMatch(/\n\s+at /);
    vi.stubEnv('TOLLGATE_DEBUG', '1');
    expect(stderrOf(() => reportError(new Error('boom'), ['node', 'tollgate'])).text).toMatch(/\n\s+at /);
    vi.stubEnv('TOLLGATE_DEBUG', 'false');
    expect(stderrOf(() => reportError(new Error('boom'), ['node', 'tollgate'])).text).not.toMatch(/\n\s+at /);
  });

  it('escapes control characters and redacts URL secrets in every message it prints', () => {
    const { code, text } = stderrOf(() => reportError(new UsageError('cannot read http://u:pw@host/x\u001b]0;t\u0007\nforged', { hint: 'try \u001b[2J again' }), ['node', 'tollgate']));
    expect(code).toBe(2);
    expect(text).toBe('tollgate: cannot read http://[redacted]@host/x\\x1b]0;t\\x07\\nforged\n  try \\x1b[2J again\n');
  });
});
