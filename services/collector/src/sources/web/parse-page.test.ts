import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCount, parsePage } from './parse-page.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('web preview parser', () => {
  it('reads the captured real message block: id, channel id, date, text, views, author', () => {
    const page = parsePage(fixture('tme-s-message.html'));
    expect(page.before).toBeUndefined();
    expect(page.messages).toEqual([
      {
        username: 'tchantest',
        messageId: 79,
        channelId: '-1001591537674',
        channelTitle: "tchan's test channel 👍",
        postedAt: '2023-02-24T08:07:51.000Z',
        edited: false,
        text: 'Signed and not edited',
        links: [],
        views: 2,
        author: 'Álvaro Justen',
        media: [],
      },
    ]);
  });

  it('reads a page: forwards, line breaks, links, albums, polls, replies, edits and the older-page link', () => {
    const page = parsePage(fixture('tme-s-page.html'));
    expect(page.before).toBe(100);
    expect(page.messages.map((m) => m.messageId)).toEqual([100, 101, 103, 105]);
    const [forward, album, poll, reply] = page.messages;
    expect(forward).toMatchObject({
      text: 'Breaking: read this\nsecond line example.com/a #tag 👍',
      links: ['https://example.com/a?b=1'],
      views: 4200,
      forward: { fromName: 'Other News & Co', fromUsername: 'other_news', fromMessageId: 555 },
      media: [],
      edited: false,
      postedAt: '2024-03-01T10:00:00.000Z',
    });
    expect(album).toMatchObject({
      text: 'Album caption',
      views: 1_300_000,
      edited: true,
      author: 'Jane Doe',
      media: [{ kind: 'photo' }, { kind: 'photo' }],
    });
    expect(poll).toMatchObject({ text: '', media: [{ kind: 'poll' }], views: 850 });
    expect(reply).toMatchObject({ text: 'Listen to this', replyTo: 100, media: [{ kind: 'voice' }] });
    expect(reply?.forward).toBeUndefined();
  });

  it('turns abbreviated view counts into numbers', () => {
    expect(parseCount('4.2K')).toBe(4200);
    expect(parseCount('1.3M')).toBe(1_300_000);
    expect(parseCount('987')).toBe(987);
    expect(parseCount('')).toBeUndefined();
  });
});
