// Reads the labelled development files (packages/enrichment/eval, a copy of shared/eval) for the
// quality tests and the enrichment bench.
import { readFileSync } from 'node:fs';

export const EVAL_DIR = new URL('../eval/', import.meta.url);

export function readJsonl<T>(name: string): T[] {
  return readFileSync(new URL(name, EVAL_DIR), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
