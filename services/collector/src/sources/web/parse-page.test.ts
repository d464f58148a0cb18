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
    expect(poll).toMatchObject({
      text: '',
      attachedText: 'Which one?',
      media: [{ kind: 'poll' }],
      views: 850,
    });
    expect(reply).toMatchObject({ text: 'Listen to this', replyTo: 100, media: [{ kind: 'voice' }] });
    expect(reply?.forward).toBeUndefined();
  });

  it('turns abbreviated view counts into numbers', () => {
    expect(parseCount('4.2K')).toBe(4200);
    expect(parseCount('1.3M')).toBe(1_300_000);
    expect(parseCount('987')).toBe(987);
    expect(parseCount('')).toBeUndefined();
  });

  it('keeps what a poll offers and a document is called, as text', () => {
    const block = (inner: string) =>
      `<div class="tgme_widget_message js-widget_message" data-post="tchantest/7"><div class="tgme_widget_message_bubble">${inner}<div class="tgme_widget_message_footer"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date"><time datetime="2024-03-01T10:00:00+00:00"></time></a></span></div></div></div>`;
    const poll = parsePage(
      block(
        '<div class="tgme_widget_message_poll js-poll"><div class="tgme_widget_message_poll_question">Поедете?</div><div class="tgme_widget_message_poll_type">Anonymous poll</div><div class="tgme_widget_message_poll_options"><div class="tgme_widget_message_poll_option"><div class="tgme_widget_message_poll_option_percent">60%</div><div class="tgme_widget_message_poll_option_value"><div class="tgme_widget_message_poll_option_text">Да</div></div></div><div class="tgme_widget_message_poll_option"><div class="tgme_widget_message_poll_option_percent">40%</div><div class="tgme_widget_message_poll_option_value"><div class="tgme_widget_message_poll_option_text">Нет</div></div></div></div></div>',
      ),
    ).messages[0];
    expect(poll?.attachedText).toBe('Поедете?\n- Да\n- Нет');
    const doc = parsePage(
      block(
        '<a class="tgme_widget_message_document_wrap" href="https://t.me/tchantest/7?single"><div class="tgme_widget_message_document"><div class="tgme_widget_message_document_title accent_color" dir="auto">Приказ №45.pdf</div><div class="tgme_widget_message_document_extra">1.2 MB</div></div></a><div class="tgme_widget_message_text js-message_text">См. документ</div>',
      ),
    ).messages[0];
    expect(doc).toMatchObject({
      text: 'См. документ',
      attachedText: 'Приказ №45.pdf',
      media: [{ kind: 'document' }],
    });
  });
});
