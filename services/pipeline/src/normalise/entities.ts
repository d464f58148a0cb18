// Entities analysts filter on: canonical URLs and their domains, hashtags, mentions, and links to
// other Telegram channels (how networks of channels point at each other).

const URL_PATTERN = /\b(?:https?:\/\/|www\.|t\.me\/|telegram\.me\/)[^\s<>"'«»()[\]{}]+/giu;
// `#tag@channel` is Telegram's channel-scoped hashtag: the suffix is part of it.
const HASHTAG = /(?:^|[^\p{L}\p{N}_])#([\p{L}\p{N}_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{3,31})?)/gu;
const MENTION = /(?:^|[^\p{L}\p{N}_@/.])@([A-Za-z][A-Za-z0-9_]{3,31})\b/gu;
const TRACKING = /^(utm_\w+|fbclid|gclid|yclid|igshid|mc_cid|mc_eid|_ga|ref_src|si)$/i;
const NOT_CHANNELS = new Set([
  's',
  'c',
  'joinchat',
  'addstickers',
  'share',
  'proxy',
  'socks',
  'iv',
  'addlist',
  'boost',
]);

export type Entities = {
  urls: string[];
  domains: string[];
  hashtags: string[];
  mentions: string[];
  channelLinks: string[];
};

/** Lower-case host, no `www.`, tracking parameters and trailing punctuation removed. */
export function canonicalUrl(raw: string): string | undefined {
  let text = raw.replace(/[.,;:!?…]+$/u, '');
  if (!/^https?:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (!url.hostname.includes('.')) return undefined;
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, '');
  if (url.hostname === 'telegram.me') url.hostname = 't.me';
  for (const key of [...url.searchParams.keys()]) {
    if (TRACKING.test(key)) url.searchParams.delete(key);
  }
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

function channelOf(url: URL): string | undefined {
  if (url.hostname !== 't.me') return undefined;
  const [first, second] = url.pathname.split('/').filter(Boolean);
  const name = first === 's' ? second : first;
  if (!name || NOT_CHANNELS.has(name) || name.startsWith('+') || !/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(name)) {
    return undefined;
  }
  return name.toLowerCase();
}

const unique = (values: Iterable<string>) => [...new Set(values)];
const NONE: readonly string[] = [];
/** A cheap scan first: most posts have no link, hashtag or mention, and the full patterns are not. */
const MAY_HAVE_URL = /https?:\/\/|www\.|t\.me\/|telegram\.me\//i;

function matches(text: string, pattern: RegExp, group: number): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(pattern)) found.push(m[group] ?? '');
  return found;
}

export function extractEntities(text: string, extraLinks: readonly string[] = []): Entities {
  const inText = MAY_HAVE_URL.test(text) ? matches(text, URL_PATTERN, 0) : NONE;
  const raw = extraLinks.length > 0 ? inText.concat(extraLinks) : inText;
  const urls = raw.length > 0 ? unique(raw.map(canonicalUrl).filter((u) => u !== undefined)) : [];
  const parsed = urls.map((u) => new URL(u));
  return {
    urls,
    domains: unique(parsed.map((u) => u.hostname)),
    hashtags: text.includes('#') ? unique(matches(text, HASHTAG, 1).map((t) => t.toLowerCase())) : [],
    mentions: text.includes('@') ? unique(matches(text, MENTION, 1).map((t) => t.toLowerCase())) : [],
    channelLinks: unique(parsed.map(channelOf).filter((c) => c !== undefined)),
  };
}
