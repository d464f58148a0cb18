import type { CollectedPostInput } from '@cw/domain';

/** A valid collected post; tests override what they are about. */
export function makePost(messageId: number, overrides: Partial<CollectedPostInput> = {}): CollectedPostInput {
  return {
    channel: { id: '-1001234567890', username: 'test_news_kz', title: 'Test News' },
    messageId,
    postedAt: new Date(Date.UTC(2026, 9, 1, 8, 0, messageId % 3600)).toISOString(),
    collectedAt: new Date(Date.UTC(2026, 9, 2)).toISOString(),
    text: `Новости дня №${messageId}: в Алматы открыли новый парк, подробности https://example.kz/n/${messageId}?utm_source=tg #алматы`,
    media: [{ kind: 'photo' }],
    metrics: { views: 100 + messageId, forwards: 2 },
    source: 'replay',
    ...overrides,
  };
}
