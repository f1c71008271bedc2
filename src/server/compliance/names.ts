/**
 * The names of the compliance half's objects (hosts, groups, records, policies, profiles, scanner
 * labels, worker ids) as the contract fixes them: room for `tollgate_AG_<job>` and
 * `tollgate_unix_<job>`, nothing that could be a path or a query.
 */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$';

export const nameSchema = { type: 'string', pattern: NAME_PATTERN } as const;

export const nameParams = (key: string): Record<string, unknown> => ({ type: 'object', required: [key], additionalProperties: false, properties: { [key]: nameSchema } });

export const nameList = (maxItems: number): Record<string, unknown> => ({ type: 'array', maxItems, uniqueItems: true, items: nameSchema });

/** Free text (a scan name, an error message): no control characters, so no NUL and no log forging. */
export const textSchema = (maxLength: number): Record<string, unknown> => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

export function parseJsonList(text: string): string[] {
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function parseJsonObject<T extends object>(text: string): T {
  const value = JSON.parse(text) as unknown;
  return (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as T;
}
