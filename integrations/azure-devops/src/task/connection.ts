/**
 * Where a scan runs: standalone (the embedded engine, here, through the Tollgate CLI) or on a
 * Tollgate server reached through a service connection (a custom endpoint type, `tollgate-server`,
 * carrying the server URL and an API token). The server mode needs the connector protocol (issue
 * 14), which does not exist yet: choosing it fails the task with that reason, never falls back to
 * a standalone scan in silence.
 */

export type ScanMode = 'standalone' | 'server';

export const SCAN_MODES: readonly ScanMode[] = ['standalone', 'server'];

export interface ServerConnection {
  url: string;
  /** The API token; registered with the agent as a secret before anything else is done. */
  token: string;
}

export class TaskInputError extends Error {
  override readonly name = 'TaskInputError';
}

export function parseScanMode(text: string | undefined): ScanMode {
  const mode = (text ?? 'standalone').trim().toLowerCase() || 'standalone';
  if (!(SCAN_MODES as readonly string[]).includes(mode)) throw new TaskInputError(`mode "${text}" is not one of ${SCAN_MODES.join(', ')}`);
  return mode as ScanMode;
}

/** The server's URL, checked: http(s) only, no credentials in it. */
export function checkServerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TaskInputError('the Tollgate server connection has no valid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TaskInputError(`the Tollgate server URL must be http:// or https://, not ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new TaskInputError('the Tollgate server URL must not carry credentials; put the token in the connection');
  return parsed;
}

/** The failure of a server-mode run today: says what is missing and what to do instead. */
export function serverModeUnavailable(connection: ServerConnection): string {
  const url = checkServerUrl(connection.url);
  return `server mode (Tollgate server ${url.origin}) needs the connector protocol (issue 14), which this version of Tollgate does not have yet; set mode: standalone to scan on the agent`;
}
