/**
 * The roles a token carries and what each may do. Routes name the roles they admit; `admin` is
 * admitted everywhere. A closed list: a role name outside it is a usage error, never a new role.
 */
export const ROLES = ['admin', 'ci', 'sensor', 'worker', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who may call what: one place, read by the routes and by the role tests. */
export const ACCESS = {
  /** Upload a scan result, announce a scan in progress (ci: `image scan --server` stores the runner's scan). */
  submitScans: ['sensor', 'worker', 'ci'],
  /** Poll the result endpoint. */
  pollResults: ['ci', 'sensor', 'viewer'],
  /** Read images, findings, changes. */
  read: ['ci', 'viewer'],
  /** Tokens, audit log, re-evaluation, retention. */
  administer: [],
  /** Hosts, asset groups, authentication records, policies, option profiles, scanner labels: PUT. */
  manageAssets: ['ci'],
  /** Create and cancel compliance scans. */
  launchScans: ['ci'],
  /** Read hosts, groups, records (never their secrets), policies, profiles, scanners, compliance scans and results. */
  readCompliance: ['ci', 'viewer'],
  /** A worker's lease, renewal, credentials, result upload and heartbeat. */
  workJobs: ['worker'],
  /** Cloud connectors (admin only). */
  manageCloud: [],
  /** Ask for an exception (server/exceptions/). */
  requestExceptions: ['ci', 'viewer'],
  /** Approve or reject an exception: admin only. */
  decideExceptions: [],
  /** Tell the server which pipeline a stored scan was for, and whether its gate passed. */
  reportPipelines: ['ci', 'sensor', 'worker'],
  /** Sensors: heartbeat, claim an image, report a daemon's images, containers and events. */
  reportSensors: ['sensor'],
  /** List sensors and whether each is live (a connector checks one serves its daemon). */
  readSensors: ['ci', 'viewer', 'sensor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof ACCESS;

export function allows(role: Role, permission: Permission): boolean {
  return role === 'admin' || (ACCESS[permission] as readonly Role[]).includes(role);
}
