import type { FeedbackDoc } from '@cw/es';
import { describe, expect, it } from 'vitest';
import { toCorpusLines } from './feedback.ts';

const base = {
  channelId: '-100',
  postedAt: '2026-11-20T10:00:00.000Z',
  lang: 'ru',
  url: 'https://t.me/chan/1',
  text: 'текст поста',
};
const doc = (over: Partial<FeedbackDoc>): FeedbackDoc => ({
  ...base,
  postId: '-100_1',
  narrative: 'kazakhstan_blame',
  verdict: 'confirm',
  tagged: true,
  postNarratives: ['kazakhstan_blame', 'mercenary_recruitment'],
  key: 'alice',
  at: '2026-11-21T10:00:00.000Z',
  ...over,
});

describe('feedback export', () => {
  it('labels a post by the latest verdict per narrative and keeps the unjudged tags', () => {
    const [line, ...rest] = toCorpusLines([
      doc({ verdict: 'confirm', key: 'alice', at: '2026-11-21T10:00:00.000Z' }),
      doc({ verdict: 'reject', key: 'bob', note: 'a debunk', at: '2026-11-22T10:00:00.000Z' }),
    ]);
    expect(rest).toEqual([]);
    expect(line).toEqual({
      text: 'текст поста',
      lang: 'ru',
      narratives: ['mercenary_recruitment'],
      url: 'https://t.me/chan/1',
      note: 'analyst feedback (reject kazakhstan_blame by bob: a debunk)',
      kind: 'positive',
    });
  });

  it('makes a post whose only tag was rejected a hard negative, and an added tag a positive', () => {
    const lines = toCorpusLines([
      doc({ postId: '-100_1', verdict: 'reject', postNarratives: ['kazakhstan_blame'] }),
      doc({
        postId: '-100_2',
        url: 'https://t.me/chan/2',
        narrative: 'mercenary_recruitment',
        verdict: 'add',
        tagged: false,
        postNarratives: [],
      }),
    ]);
    expect(lines.map((l) => [l.url, l.narratives, l.kind])).toEqual([
      ['https://t.me/chan/1', [], 'hard_negative'],
      ['https://t.me/chan/2', ['mercenary_recruitment'], 'positive'],
    ]);
  });
});
