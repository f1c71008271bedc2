/**
 * Values written `env.NAME` are taken from the environment, as the CI connectors allow (a target
 * address or a user name kept in a pipeline variable). A name that is not set is a usage error
 * naming the variable, never an empty value.
 */
import { UsageError } from '../errors.js';

const ENV_REFERENCE = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;

export function resolveEnvValue(value: string, what: string, env: NodeJS.ProcessEnv = process.env): string {
  const match = ENV_REFERENCE.exec(value.trim());
  if (!match) return value;
  const name = match[1] as string;
  const resolved = env[name];
  if (resolved === undefined || resolved === '') throw new UsageError(`${what}: the environment variable ${name} (from "${value}") is not set`);
  return resolved;
}
