import type { CollectedPostInput } from '@cw/domain';
import { OUTSIDE_SOURCES, type SampleChannel, sampleChannels } from './channels.ts';
import { seededRandom } from './random.ts';
import {
  BLAME,
  CAMPAIGN,
  DEBUNKS,
  FILLERS,
  NEWS,
  ORDINARY,
  RECRUITMENT,
  type Template,
} from './templates.ts';

// A deterministic month of posts from sample channels: daily rhythm, forwards between channels,
// albums, edits, deletions, a copy-paste campaign and one clear spike of the blame narrative in the
// last hour before `end`. Alongside the replay events it returns the truth the demo checks against.

export type GenerateOptions = { seed?: number; end?: Date; days?: number; channels?: number };

export type Truth = {
  posts: number;
  events: number;
  byLanguage: Record<string, number>;
  byNarrative: Record<string, number>;
  edits: number;
  deletions: number;
  albums: number;
  forwards: number;
  spike: { narrative: string; windowStart: string; windowEnd: string; posts: number };
  campaign: { narrative: string; channels: string[]; firstChannel: string; posts: number };
  topChannels: Record<string, string[]>;
  channels: Array<{ id: string; username: string; title: string; category: string }>;
};

type Draft = {
  channel: SampleChannel;
  at: number;
  template: Template;
  text: string;
  album?: number;
  forwardOf?: Draft;
  outside?: (typeof OUTSIDE_SOURCES)[number];
  messageId?: number;
};

const HOUR = 3600_000;
// Posting rhythm by local hour (UTC+5): quiet at night, peaks in the morning and evening.
const RHYTHM = [
  1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 3, 3.5, 3.5, 3, 2.5, 2, 1.5,
];
const CITIES = ['Алматы', 'Астаны', 'Шымкента', 'Караганды', 'Актобе', 'Павлодара'];
const CITIES_KK = ['Алматы', 'Астана', 'Шымкент', 'Қарағанды', 'Ақтөбе', 'Павлодар'];
const TEAMS = ['Кайрат', 'Астана', 'Тобол', 'Ордабасы', 'Актобе'];
const EDIT_MARK = { ru: ' Обновлено.', kk: ' Жаңартылды.', en: ' Updated.', uk: ' Оновлено.' };

export function generateSampleChannels(options: GenerateOptions = {}) {
  const random = seededRandom(options.seed ?? 42);
  const days = options.days ?? 30;
  const end = Math.floor((options.end ?? new Date()).getTime() / HOUR) * HOUR;
  const start = end - days * 24 * HOUR;
  const channels = sampleChannels(random, options.channels ?? 41);

  const fill = (template: Template) =>
    `${random.pick(FILLERS[template.lang])} ${random.pick(FILLERS[template.lang])} ${template.text} ${random.pick(FILLERS[template.lang])}`
      .replaceAll('{city}', random.pick(template.lang === 'kk' ? CITIES_KK : CITIES))
      .replaceAll('{n}', String(random.int(2, 30)))
      .replaceAll('{amount}', String(random.int(20, 60) * 10))
      .replaceAll('{team}', random.pick(TEAMS))
      .replaceAll('{handle}', `@hr_${random.int(100, 999)}_bot`);
  const ofLang = (list: Template[], lang: string) => {
    const own = list.filter((tpl) => tpl.lang === lang);
    return own.length > 0 ? own : list.filter((tpl) => tpl.lang === 'ru');
  };
  const hourAt = (dayStart: number) => {
    const total = RHYTHM.reduce((a, b) => a + b, 0);
    let r = random.next() * total;
    let local = 0;
    for (; local < 23 && r > (RHYTHM[local] as number); local += 1) r -= RHYTHM[local] as number;
    // Local midnight (UTC+5) of the day that contains dayStart, then the local hour.
    const localMidnight = Math.floor((dayStart + 5 * HOUR) / (24 * HOUR)) * 24 * HOUR - 5 * HOUR;
    return localMidnight + local * HOUR + random.int(0, HOUR / 1000 - 1) * 1000;
  };
  const templateFor = (channel: SampleChannel): Template => {
    switch (channel.category) {
      case 'news':
        return random.chance(0.1) && channel.lang !== 'en'
          ? random.pick(ofLang(DEBUNKS, channel.lang))
          : random.pick(ofLang(NEWS, channel.lang));
      case 'ordinary':
        return random.pick(ofLang(ORDINARY, channel.lang));
      case 'recruitment':
        return random.pick(ofLang(RECRUITMENT, channel.lang));
      case 'blame':
        return random.pick(ofLang(BLAME, channel.lang));
      case 'anonymous':
        return random.chance(0.5) ? random.pick(ofLang(NEWS, 'ru')) : random.pick(ofLang(BLAME, 'ru'));
    }
  };

  const drafts: Draft[] = [];
  for (let day = 0; day <= days; day += 1) {
    const dayStart = start + day * 24 * HOUR;
    for (const channel of channels) {
      for (let i = random.poisson(channel.postsPerDay); i > 0; i -= 1) {
        const at = hourAt(dayStart);
        if (at >= end || at < start) continue;
        const template = templateFor(channel);
        const draft: Draft = { channel, at, template, text: fill(template) };
        if (channel.category === 'news' && random.chance(0.05)) draft.album = random.int(2, 3);
        drafts.push(draft);
      }
    }
  }
  // Copy-paste campaign: one text across blame and anonymous channels within three hours.
  const campaignChannels = channels
    .filter((c) => c.category === 'blame' || c.category === 'anonymous')
    .slice(0, 10);
  const campaignStart = end - Math.min(5, days - 1) * 24 * HOUR + 9 * HOUR;
  // Small changes of the kind copy-paste networks make: a hashtag, a link, a word, punctuation.
  const variants = [
    (t: string) => t,
    (t: string) => `${t} #срочно`,
    (t: string) => `${t} https://t.me/insider_kz`,
    (t: string) => t.replace('СРОЧНО', 'Срочно'),
    (t: string) => `⚡️ ${t}!!`,
    (t: string) => t.replace('снова', 'опять'),
  ];
  campaignChannels.forEach((channel, i) => {
    const vary = variants[i % variants.length] as (t: string) => string;
    drafts.push({
      channel,
      at: campaignStart + i * 20 * 60_000,
      template: CAMPAIGN,
      text: vary(CAMPAIGN.text),
    });
  });
  // The spike: blame posts in the last hour, from blame and anonymous channels.
  const spikeChannels = channels.filter((c) => c.category === 'blame' || c.category === 'anonymous');
  const spikePosts = 36;
  for (let i = 0; i < spikePosts; i += 1) {
    const channel = spikeChannels[i % spikeChannels.length] as SampleChannel;
    const template = random.pick(
      ofLang(BLAME, channel.lang === 'kk' || channel.lang === 'en' ? channel.lang : 'ru'),
    );
    drafts.push({
      channel,
      at: end - HOUR + Math.floor((i * HOUR) / spikePosts),
      template,
      text: fill(template),
    });
  }
  // Forwards: anonymous channels repost recruitment and blame posts, some from outside channels.
  const sources = drafts.filter(
    (d) => d.channel.category === 'recruitment' || d.channel.category === 'blame',
  );
  for (const channel of channels.filter((c) => c.category === 'anonymous')) {
    for (let i = 0; i < days * 1.5; i += 1) {
      const of = random.pick(sources);
      if (!of) break;
      const at = of.at + random.int(10, 180) * 60_000;
      if (at >= end) continue;
      const draft: Draft = { channel, at, template: of.template, text: of.text, forwardOf: of };
      if (random.chance(0.2)) draft.outside = random.pick(OUTSIDE_SOURCES);
      drafts.push(draft);
    }
  }
  return assemble(drafts, { random, end, channels, campaignChannels, spikePosts });
}

function assemble(
  drafts: Draft[],
  ctx: {
    random: ReturnType<typeof seededRandom>;
    end: number;
    channels: SampleChannel[];
    campaignChannels: SampleChannel[];
    spikePosts: number;
  },
) {
  const { random, end } = ctx;
  drafts.sort((a, b) => a.at - b.at || a.channel.id.localeCompare(b.channel.id));
  const nextId = new Map<string, number>();
  const events: Array<CollectedPostInput & { collectedAt: string }> = [];
  const truth: Truth = {
    posts: 0,
    events: 0,
    byLanguage: {},
    byNarrative: {},
    edits: 0,
    deletions: 0,
    albums: 0,
    forwards: 0,
    spike: {
      narrative: 'kazakhstan_blame',
      windowStart: new Date(end - HOUR).toISOString(),
      windowEnd: new Date(end).toISOString(),
      posts: ctx.spikePosts,
    },
    campaign: {
      narrative: 'kazakhstan_blame',
      channels: ctx.campaignChannels.map((c) => c.username),
      firstChannel: ctx.campaignChannels[0]?.username ?? '',
      posts: ctx.campaignChannels.length,
    },
    topChannels: {},
    channels: ctx.channels.map(({ id, username, title, category }) => ({ id, username, title, category })),
  };
  const perNarrativeChannel = new Map<string, Map<string, number>>();
  const count = (lang: string, narratives: string[], channel: string) => {
    truth.posts += 1;
    truth.byLanguage[lang] = (truth.byLanguage[lang] ?? 0) + 1;
    for (const n of narratives) {
      truth.byNarrative[n] = (truth.byNarrative[n] ?? 0) + 1;
      const m = perNarrativeChannel.get(n) ?? new Map<string, number>();
      m.set(channel, (m.get(channel) ?? 0) + 1);
      perNarrativeChannel.set(n, m);
    }
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const draft of drafts) {
    const { channel } = draft;
    const id = (nextId.get(channel.id) ?? 0) + 1;
    draft.messageId = id;
    nextId.set(channel.id, id + (draft.album ? draft.album - 1 : 0));
    const base = {
      channel: { id: channel.id, username: channel.username, title: channel.title },
      messageId: id,
      postedAt: iso(draft.at),
      collectedAt: iso(Math.min(draft.at + random.int(5, 90) * 1000, end)),
      text: draft.text,
      media: [] as Array<{ kind: 'photo' | 'video' }>,
      metrics: { views: random.int(200, 20_000), forwards: random.int(0, 80), replies: random.int(0, 30) },
      source: 'replay' as const,
    };
    const source = draft.forwardOf;
    const post: CollectedPostInput & { collectedAt: string } = source
      ? {
          ...base,
          forward: draft.outside
            ? {
                fromChannelId: draft.outside.id,
                fromUsername: draft.outside.username,
                fromName: draft.outside.title,
                fromMessageId: random.int(100, 5000),
                postedAt: iso(source.at),
              }
            : {
                fromChannelId: source.channel.id,
                fromUsername: source.channel.username,
                fromName: source.channel.title,
                fromMessageId: source.messageId ?? 1,
                postedAt: iso(source.at),
              },
        }
      : base;
    if (source) truth.forwards += 1;
    if (draft.album) {
      truth.albums += 1;
      const groupedId = String(13_000_000_000_000 + random.int(1, 9_999_999));
      post.groupedId = groupedId;
      post.media = [{ kind: 'photo' }];
      events.push(post);
      count(draft.template.lang, draft.template.narratives, channel.username);
      for (let k = 1; k < draft.album; k += 1) {
        events.push({
          ...base,
          messageId: id + k,
          text: '',
          groupedId,
          media: [{ kind: k % 2 ? 'video' : 'photo' }],
        });
        count('und', [], channel.username);
      }
      continue;
    }
    events.push(post);
    count(draft.template.lang, draft.template.narratives, channel.username);
    // Some posts are edited a few minutes later; some recruitment posts are deleted hours later.
    if (draft.at < end - 3 * HOUR && random.chance(0.03)) {
      const editedAt = draft.at + random.int(5, 60) * 60_000;
      events.push({
        ...post,
        text: `${post.text}${EDIT_MARK[draft.template.lang]}`,
        editedAt: iso(editedAt),
        collectedAt: iso(editedAt + 30_000),
      });
      truth.edits += 1;
    }
    if (channel.category === 'recruitment' && draft.at < end - 6 * HOUR && random.chance(0.05)) {
      const deletedAt = draft.at + random.int(2, 5) * HOUR;
      events.push({ ...post, deletedAt: iso(deletedAt), collectedAt: iso(deletedAt + 60_000) });
      truth.deletions += 1;
    }
  }
  events.sort((a, b) => a.collectedAt.localeCompare(b.collectedAt));
  truth.events = events.length;
  for (const [narrative, m] of perNarrativeChannel) {
    truth.topChannels[narrative] = [...m.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 5)
      .map(([username]) => username);
  }
  return { events, truth, channels: ctx.channels };
}
