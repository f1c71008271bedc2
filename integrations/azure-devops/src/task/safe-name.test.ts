import fc from 'fast-check';
import { expect, it } from 'vitest';
import { safeName } from './safe-name.js';

it('a safe name is never empty, never a path, never hidden, and at most 120 characters (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      const name = safeName(text);
      expect(name).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,119}$/);
      expect(name).not.toContain('..');
    }),
  );
  expect(safeName('../../etc/passwd')).toBe('etc-passwd');
  expect(safeName('3f1c9a52-0d6e-4b8e')).toBe('3f1c9a52-0d6e-4b8e');
});
