import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSampleChannels, type Truth } from '@cw/sample-channels';

/** Generate the sample month ending at the current hour and write it as a replay JSONL file. */
export function writeSampleChannels(
  dir: string,
  options: { end: Date; days?: number; channels?: number; seed?: number },
) {
  const { events, truth } = generateSampleChannels({ seed: options.seed ?? 42, ...options });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sample-channels.jsonl');
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  writeFileSync(join(dir, 'sample-channels.truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  return { file, truth: truth as Truth, events: events.length };
}
