import { indexedPost } from '@cw/domain';
import { z } from 'zod';

// What every endpoint answers, per status: the contract `/openapi.json` publishes and an outside
// fuzzer (schemathesis, `api-contract.test.ts`) checks each response against. Written with zod so
// the shapes sit beside the types; objects are open (a new field is not a breaking change).

const count = z.number().int().min(0);
const instant = z.string().describe('ISO-8601 date-time (UTC)');

const problem = z.object({
  parameter: z.string(),
  value: z.unknown(),
  expected: z.string(),
});

const error = (codes: string[], description: string) =>
  z
    .object({
      error: z.enum(codes as [string, ...string[]]),
      message: z.string(),
      problems: z.array(problem).optional(),
      requestId: z.string().optional(),
    })
    .describe(description);

const trendsBucket = z.object({
  start: z.string().describe('Bucket start in the requested zone: 2026-03-01T00:00:00+05:00 (Z for UTC)'),
  total: count,
  counts: z.record(z.string(), count),
  shares: z.record(z.string(), z.number().min(0).max(1)),
});

const trends = z.object({
  from: instant,
  to: instant,
  interval: z.enum(['hour', 'day', 'week']),
  timeZone: z.string(),
  split: z.enum(['narrative', 'channel', 'lang']),
  keys: z.array(z.string()),
  buckets: z.array(trendsBucket),
  totals: z.object({ posts: count, counts: z.record(z.string(), count) }),
});

const postHit = indexedPost.omit({
  textStems: true,
  fingerprintBands: true,
  textOriginal: true,
  version: true,
});

const posts = z.object({
  from: instant,
  to: instant,
  sort: z.enum(['time', 'views', 'forwards', 'relevance']),
  order: z.enum(['asc', 'desc']),
  total: z.object({ value: count, exact: z.boolean() }),
  hits: z.array(postHit),
  nextCursor: z.string().optional(),
});

const channelsTop = z.object({
  from: instant,
  to: instant,
  narrativePosts: count,
  channels: z.array(
    z.object({
      id: z.string(),
      username: z.string().optional(),
      title: z.string().optional(),
      posts: count,
      share: z.number().min(0).max(1),
      forwards: count,
      forwardShare: z.number().min(0).max(1),
      channelPosts: count,
    }),
  ),
});

const termsEmerging = z.object({
  from: instant,
  to: instant,
  backgroundFrom: instant,
  foregroundPosts: count,
  backgroundPosts: count,
  terms: z.array(z.object({ term: z.string(), score: z.number(), docCount: count, backgroundCount: count })),
});

const clusters = z.object({
  from: instant,
  to: instant,
  clusters: z.array(
    z.object({
      posts: count,
      channelCount: count,
      channels: z.array(z.string()),
      fingerprints: z.array(z.string()),
      first: z.object({
        id: z.string(),
        url: z.string(),
        channel: z.object({ id: z.string(), username: z.string().optional() }),
        postedAt: z.string(),
        text: z.string(),
      }),
    }),
  ),
});

const narratives = z.object({
  narratives: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      languages: z.array(z.string()),
      volume: z.object({ last24h: count, last7d: count }),
    }),
  ),
});

const alerts = z.object({
  alerts: z.array(z.object({ id: z.string(), narrative: z.string(), firstSeenAt: z.string() })),
  nextCursor: z.string().optional(),
});

export const bodies = { trends, posts, channelsTop, termsEmerging, clusters, narratives, alerts } as const;

/** Open objects, OpenAPI 3.0 flavour (nullable, no $schema): what @fastify/swagger publishes. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return open(json) as Record<string, unknown>;
}

function open(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(open);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    out[key] = open(value);
  }
  return out;
}

const errorBody = (status: number) => {
  switch (status) {
    case 400:
      return error(['bad_request'], 'Bad parameters: every one named with its value and what is expected');
    case 401:
      return error(['unauthorized'], 'No API key, or one that is not configured (WWW-Authenticate: Bearer)');
    case 429:
      return error(
        ['rate_limited'],
        'Over the rate limit of the key, or too many failed sign-ins from the address (Retry-After)',
      );
    case 503:
      return error(
        ['unavailable'],
        'Elasticsearch unreachable, overloaded, or answered in part (Retry-After)',
      );
    default:
      return error(['internal'], 'An internal error; the request id finds it in the logs');
  }
};

const DESCRIPTIONS: Record<number, string> = {
  200: 'The answer',
  400: 'Bad parameters',
  401: 'Missing or unknown API key',
  429: 'Rate limited',
  431: 'Request headers too large (answered by Node before the service, without a body)',
  500: 'Internal error',
  503: 'Search backend unavailable',
};

/** The `response` part of a route schema: the body per status, and CSV where the route has it. */
export function responses(body: keyof typeof bodies, options: { csv?: boolean } = {}) {
  const ok: Record<string, unknown> = { 'application/json': { schema: jsonSchema(bodies[body]) } };
  if (options.csv) ok['text/csv'] = { schema: { type: 'string' } };
  const out: Record<string, unknown> = { 200: { description: DESCRIPTIONS[200], content: ok } };
  for (const status of [400, 401, 429, 500, 503]) {
    out[status] = {
      description: DESCRIPTIONS[status],
      content: { 'application/json': { schema: jsonSchema(errorBody(status)) } },
    };
  }
  out[431] = { description: DESCRIPTIONS[431] };
  return out;
}
