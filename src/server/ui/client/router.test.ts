import { describe, expect, it } from 'vitest';
import { hostHref, imageHref, parseRoute } from './router.js';
import { repositoryOf } from './repository.js';
import { matchesImage } from './pages/images.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('UI routes from the address fragment', () => {
  it('reads every page, with its digest, host, tab and query', () => {
    expect(parseRoute('')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/login')).toEqual({ page: 'login' });
    expect(parseRoute('#/images?q=nginx%3A1')).toEqual({ page: 'images', query: 'nginx:1' });
    expect(parseRoute(imageHref(DIGEST, 'layers'))).toEqual({ page: 'image', digest: DIGEST, tab: 'layers' });
    expect(parseRoute('#/exceptions?state=approved')).toEqual({ page: 'exceptions', state: 'approved' });
    expect(parseRoute(hostHref('web 1/a', 'controls'))).toEqual({ page: 'host', name: 'web 1/a', tab: 'controls' });
  });

  it('answers not-found for anything else, including broken escapes, without throwing', () => {
    expect(parseRoute('#/images/x/y/z').page).toBe('not-found');
    expect(parseRoute('#/nowhere').page).toBe('not-found');
    expect(parseRoute('#/hosts/%E0%A4%A')).toEqual({ page: 'host', name: '%E0%A4%A', tab: undefined });
  });
});

describe('image search and repositories', () => {
  const image = { digest: DIGEST, tags: ['registry:5000/team/App:1.2'], firstSeen: '', lastSeen: '', processing: false };

  it('matches any part of a tag (any case) or of the digest, with or without sha256:', () => {
    expect(matchesImage(image, 'team/app')).toBe(true);
    expect(matchesImage(image, 'sha256:aaaa')).toBe(true);
    expect(matchesImage(image, 'aaaa')).toBe(true);
    expect(matchesImage(image, '')).toBe(true);
    expect(matchesImage(image, 'nginx')).toBe(false);
  });

  it('takes the repository of a reference: the tag and digest removed, a registry port kept', () => {
    expect(repositoryOf('registry:5000/team/app:1.2')).toBe('registry:5000/team/app');
    expect(repositoryOf('registry:5000/team/app')).toBe('registry:5000/team/app');
    expect(repositoryOf(`nginx@${DIGEST}`)).toBe('nginx');
    expect(repositoryOf('example/app:1')).toBe('example/app');
  });
});
