/** Debian's Chromium, which the HTML report tests drive with playwright-core. */
export const CHROMIUM = process.env.TOLLGATE_CHROMIUM ?? '/usr/bin/chromium';
