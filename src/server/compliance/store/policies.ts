/**
 * Policies the server knows: the CLI's built-in policies (read from the package, by id) and
 * uploaded native YAML policies, validated with the CLI's own parser before they are stored. A
 * built-in name cannot be taken by an upload.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { builtinPolicies } from '../../../compliance/policy/load-policy.js';
import { nativeYamlFormat } from '../../../compliance/policy/native-yaml/index.js';
import type { Policy } from '../../../compliance/policy/policy-types.js';
import { builtinPolicyDir } from '../../../compliance/policy/schemas.js';
import { audit } from '../../store/audit.js';
import type { Tables } from '../../store/tables.js';

export interface PolicySummary {
  name: string;
  builtin: boolean;
  policyId: string;
  title: string;
  updatedAt?: string;
}

export interface PolicyText {
  name: string;
  builtin: boolean;
  yaml: string;
}

let builtins: Map<string, PolicySummary & { yaml: string }> | undefined;

/** The built-in policies by id, with their text (read once per process). */
export function builtinPolicyTexts(): Map<string, PolicySummary & { yaml: string }> {
  if (!builtins) {
    builtins = new Map();
    for (const policy of builtinPolicies()) {
      const file = path.join(builtinPolicyDir(), policy.origin.replace(/^built-in:/, ''));
      builtins.set(policy.id, { name: policy.id, builtin: true, policyId: policy.id, title: policy.title, yaml: readFileSync(file, 'utf8') });
    }
  }
  return builtins;
}

/** Parses an uploaded policy as the CLI would; a mistake is the parser's UsageError (file, line, field). */
export function parseUploadedPolicy(name: string, yaml: string): Policy {
  return nativeYamlFormat.parse(yaml, `${name}.yaml`);
}

export async function putPolicy(db: Kysely<Tables>, name: string, yaml: string, policy: Policy, tokenName: string): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const existing = await trx.selectFrom('policies').select('name').where('name', '=', name).executeTakeFirst();
    const values = { policy_id: policy.id, title: policy.title, yaml, updated_at: now };
    await trx
      .insertInto('policies')
      .values({ name, ...values, created_at: now })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(values))
      .execute();
    await audit(trx, { tokenName, action: existing ? 'policy.update' : 'policy.create', target: `${name} (${policy.id} ${policy.version})` });
    return { created: !existing };
  });
}

export async function listPolicies(db: Kysely<Tables>): Promise<PolicySummary[]> {
  const uploaded = await db.selectFrom('policies').select(['name', 'policy_id', 'title', 'updated_at']).orderBy('name').execute();
  const fromPackage = [...builtinPolicyTexts().values()].map(({ name, builtin, policyId, title }) => ({ name, builtin, policyId, title }));
  return [...fromPackage, ...uploaded.map((row) => ({ name: row.name, builtin: false, policyId: row.policy_id, title: row.title, updatedAt: row.updated_at }))];
}

export async function getPolicyText(db: Kysely<Tables>, name: string): Promise<PolicyText | undefined> {
  const builtin = builtinPolicyTexts().get(name);
  if (builtin) return { name, builtin: true, yaml: builtin.yaml };
  const row = await db.selectFrom('policies').select(['name', 'yaml']).where('name', '=', name).executeTakeFirst();
  return row ? { name: row.name, builtin: false, yaml: row.yaml } : undefined;
}

/** The names of `names` that are neither built-in nor uploaded. */
export async function missingPolicies(db: Kysely<Tables>, names: readonly string[]): Promise<string[]> {
  const wanted = names.filter((name) => !builtinPolicyTexts().has(name));
  if (wanted.length === 0) return [];
  const found = new Set((await db.selectFrom('policies').select('name').where('name', 'in', wanted).execute()).map((row) => row.name));
  return wanted.filter((name) => !found.has(name));
}
