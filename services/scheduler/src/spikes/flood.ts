// A spike that one channel or one copied text makes is a flood, not a narrative gaining ground:
// analysts read it differently (one source to look at), so it is its own kind of alert.
import { DEFAULT_MAX_DISTANCE, hamming } from '@cw/es';

export type SpikeKind = 'narrative.spike' | 'narrative.flood';

/** Share of a window's rise (posts beyond the expected) that one channel or one near-duplicate group
 * must make for a flood: judged on the rise, not on all posts, so ten copies on top of a busy
 * narrative's ordinary posts are still seen as the flood they are. */
export const FLOOD_SHARE = 0.7;

export type SourceMix = {
  posts: number;
  distinctChannels: number;
  topChannelCount: number;
  distinctTexts: number;
  topTextCount: number;
  /** Posts the window would have held without the spike (the detector's expected count). */
  expected?: number;
};

export function classifySpike(mix: SourceMix): SpikeKind {
  if (mix.posts === 0) return 'narrative.spike';
  const rise = Math.max(1, mix.posts - (mix.expected ?? 0));
  const channelShare = Math.min(mix.topChannelCount, rise) / rise;
  const textShare = Math.min(mix.topTextCount, rise) / rise;
  return channelShare >= FLOOD_SHARE || textShare >= FLOOD_SHARE ? 'narrative.flood' : 'narrative.spike';
}

/**
 * Sizes of near-duplicate groups among SimHash fingerprints (within DEFAULT_MAX_DISTANCE bits,
 * joined transitively as the copy-paste clusters are), largest first.
 */
export function textGroups(fingerprints: readonly string[]): number[] {
  const parent = fingerprints.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    parent[i] = r;
    return r;
  };
  for (let i = 0; i < fingerprints.length; i += 1) {
    for (let j = i + 1; j < fingerprints.length; j += 1) {
      const a = fingerprints[i] ?? '';
      const b = fingerprints[j] ?? '';
      if (a.length === b.length && hamming(a, b) <= DEFAULT_MAX_DISTANCE) parent[find(j)] = find(i);
    }
  }
  const sizes = new Map<number, number>();
  for (let i = 0; i < fingerprints.length; i += 1) sizes.set(find(i), (sizes.get(find(i)) ?? 0) + 1);
  return [...sizes.values()].sort((x, y) => y - x);
}
