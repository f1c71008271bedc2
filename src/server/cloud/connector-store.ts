/**
 * Cloud connectors in the store: written with the secret access key sealed under the server's
 * secret key (the compliance secrets module), read back without it. The key is opened only to
 * call EC2 (connector-access below), never put in an answer, a log line or the audit log.
 */
import type { Kysely } from 'kysely';
import { ApiError } from '../api/api-error.js';
import type { SecretKey } from '../compliance/secrets/secret-key.js';
import { openSecrets, sealSecrets, SecretOpenError } from '../compliance/secrets/sealed-secrets.js';
import type { Tables } from '../store/tables.js';
import type { CloudConnectorTable } from './cloud-tables.js';
import type { Ec2Access } from './describe-instance.js';

export const CLOUD_PROVIDERS = ['aws'] as const;

export interface CloudConnectorInput {
  provider: (typeof CLOUD_PROVIDERS)[number];
  region: string;
  accessKeyId: string;
  /** Required when the connector is created; kept as it is when an update leaves it out. */
  secretAccessKey?: string;
  endpoint?: string;
  enabled: boolean;
  runConnector: boolean;
}

/** What the API shows of a connector: everything but the secret. */
export interface CloudConnectorView {
  name: string;
  provider: string;
  region: string;
  accessKeyId: string;
  endpoint: string | null;
  enabled: boolean;
  runConnector: boolean;
  hasSecretAccessKey: true;
  createdAt: string;
  updatedAt: string;
}

/**
 * The sealed value's binding: auth record names cannot contain `/`, so a connector's sealed key
 * never opens as an auth record's secrets, nor the other way round.
 */
const sealName = (connector: string): string => `cloud-connector/${connector}`;

export function connectorView(row: CloudConnectorTable): CloudConnectorView {
  return {
    name: row.name,
    provider: row.provider,
    region: row.region,
    accessKeyId: row.access_key_id,
    endpoint: row.endpoint,
    enabled: row.enabled === 1,
    runConnector: row.run_connector === 1,
    hasSecretAccessKey: true,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function requireKey(secretKey: SecretKey | undefined): SecretKey {
  if (!secretKey) throw new ApiError(409, 'no_secret_key', 'this server has no secret key to seal the secret access key with: start it with TOLLGATE_SECRET_KEY or --secret-key-file');
  return secretKey;
}

/** Creates or replaces a connector; true when it was created. */
export async function putCloudConnector(db: Kysely<Tables>, secretKey: SecretKey | undefined, name: string, input: CloudConnectorInput): Promise<{ created: boolean; view: CloudConnectorView }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('cloud_connectors').selectAll().where('name', '=', name).executeTakeFirst();
    if (!existing && input.secretAccessKey === undefined) throw new ApiError(400, 'invalid_request', 'a new cloud connector needs its secretAccessKey', 'body.secretAccessKey');
    const now = new Date().toISOString();
    const sealed = input.secretAccessKey === undefined ? undefined : sealSecrets(requireKey(secretKey), sealName(name), { password: input.secretAccessKey });
    const row: CloudConnectorTable = {
      name,
      provider: input.provider,
      region: input.region,
      access_key_id: input.accessKeyId,
      secret_ciphertext: sealed?.ciphertext ?? (existing as CloudConnectorTable).secret_ciphertext,
      secret_iv: sealed?.iv ?? (existing as CloudConnectorTable).secret_iv,
      secret_tag: sealed?.tag ?? (existing as CloudConnectorTable).secret_tag,
      secret_key_id: sealed?.keyId ?? (existing as CloudConnectorTable).secret_key_id,
      endpoint: input.endpoint ?? null,
      enabled: input.enabled ? 1 : 0,
      run_connector: input.runConnector ? 1 : 0,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    if (existing) await trx.updateTable('cloud_connectors').set(row).where('name', '=', name).execute();
    else await trx.insertInto('cloud_connectors').values(row).execute();
    // What was known of its instances was seen with the old account or region.
    if (existing) await trx.deleteFrom('cloud_instances').where('connector', '=', name).execute();
    return { created: !existing, view: connectorView(row) };
  });
}

export async function getCloudConnector(db: Kysely<Tables>, name: string): Promise<CloudConnectorTable | undefined> {
  return db.selectFrom('cloud_connectors').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listCloudConnectors(db: Kysely<Tables>): Promise<CloudConnectorView[]> {
  return (await db.selectFrom('cloud_connectors').selectAll().orderBy('name').execute()).map(connectorView);
}

/** Deletes a connector and what it saw; false when there was none. */
export async function deleteCloudConnector(db: Kysely<Tables>, name: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('cloud_instances').where('connector', '=', name).execute();
    const result = await trx.deleteFrom('cloud_connectors').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

/** The connector's EC2 access, its secret opened for this one call. */
export function connectorAccess(row: CloudConnectorTable, secretKey: SecretKey | undefined): Ec2Access {
  let secretAccessKey: string | undefined;
  try {
    secretAccessKey = openSecrets(requireKey(secretKey), sealName(row.name), { ciphertext: row.secret_ciphertext, iv: row.secret_iv, tag: row.secret_tag, keyId: row.secret_key_id }).password;
  } catch (error) {
    if (error instanceof SecretOpenError) throw new ApiError(409, error.code, `cloud connector ${row.name}: ${error.code === 'secret_key_mismatch' ? 'its secret access key was sealed with another server key; store the connector again' : 'its sealed secret access key does not authenticate'}`);
    throw error;
  }
  if (!secretAccessKey) throw new ApiError(409, 'secret_corrupt', `cloud connector ${row.name} has no secret access key`);
  return { region: row.region, accessKeyId: row.access_key_id, secretAccessKey, ...(row.endpoint ? { endpoint: row.endpoint } : {}) };
}
