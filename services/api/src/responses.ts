import { indexedPost } from '@cw/domain';
import { z } from 'zod';

// What every endpoint answers, per status: the contract `/openapi.json` publishes and an outside
// fuzzer (schemathesis, `api-contract.test.ts`) checks each response against. Written with zod so
// the shapes sit beside the types; objects are open (a new field is not a breaking change).

const count = z.number().int().min(0);
const instant = z.string().describe('ISO-8601 date-time (UTC)');

const problem = z.object({
  parameter: z.string(),
  value: z.unknown().optional().describe('The value sent; absent when the parameter is missing'),
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

const clusterPost = z.object({
  id: z.string(),
  url: z.string(),
  channel: z.object({ id: z.string(), username: z.string().optional() }),
  postedAt: z.string(),
  text: z.string(),
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
      first: clusterPost,
    }),
  ),
});

/** The pipeline's figures on a set of real posts measured apart, with how many there were. */
const measuredOnPosts = (posts: string) =>
  z.object({
    posts: count.describe(posts),
    precision: z.number().min(0).max(1).nullable(),
    recall: z.number().min(0).max(1).nullable(),
    tp: count,
    fp: count,
    fn: count,
  });

const narratives = z.object({
  narratives: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      languages: z.array(z.string()),
      volume: z.object({ last24h: count, last7d: count }),
      evaluation: z
        .object({
          split: z.string(),
          tagger: z.string().describe('The tagger version the figures are for'),
          evaluatedAt: instant,
          passages: count.describe('Real labelled passages in the split, none used in training'),
          current: z
            .boolean()
            .describe('false: the heads changed since, the figures are for an earlier model'),
          precision: z.number().min(0).max(1).nullable(),
          recall: z.number().min(0).max(1).nullable(),
          tp: count,
          fp: count,
          fn: count,
          longPosts: measuredOnPosts(
            'Long real posts (several paragraphs, claims can come late), none used in training',
          )
            .optional()
            .describe("The pipeline's tags on the long real posts (cw narratives eval)"),
          telegramPosts: measuredOnPosts(
            "Whole real Telegram channel posts of the test split's channels, none used in training",
          )
            .optional()
            .describe(
              "The pipeline's tags on the test split's Telegram channel posts alone (cw narratives eval)",
            ),
        })
        .optional()
        .describe("The pipeline's tags on the locked real test split (cw narratives eval)"),
    }),
  ),
});

const alerts = z.object({
  alerts: z.array(z.object({ id: z.string(), narrative: z.string(), firstSeenAt: z.string() })),
  nextCursor: z.string().optional(),
});

// The workbench's routes (issue #15).

const forwardSources = z.object({
  from: instant,
  to: instant,
  forwards: count.describe('All matching forwards'),
  sources: z.array(
    z.object({
      id: z.string().optional().describe('Absent when Telegram hides the origin'),
      username: z.string().optional(),
      name: z.string().optional(),
      posts: count,
    }),
  ),
});

const clusterPosts = z.object({ posts: z.array(clusterPost).max(500) });

const postDetail = z.object({
  post: postHit,
  versions: z.array(
    z.object({
      version: z.number().int(),
      editedAt: z.string().optional(),
      collectedAt: z.string().optional(),
      text: z.string(),
    }),
  ),
});

const verdict = z.object({
  postId: z.string(),
  narrative: z.string(),
  verdict: z.enum(['confirm', 'reject', 'add']),
  tagged: z.boolean().describe('Whether the post carried the narrative when judged'),
  postNarratives: z.array(z.string()).describe("The post's narratives when judged"),
  note: z.string().optional(),
  key: z.string().describe('Name of the API key that gave the verdict'),
  at: instant,
  channelId: z.string(),
  postedAt: z.string(),
  lang: z.string(),
  url: z.string(),
  text: z.string(),
  tagger: z.string().optional(),
});

const feedback = z.object({ feedback: z.array(verdict) });

const precision = z.object({
  from: instant,
  to: instant,
  narratives: z.array(
    z.object({
      narrative: z.string(),
      confirmed: count,
      rejected: count,
      added: count,
      precision: z.number().min(0).max(1).nullable().describe('confirmed / (confirmed + rejected)'),
    }),
  ),
});

const signInLink = z.object({
  token: z.string(),
  expiresAt: instant,
  path: z.string().describe('The page with the token in its fragment'),
});

const session = z.object({
  session: z.string(),
  name: z.string().describe('The name of the key the session acts as'),
  expiresAt: instant,
});

export const bodies = {
  trends,
  posts,
  channelsTop,
  termsEmerging,
  clusters,
  narratives,
  alerts,
  forwardSources,
  clusterPosts,
  postDetail,
  verdict,
  feedback,
  precision,
  signInLink,
  session,
} as const;

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
    case 404:
      return error(['not_found'], 'No such post');
    case 413:
      return error(['payload_too_large'], 'The body is over the limit (1 MiB)');
    case 415:
      return error(['unsupported_media_type'], 'The body is not sent as application/json');
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
  201: 'Made',
  400: 'Bad parameters',
  401: 'Missing or unknown API key',
  404: 'Not found',
  413: 'Body too large',
  415: 'Body not JSON',
  429: 'Rate limited',
  431: 'Request headers too large (answered by Node before the service, without a body)',
  500: 'Internal error',
  503: 'Search backend unavailable (or, for sign-in routes, the session store)',
};

type ResponseOptions = {
  csv?: boolean;
  /** 201 for a route that makes something. */
  status?: 200 | 201;
  /** The route answers 404 for a resource it names (a post id). */
  notFound?: boolean;
  /** The route reads a JSON body, so Fastify's 413 and 415 can answer before it. */
  body?: boolean;
  /** What a 401 means here, where it is not about the API key. */
  unauthorized?: string;
};

/** The `response` part of a route schema: the body per status, and CSV where the route has it. */
export function responses(body: keyof typeof bodies, options: ResponseOptions = {}) {
  const ok: Record<string, unknown> = { 'application/json': { schema: jsonSchema(bodies[body]) } };
  if (options.csv) ok['text/csv'] = { schema: { type: 'string' } };
  const success = options.status ?? 200;
  const out: Record<string, unknown> = { [success]: { description: DESCRIPTIONS[success], content: ok } };
  const statuses = [400, 401, ...(options.notFound ? [404] : []), ...(options.body ? [413, 415] : [])];
  for (const status of [...statuses, 429, 500, 503]) {
    const description = (status === 401 && options.unauthorized) || DESCRIPTIONS[status];
    out[status] = {
      description,
      content: { 'application/json': { schema: jsonSchema(errorBody(status)) } },
    };
  }
  out[431] = { description: DESCRIPTIONS[431] };
  return out;
}
