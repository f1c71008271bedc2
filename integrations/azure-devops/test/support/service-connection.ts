/**
 * A "Tollgate server" service connection as the agent hands it to a task: ENDPOINT_* variables
 * keyed by the connection's id, carrying the URL and the API token (scheme Token).
 */

/** A service connection's id, as the agent names it in ENDPOINT_* variables. */
export const CONNECTION = '5b0c3a9e-8d7f-4e21-9c55-3f1d2e6a7b80';

export function serviceConnection(url: string, token: string): Record<string, string> {
  return {
    [`ENDPOINT_URL_${CONNECTION}`]: url,
    [`ENDPOINT_AUTH_${CONNECTION}`]: JSON.stringify({ scheme: 'Token', parameters: { apitoken: token } }),
    [`ENDPOINT_AUTH_PARAMETER_${CONNECTION}_APITOKEN`]: token,
    [`ENDPOINT_AUTH_SCHEME_${CONNECTION}`]: 'Token',
  };
}
