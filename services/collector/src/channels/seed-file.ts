import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { type ChannelSource, channelSource, parseUsername } from './registry.ts';

// A YAML file of channels that seeds the registry:
//   source: telegram          # default for entries without their own
//   channels:
//     - durov
//     - { username: some_channel, source: web }

const seedFile = z.object({
  source: channelSource.default('telegram'),
  channels: z.array(
    z.union([z.string(), z.object({ username: z.string(), source: channelSource.optional() })]),
  ),
});

export type SeedChannel = { username: string; source: ChannelSource };
export type SeedResult = { channels: SeedChannel[]; invalid: string[] };

export function parseSeedFile(text: string): SeedResult {
  const parsed = seedFile.safeParse(parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`channels file: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  const channels: SeedChannel[] = [];
  const invalid: string[] = [];
  for (const item of parsed.data.channels) {
    const raw = typeof item === 'string' ? item : item.username;
    const source = typeof item === 'string' ? parsed.data.source : (item.source ?? parsed.data.source);
    const username = parseUsername(raw);
    if (username) channels.push({ username, source });
    else invalid.push(raw);
  }
  return { channels, invalid };
}

export async function readSeedFile(path: string): Promise<SeedResult> {
  return parseSeedFile(await readFile(path, 'utf8'));
}
