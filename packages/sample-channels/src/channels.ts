import type { Random } from './random.ts';

export type Category = 'news' | 'ordinary' | 'recruitment' | 'blame' | 'anonymous';
export type SampleChannel = {
  id: string;
  username: string;
  title: string;
  category: Category;
  lang: 'ru' | 'kk' | 'en' | 'uk';
  postsPerDay: number;
};

// [category, languages of its channels in order, posts per day]
const PLAN: Array<[Category, Array<SampleChannel['lang']>, number]> = [
  ['news', ['ru', 'ru', 'ru', 'ru', 'ru', 'ru', 'ru', 'kk', 'kk', 'kk', 'en', 'en'], 6],
  ['ordinary', ['ru', 'ru', 'ru', 'kk', 'kk', 'uk', 'uk', 'en'], 2],
  ['recruitment', ['ru', 'ru', 'ru', 'kk', 'kk', 'uk', 'en'], 3],
  ['blame', ['ru', 'ru', 'ru', 'ru', 'kk', 'en'], 2],
  ['anonymous', ['ru', 'ru', 'ru', 'ru', 'ru', 'ru', 'ru', 'ru'], 4],
];

const NAMES: Record<Category, string[]> = {
  news: [
    'news',
    'info',
    'daily',
    'today',
    'press',
    'vesti',
    'zhanalyq',
    'habar',
    'live',
    'report',
    'wire',
    'times',
  ],
  ordinary: ['chat', 'market', 'family', 'life', 'city', 'friends', 'board', 'talk'],
  recruitment: ['rabota', 'vakansii', 'kontrakt', 'jumys', 'service', 'legion', 'volunteers'],
  blame: ['pravda', 'insider', 'analitika', 'shyndyq', 'razvedka', 'truth'],
  anonymous: ['anon', 'tainoe', 'slivy', 'zakulisye', 'shadow', 'inside', 'kanal', 'source'],
};
const PLACES = [
  'almaty',
  'astana',
  'shymkent',
  'karaganda',
  'aktobe',
  'pavlodar',
  'semey',
  'atyrau',
  'oral',
  'kostanay',
  'taraz',
  'turkestan',
];

export function sampleChannels(random: Random, limit = 41): SampleChannel[] {
  const channels: SampleChannel[] = [];
  let n = 0;
  for (const [category, langs, postsPerDay] of PLAN) {
    langs.forEach((lang, i) => {
      n += 1;
      const place = PLACES[(n * 7) % PLACES.length] as string;
      const name = NAMES[category][i % NAMES[category].length] as string;
      const username = `${place}_${name}_${random.int(10, 99)}`;
      channels.push({
        id: String(-1001500000000 - n),
        username,
        title: `${place[0]?.toUpperCase()}${place.slice(1)} ${name}`,
        category,
        lang,
        postsPerDay,
      });
    });
  }
  // Keep every category present when asked for fewer channels: take them round-robin.
  if (limit >= channels.length) return channels;
  const byCategory = PLAN.map(([c]) => channels.filter((ch) => ch.category === c));
  const picked: SampleChannel[] = [];
  for (let i = 0; picked.length < limit; i += 1) {
    for (const group of byCategory)
      if (group[i] && picked.length < limit) picked.push(group[i] as SampleChannel);
  }
  return picked;
}

/** Channels that are not in the registry but appear as forward sources (new channels to watch). */
export const OUTSIDE_SOURCES = [
  { id: '-1001999000001', username: 'voenkor_front_zov', title: 'Военкор Фронт' },
  { id: '-1001999000002', username: 'z_insider_ops', title: 'Z Инсайдер' },
];
