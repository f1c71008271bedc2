import { describe, expect, it } from 'vitest';
import type { ExceptionRecord } from './exception-record.js';
import { appliesToImage, ignoreFileOf } from './image-exceptions.js';
import { repositoryOf } from './image-repository.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function advisory(scope: ExceptionRecord['scope']): ExceptionRecord {
  return { id: 'x', kind: 'advisory', advisoryId: 'CVE-2024-1', scope, reason: 'r', requester: 'ci', requestedAt: '2026-01-01T00:00:00.000Z', state: 'approved', expiresAt: '2027-01-01T00:00:00.000Z' };
}

describe('image exception scopes', () => {
  it.each([
    ['nginx:1.27', 'docker.io/library/nginx'],
    ['docker.io/library/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/library/nginx:latest', 'docker.io/library/nginx'],
    ['team/app@sha256:' + 'b'.repeat(64), 'docker.io/team/app'],
    ['registry.example:5000/team/app:1.2', 'registry.example:5000/team/app'],
    ['localhost/app:dev', 'localhost/app'],
    ['Registry.Example/Team/App', 'registry.example/team/app'],
  ])('names the repository of %s as %s', (reference, repository) => {
    expect(repositoryOf(reference)).toBe(repository);
  });

  it('applies by digest, by a repository the image is tagged in, and only when every scope field matches', () => {
    const tags = ['nginx:1.27', 'registry.example/web/nginx:prod'];
    expect(appliesToImage(advisory({ digest: DIGEST }), DIGEST, [])).toBe(true);
    expect(appliesToImage(advisory({ digest: `sha256:${'c'.repeat(64)}` }), DIGEST, tags)).toBe(false);
    expect(appliesToImage(advisory({ repository: 'docker.io/library/nginx' }), DIGEST, tags)).toBe(true);
    expect(appliesToImage(advisory({ repository: 'registry.example/web/nginx' }), DIGEST, tags)).toBe(true);
    expect(appliesToImage(advisory({ repository: 'registry.example/web' }), DIGEST, tags)).toBe(false);
    expect(appliesToImage(advisory({ repository: 'nginx', digest: `sha256:${'c'.repeat(64)}` }), DIGEST, tags)).toBe(false);
    expect(appliesToImage(advisory({ host: 'web-1' }), DIGEST, tags)).toBe(false);
    expect(appliesToImage({ ...advisory({ digest: DIGEST }), kind: 'control' }, DIGEST, tags)).toBe(false);
  });
});

describe('exceptions as an ignore file', () => {
  it('ends each entry the day before the day its exception expires, never later', () => {
    const at = (expiresAt: string): string | undefined => ignoreFileOf([{ ...advisory({ digest: DIGEST }), expiresAt, approver: 'sec' }]).ignore[0]?.expires;
    expect(at('2026-12-04T06:50:00.000Z')).toBe('2026-12-03');
    expect(at('2026-12-04T00:00:00.000Z')).toBe('2026-12-03');
    expect(at('2027-01-01T23:59:59.999Z')).toBe('2026-12-31');
    expect(ignoreFileOf([{ ...advisory({ digest: DIGEST }), approver: 'sec' }]).ignore[0]).toEqual({ id: 'CVE-2024-1', reason: 'r (exception x, approved by sec)', expires: '2026-12-31' });
  });
});
