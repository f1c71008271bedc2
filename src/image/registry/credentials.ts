/**
 * Registry credentials as the Docker CLI stores them: `config.json` in DOCKER_CONFIG or ~/.docker,
 * with `auths` entries (base64 `user:password`, or username/password) and credential helpers
 * (`credHelpers` per registry, `credsStore` for all), run as `docker-credential-<name> get` with
 * the registry on stdin. Credentials are only ever sent to the registry they belong to and never
 * appear in messages.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { DOCKER_HUB } from './reference.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'config.json');
}

/** Keys a config may use for one registry: `host`, `https://host`, `https://host/v1/`, Docker Hub's legacy URL. */
function keysFor(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
  if (registry === DOCKER_HUB) keys.push('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

function runHelper(helper: string, registry: string): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(program, ['get'], { timeout: 30_000 }, (error, stdout) => {
      if (error) {
        // A helper that knows nothing of this registry answers "credentials not found".
        if (/not found/i.test(`${stdout}${(error as { stderr?: string }).stderr ?? ''}`) || (error as NodeJS.ErrnoException).code === 'ENOENT') {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new UsageError(`the credential helper ${program} named in ${dockerConfigPath()} is not installed`));
          else resolve(undefined);
          return;
        }
        reject(new UsageError(`the credential helper ${program} failed for ${registry}`));
        return;
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        resolve(answer.Secret ? { username: answer.Username ?? '', password: answer.Secret } : undefined);
      } catch {
        reject(new UsageError(`the credential helper ${program} gave an unreadable answer for ${registry}`));
      }
    });
    child.stdin?.end(registry);
  });
}

export async function credentialsFor(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistryCredentials | undefined> {
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(dockerConfigPath(env), 'utf8')) as DockerConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${dockerConfigPath(env)}: ${(error as Error).message.split('\n')[0]}`);
  }
  const keys = keysFor(registry);
  const helper = keys.map((key) => config.credHelpers?.[key]).find(Boolean);
  if (helper) return runHelper(helper, registry);
  const entry = keys.map((key) => config.auths?.[key]).find(Boolean);
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry?.username && entry.password) return { username: entry.username, password: entry.password };
  if (config.credsStore) return runHelper(config.credsStore, registry);
  return undefined;
}
