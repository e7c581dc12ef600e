import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  reload(): void;
}

/** GETs `path` (skipped while it is null) and again whenever it changes or reload() is called. */
export function useApi<T>(path: string | null, opts: { text?: boolean } = {}): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: ac.signal, ...(opts.text === true ? { text: true } : {}) }).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if (!ac.signal.aborted) setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false });
      },
    );
    return () => ac.abort();
  }, [path, tick, opts.text]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
