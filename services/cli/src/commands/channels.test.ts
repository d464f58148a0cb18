import { ChannelRegistry } from '@cw/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { ready } from '../../../collector/src/test/helpers.ts';
import { run } from './channels.ts';

const ctx = isolatedServers();
let saved: string | undefined;
beforeAll(async () => {
  await ready(ctx.redis);
  saved = process.env['CW_QUEUE_PREFIX'];
  process.env['CW_QUEUE_PREFIX'] = ctx.prefix;
});
afterAll(() => {
  if (saved === undefined) delete process.env['CW_QUEUE_PREFIX'];
  else process.env['CW_QUEUE_PREFIX'] = saved;
});

describe('cw channels status', () => {
  it('shows per channel the last id, last catch-up, gaps found and filled, too-long gaps and the last error', async () => {
    const registry = new ChannelRegistry(ctx.redis, ctx.prefix);
    await registry.add(['steady_news', 'never_seen'], 'telegram');
    await registry.add(['web_only'], 'web');
    const entry = (await registry.get('steady_news'))!;
    await registry.update({ ...entry, id: '-1001591537674', status: 'ok', joined: true });
    await registry.advance(
      '-1001591537674',
      120,
      '2026-11-20T09:00:00.000Z',
      new Date('2026-11-20T09:01:00Z'),
    );
    await registry.advancePts('-1001591537674', 4321);
    await registry.noteHealth('-1001591537674', { at: '2026-11-20T10:00:00.000Z', found: 3, filled: 3 });
    await registry.noteHealth('-1001591537674', {
      at: '2026-11-20T11:00:00.000Z',
      found: 2,
      filled: 2,
      tooLong: true,
    });
    await registry.noteHealth('-1001591537674', { at: '2026-11-20T12:00:00.000Z', error: 'CHANNEL_PRIVATE' });

    const capture = captureIo('');
    expect(await run(['status'], capture.io)).toBe(0);
    const lines = capture.out().trim().split('\n');
    expect(lines[0]).toMatch(
      /^channel\s+source\s+status\s+last id\s+last collected\s+pts\s+last catch-up\s+gaps f\/filled\s+too long\s+last error/,
    );
    const steady = lines.find((l) => l.startsWith('@steady_news')) ?? '';
    expect(steady.split(/\s{2,}/)).toEqual([
      '@steady_news',
      'telegram',
      'ok',
      '120',
      '2026-11-20 09:01:00',
      '4321',
      '2026-11-20 11:00:00',
      '5/5',
      '1',
      '2026-11-20 12:00:00 CHANNEL_PRIVATE',
    ]);
    expect(lines.find((l) => l.startsWith('@never_seen'))).toMatch(/pending\s+0\s+never\s+-\s+never\s+-\s+-/);
    expect(lines.find((l) => l.startsWith('@web_only'))).toContain('n/a (web)');
  });
});
