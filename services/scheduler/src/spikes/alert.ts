// A spike alert as stored in `<prefix>-alerts` (mapping: packages/es/src/mappings.ts alertsMapping)
// and sent in the `alert.*` webhook events.

export type TopChannel = { id: string; username?: string; title?: string; count: number };
export type TopPost = { id: string; url: string; channelId: string; views?: number; text?: string };
export type EvidenceCount = { group: string; term: string; count: number };

export type SpikeAlert = {
  id: string;
  /** narrative.flood: one channel or one copied text makes most of it (fields added in v1, absent on older alerts). */
  kind?: 'narrative.spike' | 'narrative.flood';
  narrative: string;
  /** The narrative's title from its definition. */
  title?: string;
  /** Set for narrative × channel alerts. */
  channelId?: string;
  status: 'open' | 'resolved';
  windowStart: string;
  windowEnd: string;
  firstSeenAt: string;
  updatedAt: string;
  lastFiredAt: string;
  observed: number;
  /** The largest window count seen while the spike lasted. */
  peakObserved: number;
  expected: number;
  score: number;
  ratio: number;
  share?: number;
  expectedShare?: number;
  notifiedObserved: number;
  /** Windows `notifiedObserved` was counted over (absent: 1). */
  notifiedWindows?: number;
  revision: number;
  /** Length of the window compared (a low-rate narrative is judged over several hours). */
  windowMinutes?: number;
  /** How `expected` was formed, in words. */
  baseline?: string;
  /** The window in the analysts' time zone (CW_DIGEST_TZ), beside the UTC fields. */
  local?: { timeZone: string; windowStart: string; windowEnd: string };
  distinctChannels?: number;
  /** Share of the window's posts from the top channel. */
  topChannelShare?: number;
  /** Near-duplicate groups among the window's posts (SimHash within 4 bits). */
  distinctTexts?: number;
  /** Share of the window's posts in the largest near-duplicate group. */
  topTextShare?: number;
  /** The posts behind the alert, as an API query (prefixed with CW_API_PUBLIC_URL when set). */
  postsQuery?: string;
  topChannels: TopChannel[];
  topPosts: TopPost[];
  evidence: EvidenceCount[];
};
