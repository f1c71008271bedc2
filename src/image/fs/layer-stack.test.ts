import { describe, expect, it } from 'vitest';
import { LayerStack, hidesFromLayersBelow, whiteoutMarker, type LayerChanges, type StackEntry } from './layer-stack.js';

/** Values as a test keeps them: a name, and whether it is a folder. */
type Value = { name: string; folder?: boolean };

function stackOf(): LayerStack<Value> {
  return new LayerStack<Value>({
    isFolder: (value) => value.folder === true,
    hardLink: (linked, linkedPath) => (linked ? { name: `link to ${linkedPath} (${linked.name})` } : undefined),
  });
}

function layer(entries: StackEntry<Value>[], markers: { whiteouts?: string[]; opaqueDirs?: string[] } = {}): LayerChanges<Value> {
  return { whiteouts: markers.whiteouts ?? [], opaqueDirs: markers.opaqueDirs ?? [], entries };
}

const file = (path: string, name = path): StackEntry<Value> => ({ path, value: { name } });
const folder = (path: string): StackEntry<Value> => ({ path, value: { name: path, folder: true } });

function visible(stack: LayerStack<Value>): Record<string, string> {
  return Object.fromEntries([...stack.tree.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, value]) => [path, value.name]));
}

describe('whiteout markers', () => {
  it('reads `.wh.<name>` as a whiteout of <name> and `.wh..wh..opq` as an opaque folder', () => {
    expect(whiteoutMarker('/etc/.wh.motd')).toEqual({ kind: 'whiteout', path: '/etc/motd' });
    expect(whiteoutMarker('/.wh.opt')).toEqual({ kind: 'whiteout', path: '/opt' });
    expect(whiteoutMarker('/var/cache/.wh..wh..opq')).toEqual({ kind: 'opaque', folder: '/var/cache' });
    expect(whiteoutMarker('/.wh..wh..opq')).toEqual({ kind: 'opaque', folder: '/' });
  });

  it('leaves ordinary names alone, including ones that merely contain the prefix', () => {
    expect(whiteoutMarker('/etc/motd')).toBeUndefined();
    expect(whiteoutMarker('/etc/x.wh.y')).toBeUndefined();
    expect(whiteoutMarker('/.wh.dir/file')).toBeUndefined();
  });
});

describe('stacking layers', () => {
  it('a later entry replaces an earlier one, and a file over a folder hides what the folder held', () => {
    const stack = stackOf();
    stack.apply(layer([folder('/lib'), file('/lib/a'), file('/etc/motd', 'old')]));
    stack.apply(layer([file('/etc/motd', 'new'), file('/lib', 'a file now')]));
    expect(visible(stack)).toEqual({ '/etc/motd': 'new', '/lib': 'a file now' });
  });

  it('a folder entry keeps what the layers below put in it', () => {
    const stack = stackOf();
    stack.apply(layer([folder('/etc'), file('/etc/passwd')]));
    stack.apply(layer([folder('/etc'), file('/etc/group')]));
    expect(Object.keys(visible(stack))).toEqual(['/etc', '/etc/group', '/etc/passwd']);
  });

  it('a whiteout deletes a file, or a folder with everything below it, from the layers below only', () => {
    const stack = stackOf();
    stack.apply(layer([file('/etc/motd'), folder('/opt'), file('/opt/app/bin'), file('/keep')]));
    stack.apply(layer([file('/opt/new')], { whiteouts: ['/etc/motd', '/opt'] }));
    expect(Object.keys(visible(stack))).toEqual(['/keep', '/opt/new']);
  });

  it('an opaque folder hides its lower contents but keeps itself and what its own layer adds', () => {
    const stack = stackOf();
    stack.apply(layer([folder('/var'), folder('/var/cache'), file('/var/cache/old'), file('/var/log')]));
    stack.apply(layer([file('/var/cache/new')], { opaqueDirs: ['/var/cache'] }));
    expect(Object.keys(visible(stack))).toEqual(['/var', '/var/cache', '/var/cache/new', '/var/log']);
  });

  it('a layer may delete a path and add it again, whatever the order of its entries', () => {
    const stack = stackOf();
    stack.apply(layer([file('/app', 'v1')]));
    stack.apply(layer([file('/app', 'v2')], { whiteouts: ['/app'] }));
    expect(visible(stack)).toEqual({ '/app': 'v2' });
  });

  it('a hard link takes what the stack holds at its target: the same layer first, else the layers below', () => {
    const stack = stackOf();
    stack.apply(layer([file('/usr/bin/lower')]));
    stack.apply(layer([file('/usr/bin/same', 'same layer'), { path: '/a', hardLinkTo: '/usr/bin/same' }, { path: '/b', hardLinkTo: '/usr/bin/lower' }]));
    expect(visible(stack)).toMatchObject({ '/a': 'link to /usr/bin/same (same layer)', '/b': 'link to /usr/bin/lower (/usr/bin/lower)' });
  });

  it('a hard link to a path the stack does not hold, or that its own layer whites out, is left out when the values say so', () => {
    const stack = stackOf();
    stack.apply(layer([file('/gone')]));
    stack.apply(layer([{ path: '/a', hardLinkTo: '/nowhere' }, { path: '/b', hardLinkTo: '/gone' }], { whiteouts: ['/gone'] }));
    expect(visible(stack)).toEqual({});
  });

  it('hands each hard link the index of the layer being applied', () => {
    const layers: number[] = [];
    const stack = new LayerStack<Value>({ isFolder: () => false, hardLink: (_linked, _path, index) => (layers.push(index), { name: 'link' }) });
    stack.apply(layer([]));
    stack.apply(layer([{ path: '/a', hardLinkTo: '/b' }]));
    expect(layers).toEqual([1]);
    expect(stack.layers).toBe(2);
  });
});

describe('what a layer hides from the layers below', () => {
  it('a whited-out path and everything below it, and everything below an opaque folder but not the folder', () => {
    const changes = { whiteouts: ['/opt/app'], opaqueDirs: ['/var/cache'] };
    expect(hidesFromLayersBelow(changes, '/opt/app')).toBe(true);
    expect(hidesFromLayersBelow(changes, '/opt/app/bin/x')).toBe(true);
    expect(hidesFromLayersBelow(changes, '/opt/application')).toBe(false);
    expect(hidesFromLayersBelow(changes, '/var/cache/x')).toBe(true);
    expect(hidesFromLayersBelow(changes, '/var/cache')).toBe(false);
    expect(hidesFromLayersBelow({ whiteouts: [], opaqueDirs: ['/'] }, '/etc/motd')).toBe(true);
  });
});
