/**
 * Reads the `tollgate-server` service connection of a server-mode run: its URL and its API token,
 * which is registered as a secret (`task.setsecret`) before anything else, so the agent masks it
 * in every log line after. Today the run then fails: see connection.ts.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import { serverModeUnavailable, TaskInputError } from './connection.js';

export function failServerMode(connectionInput: string): never {
  const id = tl.getInput(connectionInput, false);
  if (!id) throw new TaskInputError(`mode is server but no Tollgate server connection is chosen (${connectionInput})`);
  const token = tl.getEndpointAuthorizationParameter(id, 'apitoken', true);
  if (token) tl.setSecret(token);
  const url = tl.getEndpointUrl(id, true);
  if (!url) throw new TaskInputError('the Tollgate server connection has no URL');
  throw new TaskInputError(serverModeUnavailable({ url, token: token ?? '' }));
}
