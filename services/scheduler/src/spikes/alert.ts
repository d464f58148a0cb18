// A spike alert as stored in `<prefix>-alerts` (mapping: packages/es/src/mappings.ts alertsMapping)
// and sent in the `alert.*` webhook events.

export type TopChannel = { id: string; username?: string; title?: string; count: number };
export type TopPost = { id: string; url: string; channelId: string; views?: number; text?: string };
export type EvidenceCount = { group: string; term: string; count: number };

export type SpikeAlert = {
  id: string;
  narrative: string;
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
  revision: number;
  topChannels: TopChannel[];
  topPosts: TopPost[];
  evidence: EvidenceCount[];
};
