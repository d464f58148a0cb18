import { useEffect, useState } from 'preact/hooks';

// The view and its parameters live in the address (#/posts?narrative=…), so every view can be
// linked, reloaded and reached with the browser's back button.

export type View = 'trends' | 'posts' | 'channels' | 'channel' | 'alerts' | 'campaigns';
export const VIEWS: View[] = ['trends', 'posts', 'channels', 'channel', 'alerts', 'campaigns'];

export type Route = { view: View; params: URLSearchParams };

export function parseRoute(hash: string): Route {
  const match = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  const view = VIEWS.find((v) => v === match?.[1]) ?? 'trends';
  return { view, params: new URLSearchParams(match?.[2] ?? '') };
}

export function href(view: View, params: Record<string, string | undefined | null> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return `#/${view}${s ? `?${s}` : ''}`;
}

export function navigate(view: View, params: Record<string, string | undefined | null> = {}) {
  location.hash = href(view, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The route's parameters as a plain record. */
export function paramsOf(route: Route): Record<string, string> {
  return Object.fromEntries(route.params.entries());
}
