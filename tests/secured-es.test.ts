// The services against an Elasticsearch with security on, as an existing production cluster runs it:
// HTTPS with a certificate from a private CA (CW_ES_CA_FILE) and a user whose role covers only the
// index prefix. Its own node on port 19240 (transport 19340), never the shared servers.
//
// CW_ES_API_KEY is checked as far as this distribution allows: API keys live in the `.security`
// index, whose mapping needs the analysis-common module the test distribution lacks, so no key can be
// minted here. The test shows the node receives our header as an API key and reads its id from it.
import { connectionSchema, esAuth, loadConfig, serverUrls } from '@cw/config';
import { createEsClient } from '@cw/es';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../services/api/src/auth.ts';
import { main as api } from '../services/api/src/main.ts';
import { dataset, END, loadDataset, START } from '../services/api/src/testing/load.ts';
import { run as retention } from '../services/cli/src/commands/retention.ts';
import { run as stack } from '../services/cli/src/commands/stack.ts';
import { captureIo, withEnv } from './support/command-io.ts';
import { freePort } from './support/ports.ts';
import { type SecuredEs, startSecuredEs } from './support/secured-es.ts';
import { servers, uniquePrefix } from './support/servers.ts';

const PORT = 19_240;
const prefix = uniquePrefix();
let es: SecuredEs;
let env: Record<string, string>;

type Failure = { name?: string; statusCode?: number; message?: string; body?: unknown };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({}) as Failure,
    (e: unknown) => e as Failure,
  );

beforeAll(async () => {
  es = await startSecuredEs({
    port: PORT,
    // What the README tells an operator to grant the services.
    serviceRole: {
      cluster: ['monitor', 'manage_index_templates'],
      indices: [`${prefix}-*`],
      privileges: ['all'],
    },
    report: (line) => console.log(`[secured-es] ${line}`),
  });
  const url = new URL(es.url);
  url.username = es.service.username;
  url.password = es.service.password;
  env = {
    CW_ES_URL: url.toString().replace(/\/$/, ''),
    CW_ES_CA_FILE: es.caFile,
    CW_REDIS_URL: servers().redisUrl,
    CW_INDEX_PREFIX: prefix,
    CW_QUEUE_PREFIX: prefix,
    CW_LOG_LEVEL: 'silent',
  };
}, 240_000);

afterAll(async () => {
  await es?.stop();
}, 60_000);

describe('Elasticsearch with security on (TLS from a private CA, a user limited to the prefix)', () => {
  it('is written by a client made from the configuration and read by the API service', async () => {
    const config = loadConfig(connectionSchema, env);
    const writer = createEsClient(serverUrls(config).esUrl, esAuth(config));
    const posts = dataset();
    try {
      await loadDataset(writer, prefix, posts);
    } finally {
      await writer.close();
    }
    const port = await freePort();
    const key = 'cw_secured_test_key';
    const stop = await api(
      { ...env, CW_API_PORT: String(port), CW_API_KEYS: `analyst:${hashApiKey(key)}` },
      { embedded: true },
    );
    try {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const found = await fetch(`http://127.0.0.1:${port}/v1/posts?from=${START}&to=${END}&limit=1`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(found.status).toBe(200);
      expect(((await found.json()) as { total: { value: number } }).total.value).toBe(posts.length);
    } finally {
      await stop();
    }
  });

  it('is used by CLI commands through the same variables', async () => {
    const { io, out, err } = captureIo();
    const code = await withEnv({ ...env, CW_RETENTION_MONTHS: '1' }, () =>
      retention(['--dry-run', '--at', '2026-12-01T00:00:00Z'], io),
    );
    expect(err()).toBe('');
    expect(code).toBe(0);
    // The test data is in March 2026: its month is past a one-month retention.
    expect(out()).toContain(`would drop  ${prefix}-posts-2026.03`);
  });

  it('is found by `cw stack status` with the same variables, the password never printed', async () => {
    const { io, out } = captureIo();
    const code = await withEnv(env, () => stack(['status'], io));
    expect(code).toBe(0);
    expect(out()).toMatch(
      new RegExp(
        `elasticsearch\\s+8\\.\\S+\\s+https://cw_service:\\*\\*\\*@127\\.0\\.0\\.1:${PORT}\\s+(green|yellow) \\(1 node\\)\\s+external`,
      ),
    );
    expect(out()).toMatch(/node cw-secured\s+127\.0\.0\.1:19240/);
    expect(out()).not.toContain(es.service.password);
  });

  it('refuses the node without the private CA, a wrong password, and indices outside the prefix', async () => {
    const untrusting = createEsClient(env['CW_ES_URL'] ?? '', { maxRetries: 0 });
    const untrusted = await failure(untrusting.cluster.health());
    expect(untrusted.name).toBe('ConnectionError');
    expect(untrusted.message).toMatch(/certificate/i);
    await untrusting.close();

    const wrong = createEsClient(`https://${es.service.username}:nope@127.0.0.1:${PORT}`, {
      ca: es.ca,
      maxRetries: 0,
    });
    expect((await failure(wrong.cluster.health())).statusCode).toBe(401);
    await wrong.close();

    const limited = createEsClient(env['CW_ES_URL'] ?? '', { ca: es.ca, maxRetries: 0 });
    expect((await failure(limited.indices.create({ index: 'someone-else' }))).statusCode).toBe(403);
    await limited.close();
  });

  it('receives CW_ES_API_KEY as an API key: the node reads the key id from the header', async () => {
    const id = 'VuaCfGcBCdbkQm-e5aOx';
    for (const given of [
      `${id}:ui2lp2axTNmsyakw9tvNnw`,
      Buffer.from(`${id}:ui2lp2axTNmsyakw9tvNnw`).toString('base64'),
    ]) {
      const config = loadConfig(connectionSchema, {
        CW_ES_URL: es.url,
        CW_ES_API_KEY: given,
        CW_ES_CA_FILE: es.caFile,
      });
      const client = createEsClient(serverUrls(config).esUrl, { ...esAuth(config), maxRetries: 0 });
      const refused = await failure(client.cluster.health());
      await client.close();
      // No key can exist on this node (see the top of the file), so 401; but the reason names the id
      // our header carried, which only an `Authorization: ApiKey base64(id:key)` header gives.
      expect(refused.statusCode).toBe(401);
      expect(JSON.stringify(refused.body)).toContain(`API key: apikey authentication for id ${id}`);
    }
  });

  it('stops the API at start-up when the CA file cannot be read, naming the variable', async () => {
    await expect(api({ ...env, CW_API_AUTH: 'off', CW_ES_CA_FILE: '/nonexistent/ca.pem' })).rejects.toThrow(
      /CW_ES_CA_FILE: expected a readable PEM file of CA certificates \(ENOENT\)/,
    );
  });
});
