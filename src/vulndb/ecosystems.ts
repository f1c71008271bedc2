/**
 * The OSV ecosystems `tollgate db update` downloads unless told otherwise: each ecosystem
 * descriptor says whether its advisories are downloaded by default (src/ecosystems/list.ts).
 */
import { defaultDownloads } from '../ecosystems/list.js';

export const DEFAULT_ECOSYSTEMS: readonly string[] = defaultDownloads();
