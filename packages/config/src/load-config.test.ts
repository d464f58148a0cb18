import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, connectionSchema, loadConfig, positiveInt, serverUrls } from './index.ts';

describe('loadConfig', () => {
  it('rejects a malformed Elasticsearch URL with a line naming the variable and the expectation', () => {
    try {
      loadConfig(connectionSchema, { CW_ES_URL: 'notaurl' });
      expect.unreachable('a bad URL must throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const { problems } = err as ConfigError;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^CW_ES_URL: expected the Elasticsearch address as an http\(s\) URL/);
      expect(problems[0]).toContain("got 'notaurl'");
      // One bad variable: one line, as a service prints it when it refuses to start.
      expect((err as Error).message).toBe(`invalid configuration: ${problems[0]}`);
    }
  });

  it('reports every bad variable at once, not only the first', () => {
    const schema = connectionSchema.extend({ CW_BATCH_SIZE: positiveInt(500) });
    const err = (() => {
      try {
        loadConfig(schema, { CW_REDIS_PORT: '99999', CW_BATCH_SIZE: 'lots', CW_LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'CW_BATCH_SIZE',
      'CW_LOG_LEVEL',
      'CW_REDIS_PORT',
    ]);
  });

  it('never prints the value of a secret variable', () => {
    const schema = z.object({ TELEGRAM_SESSION: z.string().min(100, 'expected a saved session string') });
    expect(() => loadConfig(schema, { TELEGRAM_SESSION: 'short-secret' })).toThrow(/\[redacted\]/);
    expect(() => loadConfig(schema, { TELEGRAM_SESSION: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('treats empty variables as unset and applies defaults', () => {
    const config = loadConfig(connectionSchema, { CW_ES_URL: '', CW_REDIS_PORT: '6390' });
    expect(config.CW_ES_URL).toBeUndefined();
    expect(serverUrls(config)).toEqual({
      redisUrl: 'redis://127.0.0.1:6390',
      esUrl: 'http://127.0.0.1:9200',
    });
  });

  it('takes several Elasticsearch nodes separated by commas, and refuses one bad among them', () => {
    const ok = loadConfig(connectionSchema, { CW_ES_URL: 'https://u:p@es1:9200,https://es2:9200' });
    expect(serverUrls(ok).esUrl).toBe('https://u:p@es1:9200,https://es2:9200');
    expect(() => loadConfig(connectionSchema, { CW_ES_URL: 'http://es1:9200,es2:9200' })).toThrow(
      /^invalid configuration: CW_ES_URL: expected the Elasticsearch address/,
    );
  });

  it('refuses replica and shard counts out of range, naming the variable', () => {
    const defaults = loadConfig(connectionSchema, {});
    expect([defaults.CW_ES_REPLICAS, defaults.CW_ES_SHARDS_PER_MONTH]).toEqual([0, 1]);
    const err = (() => {
      try {
        loadConfig(connectionSchema, { CW_ES_REPLICAS: '-1', CW_ES_SHARDS_PER_MONTH: '0' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.problems).toEqual([
      "CW_ES_REPLICAS: expected a number of replicas per shard from 0 to 5; got '-1'",
      "CW_ES_SHARDS_PER_MONTH: expected a number of primary shards per monthly index from 1 to 64; got '0'",
    ]);
  });
});
