import { describe, expect, it } from 'vitest';
import { hostHref, imageHref, imagesHref, parseRoute } from './router.js';
import { repositoryOf } from './repository.js';
import { imagesRequest } from './pages/images.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('UI routes from the address fragment', () => {
  it('reads every page, with its digest, host, tab and query', () => {
    expect(parseRoute('')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/login')).toEqual({ page: 'login' });
    expect(parseRoute('#/images?q=nginx%3A1')).toEqual({ page: 'images', query: 'nginx:1', severity: '', offset: 0 });
    expect(parseRoute('#/images?q=a%25b&severity=HIGH&offset=100')).toEqual({ page: 'images', query: 'a%b', severity: 'HIGH', offset: 100 });
    expect(parseRoute(imageHref(DIGEST, 'layers'))).toEqual({ page: 'image', digest: DIGEST, tab: 'layers' });
    expect(parseRoute('#/exceptions?state=approved')).toEqual({ page: 'exceptions', state: 'approved' });
    expect(parseRoute(hostHref('web 1/a', 'controls'))).toEqual({ page: 'host', name: 'web 1/a', tab: 'controls' });
  });

  it('answers not-found for anything else, including broken escapes, without throwing', () => {
    expect(parseRoute('#/images/x/y/z').page).toBe('not-found');
    expect(parseRoute('#/nowhere').page).toBe('not-found');
    expect(parseRoute('#/hosts/%E0%A4%A')).toEqual({ page: 'host', name: '%E0%A4%A', tab: undefined });
    expect(parseRoute('#/images?severity=SEVERE&offset=-5')).toEqual({ page: 'images', query: '', severity: '', offset: 0 });
    expect(parseRoute('#/images?offset=1e999')).toMatchObject({ offset: 0 });
  });
});

describe('image search and repositories', () => {
  it('asks the server for the search, its filter and its page, every character of the query as typed', () => {
    expect(imagesRequest({ query: '  team/App  ', severity: '', offset: 0 })).toBe('/api/v1/images?q=team%2FApp&limit=50');
    expect(imagesRequest({ query: '100%_\\&x=1', severity: 'HIGH', offset: 100 })).toBe('/api/v1/images?q=100%25_%5C%26x%3D1&minSeverity=HIGH&limit=50&offset=100');
    expect(imagesRequest({ query: '', severity: '', offset: 0 })).toBe('/api/v1/images?limit=50');
  });

  it('keeps the search in the address, which reads back as the same search', () => {
    const search = { query: 'a&b#c', severity: 'CRITICAL', offset: 50 };
    expect(parseRoute(imagesHref(search))).toEqual({ page: 'images', ...search });
    expect(imagesHref({ query: ' ', severity: '', offset: 0 })).toBe('#/images');
  });

  it('takes the repository of a reference: the tag and digest removed, a registry port kept', () => {
    expect(repositoryOf('registry:5000/team/app:1.2')).toBe('registry:5000/team/app');
    expect(repositoryOf('registry:5000/team/app')).toBe('registry:5000/team/app');
    expect(repositoryOf(`nginx@${DIGEST}`)).toBe('nginx');
    expect(repositoryOf('example/app:1')).toBe('example/app');
  });
});
