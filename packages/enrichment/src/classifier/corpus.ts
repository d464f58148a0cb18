// The real labelled corpus (packages/enrichment/corpus): passages copied from public sources, labelled
// per shared LABELLING.md, split by site into train and a locked test. Nothing is tuned on test.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const DEFAULT_CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));

export const corpusItem = z.object({
  text: z.string().min(1),
  lang: z.string().regex(/^[a-z]{2}$/),
  narratives: z.array(z.string()),
  url: z.string().url(),
  note: z.string().min(1),
  /** hard_negative: same topics, no narrative; negative: an ordinary post. */
  kind: z.enum(['positive', 'hard_negative', 'negative']).optional(),
});

export type CorpusItem = z.infer<typeof corpusItem> & { site: string };

/**
 * The site a passage came from, the unit of the train/test split: its host without "www.", and for a
 * Telegram post its channel (t.me/<channel>, t.me/c/<id>; t.me/s/<channel> is the same channel), since
 * every channel shares the host.
 */
export function siteOf(url: string): string {
  const u = new URL(url);
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  if (host !== 't.me') return host;
  const parts = u.pathname.split('/').filter((p) => p !== '');
  if (parts[0] === 's') parts.shift();
  const channel = parts[0] === 'c' ? `c/${parts[1] ?? ''}` : (parts[0] ?? '');
  return `t.me/${channel.toLowerCase()}`;
}

/** Web passages (news, op-eds, official pages) or whole Telegram channel posts, which read differently. */
export type Source = 'web' | 'telegram';

/** Telegram posts are filed under their channel (siteOf: t.me/<channel>). */
export const sourceOf = (item: Pick<CorpusItem, 'site'>): Source =>
  item.site.startsWith('t.me/') ? 'telegram' : 'web';

export function readCorpusFile(path: string): CorpusItem[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => {
      const parsed = corpusItem.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(
          `${path}:${n}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
        );
      return { ...parsed.data, site: siteOf(parsed.data.url) };
    });
}

export function loadCorpus(dir = DEFAULT_CORPUS_DIR): { train: CorpusItem[]; test: CorpusItem[] } {
  return { train: readCorpusFile(join(dir, 'train.jsonl')), test: readCorpusFile(join(dir, 'test.jsonl')) };
}

/** The split a site's passages belong to: a hash of the site, so it is the same on every machine. */
export const TEST_SHARE = 0.45;
export function splitOfSite(site: string): 'train' | 'test' {
  const h = Number.parseInt(createHash('sha256').update(site).digest('hex').slice(0, 8), 16);
  return h / 2 ** 32 < TEST_SHARE ? 'test' : 'train';
}

/** Identifies a set of training passages; a head records the hash of the passages it was fitted on. */
export function passagesHash(items: readonly { text: string; narratives: readonly string[] }[]): string {
  const h = createHash('sha256');
  for (const item of items) h.update(`${JSON.stringify([item.text, [...item.narratives].sort()])}\n`);
  return h.digest('hex').slice(0, 16);
}
