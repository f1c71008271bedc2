/**
 * How the tasks read list inputs: one item a line or comma-separated (the forms the connectors'
 * users write), blank items dropped, the order kept, exact repeats removed. The agent has already
 * replaced `$(var)` macros in the input by the time the task reads it.
 */

/** Items of a list input, split on new lines and commas, trimmed, empty ones and exact repeats dropped. */
export function listItems(text: string | undefined): string[] {
  if (!text) return [];
  const items = text
    .split(/[\r\n,]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...new Set(items)];
}

/**
 * Items of a list input whose items may themselves contain commas (software specs such as
 * `lodash>=4.0.0 <4.17.21`, file paths): one item a line only.
 */
export function lineItems(text: string | undefined): string[] {
  if (!text) return [];
  const items = text
    .split(/\r?\n/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...new Set(items)];
}
