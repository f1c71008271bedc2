/**
 * Whether text can be a Go module path, as Go's `module.CheckPath` describes one: slash-separated
 * elements of ASCII letters, digits and `-._~`, none empty or starting or ending with a dot, and
 * (here) at most MAX_MODULE_PATH characters. A path that fails is not listed: hostile files can
 * write anything where a path belongs, and no advisory names such a module.
 */
const MAX_MODULE_PATH = 1024;
const ELEMENT = /^[A-Za-z0-9_~-](?:[A-Za-z0-9._~+-]*[A-Za-z0-9_~+-])?$/;

export function isModulePath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_MODULE_PATH) return false;
  return path.split('/').every((element) => ELEMENT.test(element));
}
