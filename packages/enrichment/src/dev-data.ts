// Reads the labelled development files of shared/eval (beside the repository) for the quality tests.
import { readFileSync } from 'node:fs';

export const EVAL_DIR = new URL('../../../../shared/eval/', import.meta.url);

export function readJsonl<T>(name: string): T[] {
  return readFileSync(new URL(name, EVAL_DIR), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
