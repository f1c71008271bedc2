/**
 * Loading authentication records (docs/schema/credentials.schema.json): named entries of a
 * credentials file whose secrets come from environment variables or files, never from the file
 * itself or the command line, so the file can be committed and the secrets stay in the CI's
 * secret store.
 *
 *   records:
 *     - name: web-servers
 *       username: deploy                      # or env.NAME
 *       password: { env: DEPLOY_PASSWORD }    # secrets: { env: NAME } or { file: /run/secrets/x }
 *       privateKey: { file: /run/secrets/id_ed25519 }
 *       passphrase: { env: KEY_PASSPHRASE }
 *       agent: true                           # use $SSH_AUTH_SOCK
 *       sudo: true                            # `sudo -n` for root-only files; or
 *       sudo: { password: { env: SUDO_PASSWORD } }   # a sudo password fed on stdin
 *
 * Never puts a secret in a message: errors name the record, the variable or the file.
 */
import { resolveEnvValue } from '../util/env-values.js';
import { Secret } from '../util/secret.js';
import { UsageError } from '../errors.js';
import { readConfigBytes, readConfigText } from './read-config-file.js';
import { loadConfigSchema } from './schemas.js';
import { parseValidatedYaml } from './validated-yaml.js';

/**
 * An authentication record: what a compliance target needs to log in (a user name and the secrets
 * or agent to prove it) and whether to use sudo.
 */
export interface AuthenticationRecord {
  name: string;
  username: string;
  password?: Secret;
  privateKey?: Secret;
  passphrase?: Secret;
  agent?: string;
  /** Undefined: no sudo. `true`: `sudo -n`. A secret: the sudo password, written to sudo's stdin. */
  sudo?: true | Secret;
}

type SecretSource = { env: string } | { file: string };

interface RecordFile {
  records: {
    name: string;
    username: string;
    password?: SecretSource;
    privateKey?: SecretSource;
    passphrase?: SecretSource;
    agent?: boolean;
    sudo?: boolean | { password: SecretSource };
  }[];
}

function readSecret(source: SecretSource, what: string, env: NodeJS.ProcessEnv): Secret {
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value === '') throw new UsageError(`${what}: the environment variable ${source.env} is not set`);
    return new Secret(value);
  }
  return new Secret(readConfigBytes(source.file, 'the secret file', { context: what }));
}

export function loadAuthenticationRecord(file: string, name: string, env: NodeJS.ProcessEnv = process.env): AuthenticationRecord {
  const { data, where } = parseValidatedYaml<RecordFile>(readConfigText(file, 'the credentials file'), file, loadConfigSchema('credentials'));
  const index = data.records.findIndex((record) => record.name === name);
  const record = data.records[index];
  if (!record) throw new UsageError(`${file}: no authentication record named "${name}" (records: ${data.records.map((entry) => entry.name).join(', ') || 'none'})`);
  const what = `${where(['records', index])}: record "${name}"`;
  const result: AuthenticationRecord = { name, username: resolveEnvValue(record.username, `${what}, username`, env) };
  if (record.password) result.password = readSecret(record.password, `${what}, password`, env);
  if (record.privateKey) result.privateKey = readSecret(record.privateKey, `${what}, privateKey`, env);
  if (record.passphrase) result.passphrase = readSecret(record.passphrase, `${what}, passphrase`, env);
  if (record.agent) {
    const socket = env.SSH_AUTH_SOCK;
    if (!socket) throw new UsageError(`${what}: agent is true but SSH_AUTH_SOCK is not set`);
    result.agent = socket;
  }
  if (record.sudo === true) result.sudo = true;
  else if (record.sudo) result.sudo = readSecret(record.sudo.password, `${what}, sudo password`, env);
  return result;
}
