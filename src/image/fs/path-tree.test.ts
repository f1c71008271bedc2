import { describe, expect, it } from 'vitest';
import { PathTree } from './path-tree.js';

describe('PathTree', () => {
  it('lists the names directly below a folder, sorted, and nothing for a path it never saw', () => {
    const tree = new PathTree<string>();
    tree.set('/etc', 'dir');
    tree.set('/etc/ssh/sshd_config', 'file');
    tree.set('/etc/hosts', 'file');
    expect(tree.childNames('/etc')).toEqual(['hosts', 'ssh']);
    expect(tree.childNames('/etc/hosts')).toEqual([]);
    expect(tree.childNames('/var')).toBeUndefined();
  });

  it('keeps a folder\'s contents when the folder is set again, drops them when it is replaced or cleared', () => {
    const tree = new PathTree<string>();
    tree.set('/a/b', 'file');
    tree.set('/a', 'upper dir');
    expect(tree.childNames('/a')).toEqual(['b']);
    tree.clearChildren('/a');
    expect(tree.childNames('/a')).toEqual([]);
    expect(tree.get('/a')).toBe('upper dir');
    tree.set('/a/c', 'file');
    tree.replace('/a', 'symlink');
    expect(tree.get('/a/c')).toBeUndefined();
    tree.deleteSubtree('/a');
    expect(tree.get('/a')).toBeUndefined();
  });
});
