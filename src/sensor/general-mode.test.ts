import { describe, expect, it } from 'vitest';
import { GeneralMode } from './general-mode.js';

describe('daemon events as general mode records them', () => {
  it('keeps image pulls, tags and deletions and container create/start/die, with an id from the event time', () => {
    const event = { type: 'image', action: 'tag', id: 'sha256:abc', timeNano: 1_700_000_000_123_456_768, attributes: { name: 'app:1' } };
    const tag = GeneralMode.platformEvent(event);
    expect(tag).toEqual({ id: '1700000000123456800-tag-app:1', type: 'tag', at: '2023-11-14T22:13:20.123Z', image: 'app:1' });
    // The same event sent again has the same id (stored once); the next one has its own.
    expect(GeneralMode.platformEvent({ ...event })?.id).toBe(tag?.id);
    expect(GeneralMode.platformEvent({ ...event, timeNano: event.timeNano + 1024 })?.id).not.toBe(tag?.id);
    const start = GeneralMode.platformEvent({ type: 'container', action: 'start', id: 'c0ffee', time: 1_700_000_000, attributes: { image: 'app:1', name: 'web' } });
    expect(start).toMatchObject({ type: 'start', container: 'c0ffee', image: 'app:1', at: '2023-11-14T22:13:20.000Z' });
    // Docker writes exec and health events as `action: detail`; only the action counts.
    expect(GeneralMode.platformEvent({ type: 'container', action: 'die', id: 'c0ffee', time: 1, attributes: {} })?.type).toBe('die');
  });

  it('leaves out what the platform does not record', () => {
    expect(GeneralMode.platformEvent({ type: 'container', action: 'exec_start: sh', id: 'c', time: 1, attributes: {} })).toBeUndefined();
    expect(GeneralMode.platformEvent({ type: 'image', action: 'load', id: 'sha256:abc', time: 1, attributes: {} })).toBeUndefined();
    expect(GeneralMode.platformEvent({ type: 'container', action: 'tag', id: 'c', time: 1, attributes: {} })).toBeUndefined();
  });
});
