/**
 * Finding an image among many, in the store: by any part of a tag (any case) or by the start of
 * the digest, optionally only images with a current finding of at least a severity, most recently
 * seen first, a page at a time. The same answers on SQLite and PostgreSQL: the text compared is
 * lower-cased here, not by the database (whose case rules differ), and the query's `%`, `_` and
 * `\` are matched as themselves, never as LIKE wildcards.
 */
import { sql, type Kysely } from 'kysely';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../../model/severity.js';
import type { Tables } from './tables.js';

/** Between tags in the search text; a query holding it is refused, so no match spans two tags. */
const TAG_SEPARATOR = '\n';

/** The text an image's tags are searched in: each tag lower-cased, one a line. */
export function tagSearchText(tags: readonly string[]): string {
  return tags.map((tag) => tag.toLowerCase()).join(TAG_SEPARATOR);
}

/** `text` as a LIKE pattern that matches exactly it (with `ESCAPE '\'`). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The digest prefix a query names (`sha256:` added when left out), or undefined when it cannot start a digest. */
export function digestPrefixOf(query: string): string | undefined {
  const match = /^(?:sha256:)?([0-9a-f]{1,64})$/.exec(query.toLowerCase());
  return match ? `sha256:${match[1]}` : undefined;
}

export interface ImageSearch {
  /** Any part of a tag, or the start of the digest; empty or absent: every image. */
  query?: string;
  /** Only images with a current (unresolved) finding of this severity or above; UNKNOWN: any finding. */
  minSeverity?: Severity;
  limit: number;
  offset: number;
}

export type ImageRow = Pick<Tables['images'], 'digest' | 'tags' | 'first_seen' | 'last_seen' | 'processing_since'>;

/** One page of matching images, and whether more follow it. */
export async function searchImages(db: Kysely<Tables>, search: ImageSearch): Promise<{ rows: ImageRow[]; more: boolean }> {
  let query = db.selectFrom('images').select(['images.digest', 'images.tags', 'images.first_seen', 'images.last_seen', 'images.processing_since']);
  const needle = search.query?.trim() ?? '';
  if (needle !== '') {
    const inTags = sql<boolean>`${sql.ref('images.tag_search')} like ${`%${likeLiteral(needle.toLowerCase())}%`} escape '\\'`;
    const prefix = digestPrefixOf(needle);
    query = query.where((eb) => (prefix === undefined ? inTags : eb.or([inTags, sql<boolean>`${sql.ref('images.digest')} like ${`${prefix}%`}`])));
  }
  if (search.minSeverity !== undefined) {
    const rank = SEVERITY_RANK[search.minSeverity];
    const severities = SEVERITIES.filter((severity) => SEVERITY_RANK[severity] >= rank);
    query = query.where((eb) => {
      let current = eb.selectFrom('image_findings').select(sql`1`.as('one')).whereRef('image_findings.digest', '=', 'images.digest').where('image_findings.resolved_at', 'is', null);
      // UNKNOWN is the lowest rank: any current finding, whatever severity text it was stored with.
      if (rank > SEVERITY_RANK.UNKNOWN) current = current.where('image_findings.severity', 'in', severities);
      return eb.exists(current);
    });
  }
  const rows = await query.orderBy('images.last_seen', 'desc').orderBy('images.digest').limit(search.limit + 1).offset(search.offset).execute();
  return { rows: rows.slice(0, search.limit), more: rows.length > search.limit };
}
