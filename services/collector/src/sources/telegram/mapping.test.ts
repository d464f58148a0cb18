import { collectedPost } from '@cw/domain';
import { describe, expect, it } from 'vitest';
import { Api, toLong } from './adapter.ts';
import { chatsById, mapMessage, responseMapping } from './mapping.ts';

const CHANNEL_ID = '1591537674';
const peer = () => new Api.PeerChannel({ channelId: toLong(CHANNEL_ID) });
const date = Date.UTC(2024, 2, 1, 10, 0, 0) / 1000;
const ctx = {
  channel: { id: `-100${CHANNEL_ID}`, username: 'tchantest', title: 'Test channel' },
  collectedAt: '2024-03-02T00:00:00.000Z',
};

function message(fields: Partial<ConstructorParameters<typeof Api.Message>[0]>): Api.Message {
  return new Api.Message({ id: 10, peerId: peer(), date, message: '', ...fields });
}

describe('gramjs message mapping', () => {
  it('maps text with entities, views, forwards, replies, author and reply-to', () => {
    const text = 'Breaking: see example.com/a and this 👍 story';
    const post = mapMessage(
      message({
        message: text,
        entities: [
          new Api.MessageEntityBold({ offset: 0, length: 8 }),
          new Api.MessageEntityUrl({ offset: 14, length: 13 }),
          new Api.MessageEntityTextUrl({ offset: 32, length: 4, url: 'https://hidden.example.org/x' }),
        ],
        views: 4200,
        forwards: 17,
        replies: new Api.MessageReplies({ replies: 5, repliesPts: 1 }),
        postAuthor: 'Jane Doe',
        replyTo: new Api.MessageReplyHeader({ replyToMsgId: 7 }),
      }),
      ctx,
    );
    expect(post).toEqual({
      channel: { id: '-1001591537674', username: 'tchantest', title: 'Test channel' },
      messageId: 10,
      postedAt: '2024-03-01T10:00:00.000Z',
      collectedAt: '2024-03-02T00:00:00.000Z',
      text,
      links: ['http://example.com/a', 'https://hidden.example.org/x'],
      media: [],
      replyTo: 7,
      author: 'Jane Doe',
      metrics: { views: 4200, forwards: 17, replies: 5 },
      source: 'telegram',
    });
    expect(collectedPost.safeParse(post).success).toBe(true);
  });

  it('maps a forward from another channel with its id, message id, date and name', () => {
    const origin = new Api.Channel({
      id: toLong('1000000001'),
      accessHash: toLong('123'),
      title: 'Other News',
      username: 'other_news',
      photo: new Api.ChatPhotoEmpty(),
      date,
    });
    const post = mapMessage(
      message({
        message: 'forwarded',
        fwdFrom: new Api.MessageFwdHeader({
          fromId: new Api.PeerChannel({ channelId: toLong('1000000001') }),
          date: date - 3600,
          channelPost: 555,
        }),
      }),
      { ...ctx, chats: chatsById([origin]) },
    );
    expect(post?.forward).toEqual({
      fromChannelId: '-1001000000001',
      fromUsername: 'other_news',
      fromName: 'Other News',
      fromMessageId: 555,
      postedAt: '2024-03-01T09:00:00.000Z',
    });
  });

  it('maps an album item, a poll, a voice note and a web page preview to their media kinds', () => {
    const photo = mapMessage(
      message({ media: new Api.MessageMediaPhoto({}), groupedId: toLong('13579246801357') }),
      ctx,
    );
    expect(photo).toMatchObject({ groupedId: '13579246801357', media: [{ kind: 'photo' }] });
    const poll = mapMessage(
      message({
        media: new Api.MessageMediaPoll({
          poll: new Api.Poll({
            id: toLong(1),
            question: new Api.TextWithEntities({ text: 'Which?', entities: [] }),
            answers: [],
          }),
          results: new Api.PollResults({}),
        }),
      }),
      ctx,
    );
    expect(poll?.media).toEqual([{ kind: 'poll' }]);
    const voice = mapMessage(
      message({
        media: new Api.MessageMediaDocument({
          document: new Api.Document({
            id: toLong(1),
            accessHash: toLong(2),
            fileReference: Buffer.alloc(0),
            date,
            mimeType: 'audio/ogg',
            size: toLong(100),
            dcId: 2,
            attributes: [new Api.DocumentAttributeAudio({ voice: true, duration: 3 })],
          }),
        }),
      }),
      ctx,
    );
    expect(voice?.media).toEqual([{ kind: 'voice' }]);
    const page = mapMessage(
      message({ media: new Api.MessageMediaWebPage({ webpage: new Api.WebPageEmpty({ id: toLong(1) }) }) }),
      ctx,
    );
    expect(page?.media).toEqual([{ kind: 'webpage' }]);
  });

  it('keeps the edit date of an edited message, but not of a hidden edit', () => {
    expect(mapMessage(message({ editDate: date + 60 }), ctx)?.editedAt).toBe('2024-03-01T10:01:00.000Z');
    expect(mapMessage(message({ editDate: date + 60, editHide: true }), ctx)?.editedAt).toBeUndefined();
  });

  it('sums reactions per emoji, custom emoji and paid stars', () => {
    const post = mapMessage(
      message({
        reactions: new Api.MessageReactions({
          results: [
            new Api.ReactionCount({ reaction: new Api.ReactionEmoji({ emoticon: '👍' }), count: 12 }),
            new Api.ReactionCount({ reaction: new Api.ReactionEmoji({ emoticon: '🔥' }), count: 3 }),
            new Api.ReactionCount({
              reaction: new Api.ReactionCustomEmoji({ documentId: toLong('987') }),
              count: 2,
            }),
            new Api.ReactionCount({ reaction: new Api.ReactionPaid(), count: 1 }),
          ],
        }),
      }),
      ctx,
    );
    expect(post?.metrics?.reactions).toEqual({
      total: 18,
      byEmoji: { '👍': 12, '🔥': 3, 'custom:987': 2, paid: 1 },
    });
  });

  it('skips service messages', () => {
    const service = new Api.MessageService({
      id: 3,
      peerId: peer(),
      date,
      action: new Api.MessageActionChannelCreate({ title: 'x' }),
    });
    expect(mapMessage(service, ctx)).toBeUndefined();
  });

  it('turns a poll question and its answers, and a document file name, into text', () => {
    const poll = mapMessage(
      message({
        message: '',
        media: new Api.MessageMediaPoll({
          poll: new Api.Poll({
            id: toLong('1'),
            question: new Api.TextWithEntities({ text: 'Поедете на контракт?', entities: [] }),
            answers: [
              new Api.PollAnswer({
                text: new Api.TextWithEntities({ text: 'Да', entities: [] }),
                option: Buffer.from('0'),
              }),
              new Api.PollAnswer({
                text: new Api.TextWithEntities({ text: 'Нет', entities: [] }),
                option: Buffer.from('1'),
              }),
            ],
          }),
          results: new Api.PollResults({}),
        }),
      }),
      ctx,
    );
    expect(poll).toMatchObject({ text: 'Поедете на контракт?\n- Да\n- Нет', media: [{ kind: 'poll' }] });
    const doc = mapMessage(
      message({
        message: 'Приказ',
        media: new Api.MessageMediaDocument({
          document: new Api.Document({
            id: toLong('2'),
            accessHash: toLong('2'),
            fileReference: Buffer.alloc(0),
            date,
            mimeType: 'application/pdf',
            size: toLong('100'),
            dcId: 2,
            attributes: [new Api.DocumentAttributeFilename({ fileName: 'prikaz_45.pdf' })],
          }),
        }),
      }),
      ctx,
    );
    expect(doc).toMatchObject({ text: 'Приказ\n\nprikaz_45.pdf', media: [{ kind: 'document' }] });
  });

  it("names a response's posts as its chats name the channel, else as the registry does; drops service messages", () => {
    const channel = new Api.Channel({
      id: toLong(CHANNEL_ID),
      accessHash: toLong('5'),
      title: 'Renamed channel',
      username: 'tchan_renamed',
      photo: new Api.ChatPhotoEmpty(),
      date: 0,
    });
    const messages = [
      message({ id: 11, message: 'one' }),
      new Api.MessageService({ id: 12, peerId: peer(), date, action: new Api.MessageActionPinMessage() }),
      message({ id: 13, message: 'three' }),
    ];
    const entry = { username: 'tchantest', title: 'Test channel' };
    const named = responseMapping(`-100${CHANNEL_ID}`, entry, [channel], ctx.collectedAt);
    expect(named.channel).toEqual({
      id: '-1001591537674',
      username: 'tchan_renamed',
      title: 'Renamed channel',
    });
    expect(named.posts(messages).map((p) => [p.messageId, p.channel.username])).toEqual([
      [11, 'tchan_renamed'],
      [13, 'tchan_renamed'],
    ]);
    const unnamed = responseMapping(`-100${CHANNEL_ID}`, { username: 'tchantest' }, [], ctx.collectedAt);
    expect(unnamed.channel).toEqual({ id: '-1001591537674', username: 'tchantest' });
    expect(unnamed.posts(messages)[0]).toMatchObject({
      channel: unnamed.channel,
      collectedAt: ctx.collectedAt,
    });
  });
});
