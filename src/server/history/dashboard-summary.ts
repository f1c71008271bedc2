/**
 * The dashboard's image half in one answer: images by the highest severity of their current
 * findings, the current findings by severity, what changed since a time (findings that appeared,
 * images that became vulnerable) and the open findings day by day. Read from the current findings
 * and their events (store/current-findings.ts); other parts of the platform (compliance posture,
 * sensor health) add their own keys beside these.
 */
import type { Kysely } from 'kysely';
import { emptySeverityCounts, SEVERITIES, SEVERITY_RANK, type Severity } from '../../model/severity.js';
import type { Tables } from '../store/tables.js';

const DAY_MS = 86_400_000;

export interface DashboardOptions {
  /** What changed after this time (ISO-8601 UTC). */
  since: string;
  /** Days of trend, today included. */
  days: number;
  now: number;
}

export interface NewlyVulnerableImage {
  digest: string;
  tags: string[];
  findings: number;
  highestSeverity: Severity;
}

export interface DayPoint {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Findings open at the end of the day (now, for today). */
  openFindings: Record<Severity, number>;
  vulnerableImages: number;
  /** Findings that appeared during the day (by a scan or a re-evaluation). */
  appeared: number;
}

export interface ImageDashboard {
  generatedAt: string;
  images: { total: number; vulnerable: number; byHighestSeverity: Record<Severity | 'NONE', number> };
  findings: { total: number; bySeverity: Record<Severity, number> };
  changes: { since: string; findingsAppeared: number; appearedBySeverity: Record<Severity, number>; imagesWithNewFindings: number; newlyVulnerable: NewlyVulnerableImage[] };
  trend: DayPoint[];
}

const asSeverity = (text: string): Severity => ((SEVERITIES as readonly string[]).includes(text) ? (text as Severity) : 'UNKNOWN');
const higher = (a: Severity | undefined, b: Severity): Severity => (a === undefined || SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a);

async function currentPosture(db: Kysely<Tables>): Promise<Pick<ImageDashboard, 'images' | 'findings'> & { highest: Map<string, Severity>; openByImage: Map<string, number> }> {
  const total = await db.selectFrom('images').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('image_findings').select(['digest', 'severity', (eb) => eb.fn.countAll<number>().as('n')]).where('resolved_at', 'is', null).groupBy(['digest', 'severity']).execute();
  const bySeverity = emptySeverityCounts();
  const highest = new Map<string, Severity>();
  const openByImage = new Map<string, number>();
  for (const row of rows) {
    const severity = asSeverity(row.severity);
    bySeverity[severity] += Number(row.n);
    highest.set(row.digest, higher(highest.get(row.digest), severity));
    openByImage.set(row.digest, (openByImage.get(row.digest) ?? 0) + Number(row.n));
  }
  const byHighestSeverity = { ...emptySeverityCounts(), NONE: 0 };
  for (const severity of highest.values()) byHighestSeverity[severity] += 1;
  byHighestSeverity.NONE = Number(total.n) - highest.size;
  const findings = Object.values(bySeverity).reduce((sum, n) => sum + n, 0);
  return { images: { total: Number(total.n), vulnerable: highest.size, byHighestSeverity }, findings: { total: findings, bySeverity }, highest, openByImage };
}

async function changesSince(db: Kysely<Tables>, since: string, posture: Awaited<ReturnType<typeof currentPosture>>): Promise<ImageDashboard['changes']> {
  const appeared = await db.selectFrom('finding_events').select(['digest', 'severity', (eb) => eb.fn.countAll<number>().as('n')]).where('appeared_at', '>', since).groupBy(['digest', 'severity']).execute();
  const appearedBySeverity = emptySeverityCounts();
  const images = new Set<string>();
  for (const row of appeared) {
    appearedBySeverity[asSeverity(row.severity)] += Number(row.n);
    images.add(row.digest);
  }
  // Vulnerable now, and every finding it has now appeared after `since`: it was not vulnerable then.
  const fresh = await db.selectFrom('image_findings').select(['digest', (eb) => eb.fn.min('first_seen').as('first')]).where('resolved_at', 'is', null).groupBy('digest').having((eb) => eb.fn.min('first_seen'), '>', since).execute();
  const digests = fresh.map((row) => row.digest);
  const tags = new Map<string, string[]>();
  for (let i = 0; i < digests.length; i += 500) {
    const rows = await db.selectFrom('images').select(['digest', 'tags']).where('digest', 'in', digests.slice(i, i + 500)).execute();
    for (const row of rows) tags.set(row.digest, JSON.parse(row.tags) as string[]);
  }
  const newlyVulnerable = digests
    .map((digest) => ({ digest, tags: tags.get(digest) ?? [], findings: posture.openByImage.get(digest) ?? 0, highestSeverity: posture.highest.get(digest) ?? 'UNKNOWN' }))
    .sort((a, b) => SEVERITY_RANK[b.highestSeverity] - SEVERITY_RANK[a.highestSeverity] || b.findings - a.findings || a.digest.localeCompare(b.digest));
  return { since, findingsAppeared: Object.values(appearedBySeverity).reduce((sum, n) => sum + n, 0), appearedBySeverity, imagesWithNewFindings: images.size, newlyVulnerable };
}

async function dailyTrend(db: Kysely<Tables>, days: number, now: number): Promise<DayPoint[]> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const points: DayPoint[] = [];
  for (let offset = days - 1; offset >= 0; offset--) {
    // [start, end): a day in UTC; for today nothing lies after now.
    const start = new Date(today - offset * DAY_MS).toISOString();
    const end = new Date(today - offset * DAY_MS + DAY_MS).toISOString();
    const openAt = db
      .selectFrom('image_findings')
      .where('first_seen', '<', end)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', end)]));
    const open = await openAt.select(['severity', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('severity').execute();
    const images = await openAt.select((eb) => eb.fn.count<number>('digest').distinct().as('n')).executeTakeFirstOrThrow();
    const appeared = await db.selectFrom('finding_events').select((eb) => eb.fn.countAll<number>().as('n')).where('appeared_at', '>=', start).where('appeared_at', '<', end).executeTakeFirstOrThrow();
    const openFindings = emptySeverityCounts();
    for (const row of open) openFindings[asSeverity(row.severity)] += Number(row.n);
    points.push({ day: start.slice(0, 10), openFindings, vulnerableImages: Number(images.n), appeared: Number(appeared.n) });
  }
  return points;
}

export async function imageDashboard(db: Kysely<Tables>, options: DashboardOptions): Promise<ImageDashboard> {
  const posture = await currentPosture(db);
  const changes = await changesSince(db, options.since, posture);
  const trend = await dailyTrend(db, options.days, options.now);
  return { generatedAt: new Date(options.now).toISOString(), images: posture.images, findings: posture.findings, changes, trend };
}
