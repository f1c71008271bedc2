import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseRegistryTarget } from './registry-mode.js';

describe('registry mode targets', () => {
  it('are a registry (its whole catalog) or one repository in it', () => {
    expect(parseRegistryTarget('127.0.0.1:5000')).toEqual({ registry: '127.0.0.1:5000' });
    expect(parseRegistryTarget('registry.example/team/app/')).toEqual({ registry: 'registry.example', repository: 'team/app' });
  });

  it('refuse a target without a registry host, or a malformed one', () => {
    expect(() => parseRegistryTarget('team/app')).toThrow(UsageError);
    expect(() => parseRegistryTarget('https://registry.example')).toThrow(UsageError);
    expect(() => parseRegistryTarget('registry.example/Team')).toThrow(UsageError);
  });
});
