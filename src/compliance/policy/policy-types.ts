/**
 * The native policy format as TypeScript types (docs/schema/policy.schema.json is the normative
 * description; the loader validates every file against it).
 */
import type { Criticality } from '../../model/control.js';

export type Operator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'regex' | 'present' | 'absent';
export type ScalarValue = string | number | boolean;
export type ExpectedValue = ScalarValue | (string | number)[];

export interface FileCheck {
  type: 'file';
  path: string;
  exists?: boolean;
  ifExists?: boolean;
  fileType?: 'file' | 'directory' | 'symlink';
  owner?: string | string[];
  group?: string | string[];
  maxMode?: string;
}

export interface FileContentCheck {
  type: 'file-content';
  paths: string[];
  mustMatch?: string[];
  mustNotMatch?: string[];
  ignoreComments?: boolean;
  capture?: { pattern: string; operator: Operator; value?: ExpectedValue };
  whenNoFiles?: 'pass' | 'fail';
}

export type ConfigFormat = 'sshd' | 'login.defs' | 'sysctl' | 'key-value' | 'pam';

export interface ConfigValueCheck {
  type: 'config-value';
  format: ConfigFormat;
  path?: string;
  key?: string;
  pam?: { type: 'auth' | 'account' | 'password' | 'session'; module: string; argument?: string };
  operator: Operator;
  value?: ExpectedValue;
  default?: string | number;
  whenAbsent?: 'pass' | 'fail';
  ignoreCase?: boolean;
}

export interface SysctlCheck {
  type: 'sysctl';
  key: string;
  operator: Operator;
  value?: ExpectedValue;
}

export interface PackageCheck {
  type: 'package';
  name: string | string[];
  state: 'installed' | 'absent';
  version?: string;
}

export interface ServiceCheck {
  type: 'service';
  name: string;
  state: 'enabled' | 'disabled' | 'masked' | 'active' | 'inactive';
  ifInstalled?: boolean;
}

export interface KernelModuleCheck {
  type: 'kernel-module';
  name: string;
}

export interface MountCheck {
  type: 'mount';
  path: string;
  options?: string[];
  ifMounted?: boolean;
}

export type AccountRule = 'only-root-uid-0' | 'no-empty-passwords' | 'system-accounts-no-login' | 'no-duplicate-uids' | 'no-duplicate-names';

export interface AccountsCheck {
  type: 'accounts';
  rule: AccountRule;
  exempt?: string[];
}

export interface CommandCheck {
  type: 'command';
  run: string;
  privileged?: boolean;
  exitCode?: number;
  stdoutMatches?: string[];
  stdoutNotMatches?: string[];
  timeoutSeconds?: number;
}

export interface CompositeCheck {
  type: 'all' | 'any' | 'none';
  checks: CheckDefinition[];
}

export type CheckDefinition =
  | FileCheck
  | FileContentCheck
  | ConfigValueCheck
  | SysctlCheck
  | PackageCheck
  | ServiceCheck
  | KernelModuleCheck
  | MountCheck
  | AccountsCheck
  | CommandCheck
  | CompositeCheck;

export interface Applicability {
  technology?: string;
  os?: { family: string; minVersion?: string }[];
  anyOf?: ({ package: string } | { path: string })[];
}

export interface Control {
  cid: string;
  title: string;
  statement: string;
  criticality: Criticality;
  rationale?: string;
  remediation?: string;
  references?: string[];
  applicability?: Applicability;
  check: CheckDefinition;
}

export interface Policy {
  schemaVersion: 1;
  id: string;
  title: string;
  version: string;
  description?: string;
  applicability?: Applicability;
  controls: Control[];
  /** Where the policy was loaded from (a file, or `built-in`). */
  origin: string;
}
