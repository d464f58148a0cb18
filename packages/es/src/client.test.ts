import { Serializer } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { createEsClient } from './client.ts';

describe('bulk body serializer', () => {
  const lines = [
    { index: { _index: 'cw-posts-2026-09', _id: '-100_1' } },
    '{"text":"Контракт с Минобороны, выплаты от 220 тысяч 💰🇰🇿","lang":"ru"}',
    { update: { _index: 'cw-posts-2026-09', _id: '-100_2' } },
    { doc: { deletedAt: '2026-09-01T00:00:00.000Z', note: 'Қазақстан арқылы келді — ўзбек' } },
    '{"text":"plain ascii"}',
  ];

  it('encodes the same NDJSON bytes as the default serializer, multi-byte text included', () => {
    const ours = createEsClient('http://127.0.0.1:9').serializer.ndserialize(lines) as unknown;
    const standard = Buffer.from(new Serializer().ndserialize(lines));
    expect(Buffer.isBuffer(ours)).toBe(true);
    expect((ours as Buffer).equals(standard)).toBe(true);
    expect((ours as Buffer).toString('utf8').endsWith('"plain ascii"}\n')).toBe(true);
  });

  it('keeps a lone surrogate as the default does (replacement character)', () => {
    const broken = ['{"text":"\ud83d"}'];
    const ours = createEsClient('http://127.0.0.1:9').serializer.ndserialize(broken) as unknown as Buffer;
    expect(ours.equals(Buffer.from(new Serializer().ndserialize(broken)))).toBe(true);
  });
});
