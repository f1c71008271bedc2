/**
 * The database mirror's routes: what the mirror holds (digest, size) and the artifact file itself.
 * Public, like the upstream artifact: it is signed public data, its installer verifies the
 * signature, and `tollgate db pull --db-repository https://<server>/api/v1/vulndb/tollgate-db.tar`
 * (which sends no token) must be able to fetch it. The rate limit still applies.
 */
import { ApiError } from '../api-error.js';
import type { RouteSpec } from '../route.js';

export const ARTIFACT_FILE_NAME = 'tollgate-db.tar';

export const MIRROR_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    url: '/api/v1/vulndb',
    operationId: 'mirrorStatus',
    summary: 'The vulnerability database artifact this server mirrors: its digest, size and download path.',
    responses: { 200: { description: 'the mirrored artifact' }, 404: { description: 'this server mirrors no database' } },
    async handler(context) {
      const artifact = await context.mirror.current();
      if (!artifact) throw new ApiError(404, 'not_found', 'this server mirrors no vulnerability database (start it with --mirror-artifact)');
      return { status: 200, body: { digest: artifact.digest, size: artifact.size, modified: artifact.modified, url: `/api/v1/vulndb/${ARTIFACT_FILE_NAME}` } };
    },
  },
  {
    method: 'GET',
    url: `/api/v1/vulndb/${ARTIFACT_FILE_NAME}`,
    operationId: 'mirrorDownload',
    summary: 'Download the vulnerability database artifact (verify it with `tollgate db install`/`db pull`, which check its signature).',
    responses: { 200: { description: 'the artifact file', contentType: 'application/x-tar' }, 404: { description: 'no database mirrored' } },
    async handler(context) {
      const artifact = await context.mirror.current();
      if (!artifact) throw new ApiError(404, 'not_found', 'this server mirrors no vulnerability database');
      return { status: 200, file: { path: artifact.path, contentType: 'application/x-tar' }, headers: { etag: `"${artifact.digest}"`, 'x-content-digest': artifact.digest, 'content-length': String(artifact.size) } };
    },
  },
];
