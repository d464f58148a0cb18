// The daily digest as data: rendered to Markdown and HTML, and written as JSON (versioned).

export type NarrativeDay = {
  narrative: string;
  count: number;
  /** Average per day over the seven days before. */
  average7d: number;
  /** count / average7d; null when the narrative was silent the week before. */
  ratio: number | null;
  /** The digest day and the six before it, oldest first: the chart's data. */
  daily: { date: string; count: number }[];
};

export type Digest = {
  version: '1';
  date: string;
  timeZone: string;
  from: string;
  to: string;
  generatedAt: string;
  totalPosts: number;
  taggedPosts: number;
  narratives: NarrativeDay[];
  topChannels: { id: string; username?: string; title?: string; posts: number; share: number }[];
  topPosts: {
    id: string;
    url: string;
    channel: string;
    /** UTC; the renderings show it in `timeZone` beside UTC. */
    postedAt: string;
    views?: number;
    narratives: string[];
    text: string;
  }[];
  /** The day's posts by forwards (Telegram's count of times each was forwarded), most first. */
  mostForwarded: {
    id: string;
    url: string;
    channel: string;
    postedAt: string;
    forwards: number;
    views?: number;
    narratives: string[];
    text: string;
  }[];
  newForwardSources: { source: string; posts: number; firstSeen: string }[];
  clusters: { posts: number; channels: string[]; url: string; postedAt: string; text: string }[];
  alerts: {
    id: string;
    narrative: string;
    observed: number;
    expected: number;
    windowStart: string;
    windowEnd: string;
    status: string;
  }[];
};
