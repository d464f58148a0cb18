// A `narrative.trend` as receivers get it (the `data` of the event): what rose, against what, when in
// the analysts' time zone and in UTC, which channels carry it, and where the posts are.
import type { EvidenceCount, TopChannel, TopPost } from '../spikes/alert.ts';

export type TrendReport = {
  /** `<narrative>-<local date>`: one trend a day per narrative at most. */
  id: string;
  kind: 'narrative.trend';
  narrative: string;
  /** The narrative's title from its definition. */
  title?: string;
  /** The local calendar day evaluated (the last day of the week), in `timeZone`. */
  date: string;
  timeZone: string;
  /** The seven local days ending with `date`, as UTC instants. */
  weekStart: string;
  weekEnd: string;
  local: { timeZone: string; weekStart: string; weekEnd: string };
  /** Posts in the week. */
  observed: number;
  /** Posts in the week before it. */
  previousWeek: number;
  /** An ordinary week (see `baseline`). */
  expected: number;
  ratio: number;
  score: number;
  /** The narrative's rise over the rise of all other posts. */
  shareRatio?: number;
  baseline: string;
  /** Posts per local day, the 14 days ending with `date`, oldest first. */
  daily: { date: string; count: number }[];
  /** Set when the trend was reported before within a week and has grown by half since. */
  reportedDaysAgo?: number;
  distinctChannels: number;
  /** Share of the week's posts from the top channel. */
  topChannelShare: number;
  distinctTexts: number;
  topChannels: TopChannel[];
  topPosts: TopPost[];
  evidence: EvidenceCount[];
  /** The week's posts as an API query (prefixed with CW_API_PUBLIC_URL when set). */
  postsQuery: string;
};
