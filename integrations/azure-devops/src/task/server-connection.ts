/**
 * Reads the `tollgate-server` service connection of a server-mode run: its URL and its API token,
 * which is registered as a secret (`task.setsecret`) before anything else, so the agent masks it
 * in every log line after. The token then goes to the CLI as TOLLGATE_TOKEN (connection.ts).
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import { checkServerUrl, TaskInputError, type ServerConnection } from './connection.js';

/**
 * The connection's token. Read through getEndpointAuthorization, which logs only whether the
 * authorization exists: getEndpointAuthorizationParameter writes the value into a debug line, and
 * the library's error for a malformed authorization quotes it, so neither is used.
 */
function apiToken(id: string): string | undefined {
  let authorization: { parameters?: Record<string, unknown> } | undefined;
  try {
    authorization = tl.getEndpointAuthorization(id, true) as { parameters?: Record<string, unknown> } | undefined;
  } catch {
    throw new TaskInputError('the Tollgate server connection\'s authorization is malformed');
  }
  const token = authorization?.parameters?.apitoken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** The chosen connection: its token registered as a secret first, its URL checked. */
export function readServerConnection(connectionInput: string): ServerConnection {
  const id = tl.getInput(connectionInput, false);
  if (!id) throw new TaskInputError(`mode is server but no Tollgate server connection is chosen (${connectionInput})`);
  const token = apiToken(id);
  if (token) tl.setSecret(token);
  const url = tl.getEndpointUrl(id, true);
  if (!url) throw new TaskInputError('the Tollgate server connection has no URL');
  checkServerUrl(url);
  if (!token) throw new TaskInputError('the Tollgate server connection has no API token');
  return { url, token };
}
