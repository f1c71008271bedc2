/**
 * The most packages one lock file or manifest may describe. The largest honest lock files hold a
 * few thousand packages; a file claiming more than this is built to exhaust the scan (every
 * package costs memory and matching time downstream), so the file is refused with an error naming
 * it rather than read in part: a partial inventory must never pass for a complete one.
 */
export const MAX_PACKAGES_PER_FILE = 50_000;

/** Throws when `count` passes the limit; `what` names the entries (`specs`, `libraries`). */
export function checkPackageCount(count: number, what: string): void {
  if (count > MAX_PACKAGES_PER_FILE) {
    throw new Error(`more than ${MAX_PACKAGES_PER_FILE.toLocaleString('en-US')} ${what} in one file; no honest lock file lists that many, so it is not read`);
  }
}
