import { useEffect, useState } from 'preact/hooks';

export type Loaded<T> = { data?: T; error?: string; loading: boolean };

/** Runs `load` whenever `key` changes; a stale answer never replaces a newer one. */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (err: unknown) =>
        current && setState({ error: err instanceof Error ? err.message : String(err), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
