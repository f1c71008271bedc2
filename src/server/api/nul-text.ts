/**
 * PostgreSQL text cannot hold U+0000, and no field of a scan result has a reason to: a string
 * containing it is refused (400, naming where) on every store alike, before anything is written.
 */
export function nulPath(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${at}.${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${at}.${key.split('\u0000').join('\\u0000')}`;
      const found = nulPath(inner, `${at}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
