import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedServers } from '../../../../tests/support/servers.ts';
import { ready } from '../test/helpers.ts';
import { ChannelRegistry, parseUsername } from './registry.ts';
import { parseSeedFile } from './seed-file.ts';

const { redis, prefix } = isolatedServers();
beforeAll(() => ready(redis));

describe('channel registry', () => {
  it('adds, lists and removes channels, keeping resolved ids, titles and cursors', async () => {
    const registry = new ChannelRegistry(redis, `${prefix}-reg`);
    expect(await registry.add(['durov', 'Some_Channel'], 'telegram')).toEqual(['durov', 'Some_Channel']);
    expect(await registry.add(['some_channel', 'tchantest'], 'web')).toEqual(['tchantest']);
    const entry = await registry.get('SOME_CHANNEL');
    expect(entry).toMatchObject({ username: 'Some_Channel', source: 'telegram', status: 'pending' });
    await registry.update({
      ...entry!,
      id: '-1001234567890',
      title: 'Some channel',
      access: { '777': '-123456789012345' },
      status: 'ok',
    });
    await registry.advance(
      '-1001234567890',
      42,
      '2024-01-01T00:00:00.000Z',
      new Date('2024-01-02T00:00:00Z'),
    );
    const list = await registry.list();
    expect(list.map((c) => c.username)).toEqual(['durov', 'Some_Channel', 'tchantest']);
    expect(list[1]).toMatchObject({
      id: '-1001234567890',
      access: { '777': '-123456789012345' },
      cursor: 42,
      lastCollectedAt: '2024-01-02T00:00:00.000Z',
      lastPostAt: '2024-01-01T00:00:00.000Z',
    });
    expect(await registry.remove('durov')).toBe(true);
    expect(await registry.remove('durov')).toBe(false);
    expect((await registry.list()).map((c) => c.username)).toEqual(['Some_Channel', 'tchantest']);
  });

  it('never moves a cursor backwards', async () => {
    const registry = new ChannelRegistry(redis, `${prefix}-cursor`);
    expect(await registry.advance('-1001', 10, '2024-01-01T00:00:00Z')).toBe(10);
    expect(await registry.advance('-1001', 7, '2024-01-01T00:00:00Z')).toBe(10);
    expect(await registry.cursor('-1001')).toBe(10);
    await registry.initCursor('-1001', 3);
    expect(await registry.cursor('-1001')).toBe(10);
  });
});

describe('usernames and the seed file', () => {
  it('accepts @name, t.me links and bare names, and refuses what is not a username', () => {
    expect(parseUsername('@durov')).toBe('durov');
    expect(parseUsername('https://t.me/s/tchantest')).toBe('tchantest');
    expect(parseUsername('t.me/Some_Channel/123')).toBe('Some_Channel');
    expect(parseUsername('ab')).toBeUndefined();
    expect(parseUsername('1channel')).toBeUndefined();
  });

  it('reads channels with a default and per-entry sources, reporting invalid names', () => {
    const result = parseSeedFile(
      'source: web\nchannels:\n  - durov\n  - { username: "@other_one", source: telegram }\n  - "no way"\n',
    );
    expect(result.channels).toEqual([
      { username: 'durov', source: 'web' },
      { username: 'other_one', source: 'telegram' },
    ]);
    expect(result.invalid).toEqual(['no way']);
  });
});
