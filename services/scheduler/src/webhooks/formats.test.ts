import { describe, expect, it } from 'vitest';
import type { SpikeAlert } from '../spikes/alert.ts';
import { alertEvent } from './events.ts';
import { formatBody } from './formats.ts';

const alert: SpikeAlert = {
  id: 'grain_hoax-20261020T120000Z',
  kind: 'narrative.flood',
  narrative: 'grain_hoax',
  title: 'Grain export hoax',
  status: 'open',
  windowStart: '2026-10-20T11:00:00.000Z',
  windowEnd: '2026-10-20T12:00:00.000Z',
  firstSeenAt: '2026-10-20T12:00:00.000Z',
  updatedAt: '2026-10-20T12:00:00.000Z',
  lastFiredAt: '2026-10-20T12:00:00.000Z',
  observed: 40,
  peakObserved: 40,
  expected: 1,
  score: 30,
  ratio: 40,
  notifiedObserved: 40,
  revision: 1,
  baseline: 'the same 1 h window in each of the past 4 weeks',
  local: {
    timeZone: 'Asia/Almaty',
    windowStart: '2026-10-20 16:00 UTC+05:00',
    windowEnd: '2026-10-20 17:00 UTC+05:00',
  },
  distinctChannels: 1,
  topChannelShare: 1,
  distinctTexts: 1,
  topTextShare: 1,
  postsQuery: 'https://cw.example.org/v1/posts?narrative=grain_hoax',
  topChannels: [{ id: '-1001', username: 'alpha_news', count: 40 }],
  topPosts: [],
  evidence: [],
};
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('chat formats of an alert', () => {
  it('say flood or spike, the title, local time beside UTC, the source mix and the posts link', () => {
    const body = JSON.parse(
      formatBody(
        { name: 's', url: 'https://h.example/x', secret, format: 'slack', kinds: ['alert'] },
        alertEvent(alert, 'alert.opened', new Date()),
      ),
    ) as { text: string };
    expect(body.text).toContain('*Flood: Grain export hoax*');
    expect(body.text).toContain(
      '2026-10-20 16:00 UTC+05:00 – 2026-10-20 17:00 UTC+05:00 (Asia/Almaty; UTC 2026-10-20T11:00',
    );
    expect(body.text).toContain(
      '1 channel(s), top channel 100% of posts; 1 distinct text(s), largest copy group 100% — one source or one copied text drives it',
    );
    expect(body.text).toContain('<https://cw.example.org/v1/posts?narrative=grain_hoax>');
    const over = JSON.parse(
      formatBody(
        { name: 't', url: 'https://h.example/x', secret, format: 'telegram', chatId: '1', kinds: ['alert'] },
        alertEvent({ ...alert, kind: 'narrative.spike', status: 'resolved' }, 'alert.resolved', new Date()),
      ),
    ) as { text: string };
    expect(over.text).toMatch(/^<b>Spike over: Grain export hoax<\/b>/);
  });
});
