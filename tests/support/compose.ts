// What docker-compose.yml deploys, read from the file, so benches and tests cannot drift from it.
import { readFileSync } from 'node:fs';

/** The pipeline worker's V8 flags: its NODE_OPTIONS (the only one in the file), as separate arguments. */
export function pipelineNodeOptions(): string[] {
  const options = /^\s*NODE_OPTIONS:\s*(.+)$/m.exec(
    readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'),
  )?.[1];
  if (!options) throw new Error('docker-compose.yml: the pipeline service sets no NODE_OPTIONS');
  return options.split(' ').filter(Boolean);
}
