import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, connectionSchema, esAuth, loadConfig, positiveInt, serverUrls } from './index.ts';

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

describe('Elasticsearch auth (CW_ES_API_KEY, CW_ES_CA_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-config-ca-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(connectionSchema, env);
    } catch (e) {
      return (e as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };
  // The shape Elasticsearch hands out: `encoded` is base64 of `id:api_key`.
  const id = 'VuaCfGcBCdbkQm-e5aOx';
  const secret = 'ui2lp2axTNmsyakw9tvNnw';
  const encoded = Buffer.from(`${id}:${secret}`).toString('base64');

  it('takes an API key as Elasticsearch encodes it, or as id:api_key, and passes the encoded form on', () => {
    expect(esAuth(loadConfig(connectionSchema, { CW_ES_API_KEY: encoded }))).toEqual({ apiKey: encoded });
    expect(esAuth(loadConfig(connectionSchema, { CW_ES_API_KEY: `${id}:${secret}` }))).toEqual({
      apiKey: encoded,
    });
    expect(esAuth(loadConfig(connectionSchema, {}))).toEqual({});
  });

  it('refuses a malformed API key, naming the variable and never echoing the value', () => {
    for (const bad of [
      'not a key',
      'abc',
      Buffer.from('no-colon-inside').toString('base64'),
      'a:b:c',
      ':x',
    ]) {
      const problems = problemsOf({ CW_ES_API_KEY: bad });
      expect(problems, bad).toEqual([
        "CW_ES_API_KEY: expected an Elasticsearch API key: the `encoded` value POST /_security/api_key returns, or id:api_key; got '[redacted]'",
      ]);
    }
  });

  it('reads a CA file at start-up and hands its PEM to the client', () => {
    const pem = rootCertificates[0] ?? '';
    const path = join(dir, 'ca.pem');
    writeFileSync(path, pem);
    const config = loadConfig(connectionSchema, { CW_ES_CA_FILE: path });
    expect(config.CW_ES_CA_FILE?.path).toBe(path);
    expect(esAuth(config)).toEqual({ ca: pem });
  });

  it('refuses an unreadable CA file and one that holds no certificate, with every bad variable at once', () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    const key = join(dir, 'key.pem');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(problemsOf({ CW_ES_CA_FILE: join(dir, 'missing.pem'), CW_ES_API_KEY: 'x' })).toEqual([
      "CW_ES_API_KEY: expected an Elasticsearch API key: the `encoded` value POST /_security/api_key returns, or id:api_key; got '[redacted]'",
      `CW_ES_CA_FILE: expected a readable PEM file of CA certificates (ENOENT); got '${join(dir, 'missing.pem')}'`,
    ]);
    expect(problemsOf({ CW_ES_CA_FILE: dir })[0]).toMatch(
      /^CW_ES_CA_FILE: expected a readable PEM file .*\(EISDIR\)/,
    );
    for (const path of [garbage, key])
      expect(problemsOf({ CW_ES_CA_FILE: path })).toEqual([
        `CW_ES_CA_FILE: expected a PEM file of CA certificates (-----BEGIN CERTIFICATE-----); this file holds none that parses; got '${path}'`,
      ]);
  });
});
