import type { CollectedPost, IndexedPost } from '@cw/domain';
import {
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  loadNarrativeDefinitions,
  normaliseForMatching,
  stemText,
} from '@cw/enrichment';
import { type Client, installIndices, writePosts } from '@cw/es';
import { createLogger, type Logger } from '@cw/logging';
import { toIndexedPost } from '@cw/pipeline';
import { type AppDeps, buildApp } from '../app.ts';
import { hashApiKey, parseApiKeys } from '../auth.ts';
import { CHANNELS, type GeneratedPost, generateDataset, type Labels, NARRATIVES } from './dataset.ts';

// The test data set, loaded as production loads it (toIndexedPost: cleaning, entities, stems,
// fingerprints), with the narratives and language replaced by the generated labels.

export const START = '2026-03-01T00:00:00.000Z';
export const HOURS = 72;
export const END = new Date(Date.parse(START) + HOURS * 3600_000).toISOString();
export const KEY = 'test-key-7f3a';

const at = (hours: number) => new Date(Date.parse(START) + hours * 3600_000).toISOString();
const special = (messageId: number, channel: number, hours: number, text: string): GeneratedPost => ({
  channel: CHANNELS[channel] as GeneratedPost['channel'],
  messageId,
  postedAt: at(hours),
  collectedAt: END,
  text,
  media: [],
  metrics: { views: 10, forwards: 0 },
  source: 'replay',
  labels: { narratives: [], lang: 'ru' },
});

export const COPY_TEXT =
  'Срочно: на границе задержали колонну грузовиков с запчастями для дронов, подробности и фото у нас в канале';

export function dataset(): GeneratedPost[] {
  const posts = generateDataset({ seed: 42, count: 600, start: START, hours: HOURS });
  posts.push(special(10_001, 0, 5, 'Вчера он подписал контракта с министерством обороны и уехал'));
  posts.push(special(10_002, 1, 6, 'Ол келісімшартқа қол қойды деп хабарлады ақпарат көзі'));
  // A copy-paste campaign: the same text in channels 1, 2, 3 (and again in 1); channel 3 first.
  posts.push(special(10_003, 1, 30, COPY_TEXT));
  posts.push(special(10_004, 2, 31, `${COPY_TEXT}!`));
  posts.push(special(10_005, 3, 29.5, COPY_TEXT));
  posts.push(special(10_006, 1, 33, COPY_TEXT));
  // A term that appears only in the last 12 hours.
  for (let i = 0; i < 25; i++) {
    posts.push(
      special(10_100 + i, i % 6, 60 + i * 0.4, `наводнение затопило улицы посёлка номер ${i} ${i * 7919}`),
    );
  }
  return posts;
}

export function toIndexed(posts: GeneratedPost[]): IndexedPost[] {
  const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
  return posts.map(({ labels, ...post }) =>
    withLabels(toIndexedPost(post as CollectedPost, { narratives }), labels),
  );
}

function withLabels(post: IndexedPost, labels: Labels): IndexedPost {
  return {
    ...post,
    lang: labels.lang,
    narratives: labels.narratives,
    narrativeEvidence: labels.narratives.map((narrative) => ({
      narrative,
      score: 1,
      signals: [{ group: 'generated', term: narrative, matched: narrative }],
    })),
  };
}

export async function loadDataset(es: Client, prefix: string, posts: GeneratedPost[]) {
  await installIndices(es, prefix);
  await writePosts(es, prefix, toIndexed(posts), { refresh: true });
  await es.indices.refresh({ index: `${prefix}-*` });
}

export const definitions = () =>
  NARRATIVES.map((id) => ({
    id,
    title: id,
    description: `generated ${id}`,
    languages: ['ru', 'kk', 'uk', 'en'],
  }));

export function testApp(es: Client, prefix: string, overrides: Partial<AppDeps> & { log?: Logger } = {}) {
  return buildApp({
    es,
    prefix,
    log: createLogger({ service: 'api-test', level: 'silent' }),
    auth: parseApiKeys(`tester:${hashApiKey(KEY)}`),
    rateLimitPerMinute: 100_000,
    limits: { maxRangeDays: 100, maxBuckets: 2200 },
    definitions,
    stem: stemText,
    normalise: normaliseForMatching,
    now: () => new Date(END),
    ...overrides,
  });
}

export const auth = { authorization: `Bearer ${KEY}` };
