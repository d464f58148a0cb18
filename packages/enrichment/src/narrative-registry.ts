// Holds the compiled narratives of a folder and swaps them on reload. A bad edit must not take a
// running worker down: the previous compiled set stays in use and the error is reported.
import { type FSWatcher, watch as watchFs } from 'node:fs';
import { type CompiledNarratives, compileNarratives } from './narrative-compile.ts';
import { loadNarrativeDefinitions } from './narrative-loader.ts';
import type { NarrativeDefinition } from './narrative-schema.ts';

export interface NarrativeRegistryOptions {
  onReload?: (definitions: NarrativeDefinition[]) => void;
  onError?: (err: unknown) => void;
  /** Quiet time after the last file event before reloading (editors write files in several steps). */
  debounceMs?: number;
}

export interface NarrativeRegistry {
  current(): CompiledNarratives;
  definitions(): NarrativeDefinition[];
  /** Re-reads the folder; on error keeps the previous set, calls onError and returns false. */
  reload(): boolean;
  /** Reloads on changes in the folder; returns a function that stops watching. */
  watch(): () => void;
}

/** Loads the folder now (throwing if it is invalid: a worker should not start on broken definitions). */
export function createNarrativeRegistry(dir: string, opts: NarrativeRegistryOptions = {}): NarrativeRegistry {
  let definitions = loadNarrativeDefinitions(dir);
  let compiled = compileNarratives(definitions);

  const reload = (): boolean => {
    try {
      const nextDefinitions = loadNarrativeDefinitions(dir);
      const next = compileNarratives(nextDefinitions);
      definitions = nextDefinitions;
      compiled = next;
    } catch (err) {
      opts.onError?.(err);
      return false;
    }
    opts.onReload?.(definitions);
    return true;
  };

  const watch = (): (() => void) => {
    let timer: NodeJS.Timeout | undefined;
    const watcher: FSWatcher = watchFs(dir, (_event, file) => {
      if (file && !/\.ya?ml$/i.test(String(file))) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(reload, opts.debounceMs ?? 200);
    });
    watcher.on('error', (err) => opts.onError?.(err));
    return () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    };
  };

  return { current: () => compiled, definitions: () => definitions, reload, watch };
}
