/**
 * Where a scan runs: standalone (the embedded engine, here, through the Tollgate CLI) or with a
 * Tollgate server reached through a service connection (a custom endpoint type, `tollgate-server`,
 * carrying the server URL and an API token). Server mode is the CLI's connector mode
 * (`--server URL`, docs/connector.md): the task passes the URL as a flag and the token only as
 * TOLLGATE_TOKEN in the CLI's environment, never on its command line.
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

/** The variables that choose the CLI's server mode, which only the task's own inputs may set. */
export const SERVER_MODE_VARIABLES = ['TOLLGATE_SERVER', 'TOLLGATE_TOKEN', 'TOLLGATE_VIA_SENSOR', 'TOLLGATE_SCANNER'] as const;

/**
 * The CLI's environment: the agent's, minus TF_BUILD (the task, not the CLI, publishes the output
 * variables) and minus any server-mode variable of the agent, so a standalone task never turns
 * into a server-mode scan because of the machine it runs on; with a connection, its token as
 * TOLLGATE_TOKEN.
 */
export function cliEnvironment(agent: NodeJS.ProcessEnv, connection: ServerConnection | undefined): Record<string, string> {
  const dropped = new Set<string>(['TF_BUILD', ...SERVER_MODE_VARIABLES]);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(agent)) if (value !== undefined && !dropped.has(key)) env[key] = value;
  if (connection) env.TOLLGATE_TOKEN = connection.token;
  return env;
}
