/**
 * The signed-in token, kept in sessionStorage only: it lives as long as the tab, is never written
 * to localStorage, a cookie or the address, and logging out removes it.
 */
const KEY = 'tollgate.token';

export function savedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** The role a token names (`tg_<role>_…`): used only to hide pages the role cannot use; the server decides. */
export function roleOf(token: string): string | undefined {
  return /^tg_([a-z]+)_/.exec(token)?.[1];
}
