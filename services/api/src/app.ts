import type { Client } from '@cw/es';
import type { Logger } from '@cw/logging';
import type { Redis } from '@cw/redis';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type ApiKey, authenticate } from './auth.ts';
import { type Breaker, createBreaker, watchClient } from './breaker.ts';
import { installErrorHandler } from './errors.ts';
import { type ApiMetrics, createApiMetrics } from './metrics.ts';
import { registerAlerts } from './routes/alerts.ts';
import { registerChannels } from './routes/channels.ts';
import { registerClusterPosts } from './routes/cluster-posts.ts';
import { registerClusters } from './routes/clusters.ts';
import type { NarrativeSummary, RouteContext } from './routes/context.ts';
import { registerFeedback } from './routes/feedback.ts';
import { registerForwardSources } from './routes/forward-sources.ts';
import { registerHealth } from './routes/health.ts';
import { registerNarratives } from './routes/narratives.ts';
import { registerPostDetail } from './routes/post-detail.ts';
import { registerPosts } from './routes/posts.ts';
import { registerTerms } from './routes/terms.ts';
import { registerTrends } from './routes/trends.ts';
import type { Normaliser, Stemmer } from './search-text.ts';
import { createTrendsService } from './trends-cache.ts';
import type { Limits } from './window.ts';
import type { WorkbenchAssets } from './workbench/build.ts';
import { registerSessions, registerWorkbench } from './workbench/routes.ts';
import { createSessionStore, type SessionStore } from './workbench/sessions.ts';

export type AppDeps = {
  es: Client;
  prefix: string;
  log: Logger;
  /** Hashed keys; `'off'` only when CW_API_AUTH=off was set on purpose. */
  auth: ApiKey[] | 'off';
  rateLimitPerMinute: number;
  /** Failed sign-ins allowed per address and minute; beyond, every request from it gets 429. */
  signInFailuresPerMinute?: number;
  /** Shared counters for several replicas (`@fastify/rate-limit`'s Redis store); else in-process. */
  redis?: Redis | undefined;
  /** Prefix of the rate limit keys in Redis. */
  redisPrefix?: string;
  /** Opens after this many unreachable answers in a row (default 3) for openMs (default 5 s). */
  breaker?: Breaker;
  limits: Limits;
  definitions: () => NarrativeSummary[];
  stem: Stemmer;
  normalise: Normaliser;
  now?: () => Date;
  /** How long whole past days of trends are reused; 0 asks Elasticsearch every time. */
  trendsCacheSeconds?: number;
  metrics?: ApiMetrics;
  /** The analysts' page at `/`; without it (most tests) the API serves no page. */
  workbench?: WorkbenchAssets;
  /** Workbench sign-in links and sessions; by default in `redis` when given, else in memory. */
  sessions?: SessionStore;
};

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: string | undefined;
  }
}

const PUBLIC = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', '/', '/assets/:name']);
const isPublic = (url: string | undefined) =>
  !!url && (PUBLIC.has(url) || url === '/docs' || url.startsWith('/docs/'));
// Trading a sign-in token needs no key, but stays rate-limited (per address).
const needsNoKey = (url: string | undefined) => isPublic(url) || url === '/v1/sessions';

/** Request line and headers together; Node answers 431 above it. */
export const MAX_HEADER_BYTES = 32 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const metrics = deps.metrics ?? createApiMetrics();
  const sessions =
    deps.sessions ?? createSessionStore({ redis: deps.redis, keyPrefix: deps.redisPrefix ?? deps.prefix });
  const app: FastifyInstance = Fastify({
    // Our pino instance: request.log is its child per request, with the request id.
    loggerInstance: deps.log as FastifyBaseLogger,
    requestIdHeader: 'x-request-id',
    // A GET /v1/feedback naming the 500 post ids it allows, each at its longest, is a 21 KB request
    // line: over Node's default 16 KiB header limit, it was answered 431 before reaching us.
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // Parameters are validated by our zod schemas (clear 400s); the JSON schemas are for the docs.
    ajv: { customOptions: { strict: false } },
  });
  app.setValidatorCompiler(() => () => true);
  // Response schemas are the published contract (checked by the schemathesis test), not a
  // serializer: fast-json-stringify would drop fields the schema leaves open.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('apiKey', undefined);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'channelwatch API',
        version: '1.0.0',
        description:
          'Read-only queries over indexed Telegram posts: narrative trends, posts, channels, emerging terms, ' +
          'copy-paste clusters, narratives and alerts. Send `Authorization: Bearer <key>`. Errors are ' +
          '`{error, message, problems?: [{parameter, value, expected}]}`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const breaker = deps.breaker ?? createBreaker({ failures: 3, openMs: 5000 });
  watchClient(deps.es, breaker);

  const keyPrefix = `${deps.redisPrefix ?? deps.prefix}:api-rate:`;
  await app.register(rateLimit, {
    global: true,
    max: deps.rateLimitPerMinute,
    timeWindow: '1 minute',
    // After authentication, so the limit is per key, not per address behind a shared proxy.
    hook: 'preHandler',
    keyGenerator: (request) => `key:${request.apiKey ?? request.ip}`,
    allowList: (request) => isPublic(request.routeOptions.url),
    ...(deps.redis ? { redis: deps.redis, nameSpace: keyPrefix } : {}),
    // Redis away: serve without counting rather than fail every request.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate_limited',
      message: `rate limit exceeded, retry in ${context.after}`,
    }),
  });
  // Failed sign-ins per address, counted before any key is checked: guessing keys is slowed down,
  // and a blocked address gets 429 even for a right key (else the 200 would confirm a guess).
  const signIns = app.createRateLimit({
    max: deps.signInFailuresPerMinute ?? 20,
    timeWindow: '1 minute',
    keyGenerator: (request) => `signin:${request.ip}`,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (needsNoKey(request.routeOptions.url) || !request.routeOptions.url) return;
    if (deps.auth === 'off') {
      request.apiKey = 'anonymous';
      return;
    }
    const tooMany = (ttlInSeconds: number) => {
      metrics.authFailures.inc({ reason: 'rate_limited' });
      return reply
        .code(429)
        .header('retry-after', String(Math.max(1, ttlInSeconds)))
        .send({ error: 'rate_limited', message: 'too many failed sign-ins from this address; retry later' });
    };
    const status = await signIns(request, { increment: false });
    if (!status.isAllowed && status.isExceeded) return tooMany(status.ttlInSeconds);
    const header = request.headers.authorization;
    const name = authenticate(header, deps.auth) ?? (await sessions.authenticate(header));
    if (!name) {
      metrics.authFailures.inc({ reason: header ? 'wrong' : 'missing' });
      const counted = await signIns(request);
      if (!counted.isAllowed && counted.isExceeded) return tooMany(counted.ttlInSeconds);
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          error: 'unauthorized',
          message: header ? 'unknown API key' : 'send Authorization: Bearer <API key>',
        });
    }
    request.apiKey = name;
    request.log = request.log.child({ key: name });
  });
  // Elasticsearch known to be unreachable: answer 503 at once (after the rate limit, before the query).
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url?.startsWith('/v1/')) breaker.admit();
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.requestSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      seconds,
    );
  });

  const now = deps.now ?? (() => new Date());
  const ctx: RouteContext = {
    es: deps.es,
    prefix: deps.prefix,
    limits: deps.limits,
    now,
    trends: createTrendsService(deps.es, deps.prefix, { ttlMs: (deps.trendsCacheSeconds ?? 60) * 1000, now }),
    definitions: deps.definitions,
    stem: deps.stem,
    normalise: deps.normalise,
  };
  registerHealth(app, { es: deps.es, registry: metrics.registry, breaker });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerTrends(app, ctx);
  registerPosts(app, ctx);
  registerChannels(app, ctx);
  registerTerms(app, ctx);
  registerClusters(app, ctx);
  registerNarratives(app, ctx);
  registerAlerts(app, ctx);
  registerPostDetail(app, ctx);
  registerClusterPosts(app, ctx);
  registerForwardSources(app, ctx);
  registerFeedback(app, ctx);
  registerSessions(app, sessions);
  if (deps.workbench) registerWorkbench(app, deps.workbench);
  await app.ready();
  return app;
}
