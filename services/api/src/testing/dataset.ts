import type { CollectedPost } from '@cw/domain';
import { seededRandom } from '@cw/sample-channels';

// A known, generated set of posts for the API tests: every post's narratives, language and flags
// are chosen here (not detected), so the expected counts are computed from this data alone.

export type Labels = { narratives: string[]; lang: string };
export type GeneratedPost = CollectedPost & { labels: Labels };

export const NARRATIVES = ['alpha_claims', 'beta_claims', 'gamma_claims'];
export const LANGS = ['ru', 'kk', 'uk', 'en'];
export const CHANNELS = Array.from({ length: 6 }, (_, i) => ({
  id: `-10010000000${10 + i}`,
  username: `chan_${['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'][i]}`,
  title: `Channel ${i}`,
}));

/** A seeded generator, so a failing run can be repeated exactly. */
export const rng = (seed: number) => seededRandom(seed).next;

// Words made of three syllables from a large set: texts share few words, so their SimHashes are far apart.
const SYLLABLES = 'ка ро ми ту ле на зо ви ку ра те мо ба ди лу не со жа пи ге'.split(' ');

export function generateDataset(options: { seed: number; count: number; start: string; hours: number }) {
  const random = rng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const start = Date.parse(options.start);
  const posts: GeneratedPost[] = [];
  for (let i = 1; i <= options.count; i++) {
    const channel = pick(CHANNELS);
    const postedAt = new Date(start + Math.floor(random() * options.hours * 3600_000)).toISOString();
    const narratives = NARRATIVES.filter(() => random() < 0.25);
    const edited = random() < 0.05;
    const deleted = random() < 0.05;
    const forwarded = random() < 0.2;
    const words = Array.from({ length: 10 }, () => pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES)).join(
      ' ',
    );
    posts.push({
      channel,
      messageId: i,
      postedAt,
      ...(edited ? { editedAt: new Date(Date.parse(postedAt) + 60_000).toISOString() } : {}),
      ...(deleted ? { deletedAt: new Date(Date.parse(postedAt) + 120_000).toISOString() } : {}),
      collectedAt: new Date(start + (options.hours + 1) * 3600_000).toISOString(),
      // A unique serial word keeps texts apart, so only the planted copies are near-duplicates.
      text: `${words} серия${i}x${Math.floor(random() * 1e9)}`,
      media: [],
      ...(forwarded ? { forward: { fromChannelId: '-1009999999999', fromMessageId: i } } : {}),
      metrics: { views: Math.floor(random() * 10_000), forwards: Math.floor(random() * 50) },
      source: 'replay',
      labels: { narratives, lang: pick(LANGS) },
    });
  }
  return posts;
}
