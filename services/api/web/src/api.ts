// Every call the page makes is a documented /v1 endpoint with the same Bearer header a curl user
// sends: nothing here is private to the page.

import type { NarrativeEvidence } from '@cw/domain';
import { credential, signOut } from './auth.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = credential();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await response.json().catch(() => ({}))) as {
    message?: string;
    problems?: { parameter: string; expected: string }[];
  };
  if (response.status === 401 && !path.startsWith('/v1/sessions'))
    signOut('Your key or session is no longer accepted.');
  if (!response.ok) {
    const detail = data.problems?.map((p) => `${p.parameter}: ${p.expected}`).join('; ');
    throw new ApiError(response.status, detail || data.message || `HTTP ${response.status}`);
  }
  return data as T;
}

export const get = <T>(path: string, query: Query = {}) => call<T>('GET', path + queryString(query));
export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => call<T>('PUT', path, body);

// Shapes of the answers the page reads (see /openapi.json).

export type Narrative = {
  id: string;
  title: string;
  description: string;
  posts24h?: number;
  posts7d?: number;
  /** The pipeline's precision and recall on the locked real test split (cw narratives eval). */
  evaluation?: {
    passages: number;
    current: boolean;
    precision: number | null;
    recall: number | null;
    evaluatedAt: string;
    /** The same on long real posts, whose claims can come late. */
    longPosts?: { posts: number; precision: number | null; recall: number | null };
    /** The same on whole real Telegram channel posts, as channels write them. */
    telegramPosts?: { posts: number; precision: number | null; recall: number | null };
  };
};

export type TrendsBucket = {
  start: string;
  total: number;
  counts: Record<string, number>;
  shares: Record<string, number>;
};
export type Trends = {
  from: string;
  to: string;
  interval: 'hour' | 'day' | 'week';
  timeZone: string;
  keys: string[];
  buckets: TrendsBucket[];
  totals: { posts: number; counts: Record<string, number> };
};

/** A tag's evidence as the API returns it: the indexed post's own type (a type only, nothing bundled). */
export type Evidence = NarrativeEvidence;

export type Post = {
  id: string;
  url: string;
  channel: { id: string; username?: string; title?: string };
  messageId: number;
  postedAt: string;
  editedAt?: string;
  deletedAt?: string;
  text: string;
  lang: string;
  langConfidence: number;
  narratives: string[];
  narrativeEvidence: Evidence[];
  tagger?: string;
  forward?: {
    fromChannelId?: string;
    fromUsername?: string;
    fromName?: string;
    fromMessageId?: number;
    postedAt?: string;
  };
  metrics?: { views?: number; forwards?: number; replies?: number };
  media?: { kind: string }[];
  isForward: boolean;
  isEdited: boolean;
  isDeleted: boolean;
};

export type PostsPage = {
  total: { value: number; exact: boolean };
  hits: Post[];
  nextCursor?: string;
  from: string;
  to: string;
};
export type PostVersion = { version: number; editedAt?: string; text: string };

export type Verdict = 'confirm' | 'reject' | 'add';
export type FeedbackEntry = {
  postId: string;
  narrative: string;
  verdict: Verdict;
  note?: string;
  key: string;
  at: string;
  tagged: boolean;
};
export type Precision = {
  from: string;
  narratives: {
    narrative: string;
    confirmed: number;
    rejected: number;
    added: number;
    precision: number | null;
  }[];
};

export type TopChannel = {
  id: string;
  username?: string;
  title?: string;
  posts: number;
  share: number;
  forwards: number;
  forwardShare: number;
  channelPosts: number;
};

export type Alert = {
  id: string;
  narrative: string;
  status: string;
  windowStart: string;
  windowEnd: string;
  firstSeenAt: string;
  observed: number;
  expected: number;
  score: number;
  ratio?: number;
  share?: number;
  expectedShare?: number;
  topChannels?: { id: string; username?: string; title?: string; count: number }[];
  topPosts?: { id: string; url: string; channelId: string; views?: number; text: string }[];
};

export type ClusterPost = {
  id: string;
  url: string;
  channel: { id: string; username?: string };
  postedAt: string;
  text: string;
};
export type Cluster = {
  posts: number;
  channelCount: number;
  channels: string[];
  fingerprints: string[];
  first: ClusterPost;
};
