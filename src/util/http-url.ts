/**
 * The one test of whether text from data may become a link: only http and https URLs may
 * (a report's link, a SARIF helpUri, a GitLab link, a control reference's address). Anything else
 * (javascript:, data:, file:, vbscript:, text that is no URL) stays text.
 */

/** The URL, normalised, when it is an http or https URL, else undefined. */
export function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
