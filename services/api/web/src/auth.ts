// The credential lives in sessionStorage: it lasts for this tab only and is gone when it closes.
// A sign-in link carries a one-time token in the #fragment, traded for a session token at once
// and removed from the address bar, so neither the key nor a usable token stays in history.

const STORAGE = 'cw.credential';
const listeners = new Set<(message?: string) => void>();

export function credential(): string | null {
  return sessionStorage.getItem(STORAGE);
}

export function signIn(token: string) {
  sessionStorage.setItem(STORAGE, token);
  for (const l of listeners) l();
}

export function signOut(message?: string) {
  sessionStorage.removeItem(STORAGE);
  for (const l of listeners) l(message);
}

export function onAuthChange(listener: (message?: string) => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The one-time token of a sign-in link in the address, removed from it. */
export function takeSignInToken(): string | null {
  const match = /^#signin=([A-Za-z0-9_-]{1,200})$/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', `${location.pathname}#/trends`);
  return match[1];
}
