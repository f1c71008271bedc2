/**
 * The longest time Node can wait for: setTimeout takes a signed 32-bit count of milliseconds, and a
 * longer delay fires at once (with only a warning) instead of never — a time limit that would end
 * the work immediately.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
