import { DEFAULT_MAX_DISTANCE } from '@cw/es';
import { z } from 'zod';
import { BadRequestError, type Problem, shorten } from './errors.ts';
import { canonicalTimeZone, knownTimeZones } from './time-zone.ts';

// Every endpoint's query parameters, in one place. Each schema's error message says what is
// expected; `parseQuery` turns zod issues into {parameter, value, expected}. Unknown parameters
// are refused too: a misspelt filter silently ignored would give wrong numbers.

// Years 2000–2999: no post is older, and a later year with an offset would leave four-digit years.
const ISO =
  /^(2\d{3})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;
const ISO_EXPECTED =
  'expected an ISO-8601 date (2026-01-31) or date-time with offset (2026-01-31T10:00:00Z), year 2000–2999';

/** The instant of a strict ISO-8601 date or date-time, or undefined (2026-02-30 is not March 2). */
export function parseIsoInstant(value: string): number | undefined {
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offset = 0;
  if (m[9]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
}

// The same rules as a pattern, for the OpenAPI document: days per month, 29 February in leap years.
const DAY_OF_YEAR =
  '(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)';
const LEAP_YEAR = '(?:2[0-9](?:[02468][48]|[13579][26]|[2468]0)|2[048]00)';
const TIME =
  '(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?(?:Z|[+-](?:0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00))?';
export const ISO_PATTERN = `^(?:2[0-9]{3}-${DAY_OF_YEAR}|${LEAP_YEAR}-02-29)${TIME}$`;

const isoDate = z
  .string({ error: ISO_EXPECTED })
  .refine((v) => parseIsoInstant(v) !== undefined, ISO_EXPECTED)
  .transform((v) => new Date(parseIsoInstant(v) as number).toISOString())
  .meta({ openapi: { type: 'string', pattern: ISO_PATTERN } });

const list = (item: z.ZodString, what: string, pattern: string, max = 50) =>
  z
    .union([z.string(), z.array(z.string())], { error: `expected ${what}` })
    // Strict: an empty item (`narrative=`, `a,,b`) or one with spaces is refused, as the document says.
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')))
    .pipe(z.array(item).max(max, `expected at most ${max} ${what}`))
    .meta({ openapi: { type: 'array', items: { type: 'string', pattern }, minItems: 1, maxItems: max } });

/** `<channelId>_<messageId>`, as in every post's id. */
const POST_ID_PATTERN = '^-?[0-9]{1,20}_[0-9]{1,12}$';
const POST_ID_EXPECTED = 'expected a post id, <channelId>_<messageId>';
const postId = z.string({ error: POST_ID_EXPECTED }).regex(new RegExp(POST_ID_PATTERN), POST_ID_EXPECTED);
const NARRATIVE_ID = '^[a-z][a-z0-9_]{0,63}$';

const narrativeIds = list(
  z.string().regex(new RegExp(NARRATIVE_ID), 'expected narrative ids (snake_case)'),
  'narrative ids',
  NARRATIVE_ID,
);
const channelIds = list(
  z.string().regex(/^(-?[0-9]{1,20}|[A-Za-z][A-Za-z0-9_]{3,31})$/, 'expected channel ids or usernames'),
  'channel ids or usernames',
  '^(-?[0-9]{1,20}|[A-Za-z][A-Za-z0-9_]{3,31})$',
);
const langs = list(
  z.string().regex(/^([a-z]{2}|und)$/, 'expected ISO 639-1 language codes (ru, kk, en, uk) or und'),
  'language codes',
  '^([a-z]{2}|und)$',
);
const bool = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');
const only = z.enum(['true'], { error: 'expected true (or leave it out)' }).transform(() => true);
/** Whole numbers written as plain digits: `1e2`, `0x10`, `10.0` and an empty value are refused. */
const digits = (min: number, max: number) => {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z
    .string({ error: expected })
    .regex(/^\d{1,12}$/, expected)
    .transform(Number)
    .pipe(z.number().int(expected).min(min, expected).max(max, expected));
};
type Digits = ReturnType<typeof digits>;
/** Optional without a fallback; with one, the parsed value is always a number. */
const int = <F extends number | undefined = undefined>(min: number, max: number, fallback?: F) => {
  const n = digits(min, max);
  const openapi = {
    type: 'integer',
    minimum: min,
    maximum: max,
    ...(fallback === undefined ? {} : { default: fallback }),
  };
  return (fallback === undefined ? n.optional() : n.default(fallback)).meta({ openapi }) as F extends number
    ? z.ZodDefault<Digits>
    : z.ZodOptional<Digits>;
};

const TZ_EXPECTED =
  'expected an IANA time zone such as Asia/Almaty or UTC (any case), or an offset from -14:00 to +14:00';
/** Canonical names (`utc` → UTC); the buckets are computed from Node's tz data, not Elasticsearch's. */
const timeZone = z
  .string()
  .transform((tz, ctx) => {
    const name = canonicalTimeZone(tz);
    if (!name) ctx.addIssue({ code: 'custom', message: TZ_EXPECTED });
    return name ?? 'UTC';
  })
  .default('UTC')
  .meta({
    openapi: {
      anyOf: [
        { type: 'string', enum: knownTimeZones() },
        { type: 'string', pattern: '^[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00)$' },
      ],
      default: 'UTC',
    },
  });

const cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,2000}$/, 'expected a cursor returned by this API (nextCursor)')
  .optional()
  .meta({ openapi: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,2000}$' } });
const format = z.enum(['json', 'csv'], { error: 'expected json or csv' }).optional();
const q = z.string().max(500, 'expected a search text of at most 500 characters').optional();

/**
 * At most `max` characters as JSON Schema counts them (code points, so an emoji is one), which is
 * what the document's maxLength promises; zod's max counts UTF-16 units.
 */
function textOfAtMost(max: number, what: string) {
  const expected = `expected ${what} of at most ${max} characters`;
  return z
    .string({ error: expected })
    .refine((v) => [...v].length <= max, expected)
    .meta({ openapi: { type: 'string', maxLength: max } });
}

/** Filters shared by the post endpoints. */
const filters = {
  from: isoDate.optional(),
  to: isoDate.optional(),
  narrative: narrativeIds.optional(),
  channel: channelIds.optional(),
  lang: langs.optional(),
  forward: bool.optional(),
  minViews: int(0, 1_000_000_000),
  deleted: only.optional(),
  edited: only.optional(),
  q,
};

const meta = (description: string) => ({ description });

export const schemas = {
  trends: z
    .strictObject({
      ...filters,
      interval: z.enum(['hour', 'day', 'week'], { error: 'expected hour, day or week' }).default('day'),
      tz: timeZone,
      split: z
        .enum(['narrative', 'channel', 'lang'], { error: 'expected narrative, channel or lang' })
        .default('narrative'),
      series: int(1, 200, 50),
      format,
    })
    .meta(
      meta('Counts per interval split by narrative, channel or language, with each bucket total and share.'),
    ),
  posts: z
    .strictObject({
      ...filters,
      sort: z
        .enum(['time', 'views', 'forwards', 'relevance'], {
          error: 'expected time, views, forwards or relevance',
        })
        .optional(),
      order: z.enum(['asc', 'desc'], { error: 'expected asc or desc' }).default('desc'),
      limit: int(1, 500, 50),
      cursor,
      format,
    })
    .meta(meta('Post search: simple query syntax (+ | - "phrase" prefix*), filters, cursor pagination.')),
  channelsTop: z.strictObject({ ...filters, limit: int(1, 200, 20) }),
  termsEmerging: z.strictObject({
    ...filters,
    backgroundFrom: isoDate.optional(),
    field: z.enum(['text', 'stems'], { error: 'expected text or stems' }).default('text'),
    limit: int(1, 100, 25),
    minDocs: int(1, 10_000, 3),
    sample: int(50, 5000, 200),
  }),
  clusters: z.strictObject({
    ...filters,
    limit: int(1, 100, 20),
    minPosts: int(2, 10_000, 2),
    minChannels: int(1, 1000, 2),
    maxDistance: int(0, 8, DEFAULT_MAX_DISTANCE),
  }),
  narratives: z.strictObject({}),
  alerts: z.strictObject({
    from: isoDate.optional(),
    to: isoDate.optional(),
    narrative: narrativeIds.optional(),
    status: list(
      z.string().regex(/^[a-z_]{1,32}$/, 'expected alert statuses'),
      'alert statuses',
      '^[a-z_]{1,32}$',
    ).optional(),
    limit: int(1, 500, 50),
    cursor,
  }),
  // The workbench's routes (issue #15).
  forwardSources: z.strictObject({ ...filters, limit: int(1, 200, 20) }),
  clusterPosts: z.strictObject({
    fingerprint: list(
      z.string().regex(/^[0-9a-f]{16}$/, 'expected fingerprints of 16 hex digits'),
      'fingerprints',
      '^[0-9a-f]{16}$',
      200,
    ),
    from: isoDate.optional(),
    to: isoDate.optional(),
    forward: bool.optional(),
  }),
  postDetail: z.strictObject({ id: postId }),
  feedback: z.strictObject({
    postId: list(postId, 'post ids', POST_ID_PATTERN, 500),
  }),
  precision: z.strictObject({ days: int(1, 365, 30) }),
} as const;

/**
 * Request bodies, checked like query parameters (same problems). Unknown fields are refused: a
 * misspelt `note` would be lost without a word (and the document says so: additionalProperties false).
 */
export const bodySchemas = {
  verdict: z.strictObject(
    {
      postId: postId.describe('The post judged: <channelId>_<messageId>'),
      narrative: z
        .string({ error: 'expected a narrative id' })
        .regex(new RegExp(NARRATIVE_ID), 'expected a narrative id')
        .describe('A loaded narrative id; see /v1/narratives'),
      verdict: z
        .enum(['confirm', 'reject', 'add'], { error: 'expected confirm, reject or add' })
        .describe('confirm or reject a tag the post carries; add one it lacks'),
      note: textOfAtMost(2000, 'a note').optional().describe("The analyst's note, stored with the verdict"),
    },
    { error: 'expected a JSON object {postId, narrative, verdict, note?}' },
  ),
  // A sign-in token is `cwl_` and base64url; anything else cannot be one.
  session: z.strictObject(
    {
      token: z
        .string({ error: 'expected a sign-in token' })
        .regex(/^[A-Za-z0-9_-]{1,200}$/, 'expected a sign-in token')
        .describe('The token of a sign-in link (the part after #signin=)'),
    },
    { error: 'expected a JSON object {token}' },
  ),
} as const;

export type FilterParams = {
  from?: string | undefined;
  to?: string | undefined;
  narrative?: string[] | undefined;
  channel?: string[] | undefined;
  lang?: string[] | undefined;
  forward?: boolean | undefined;
  minViews?: number | undefined;
  deleted?: boolean | undefined;
  edited?: boolean | undefined;
  q?: string | undefined;
};

/** Parameters (query, path or body) checked by their schema; a BadRequestError names every bad one. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown, root = '(query)'): z.infer<S> {
  const raw = (query ?? {}) as Record<string, unknown>;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems: Problem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          parameter: key,
          value: shorten(raw[key]),
          expected: 'no such parameter; see /openapi.json',
        });
      }
      continue;
    }
    const parameter = String(issue.path[0] ?? root);
    if (problems.some((p) => p.parameter === parameter)) continue;
    problems.push({ parameter, value: shorten(raw[parameter]), expected: issue.message });
  }
  throw new BadRequestError(problems);
}

/** What each parameter means, for the OpenAPI document (the schemas say what values are valid). */
const DESCRIPTIONS: Record<string, string> = {
  from: 'Start, inclusive: ISO-8601 date (UTC midnight) or date-time with offset',
  to: 'End, exclusive: ISO-8601 date or date-time with offset; default now',
  narrative: 'Narrative ids (repeat or comma-separate); see /v1/narratives',
  channel: 'Channel ids or usernames (repeat or comma-separate)',
  lang: 'Languages: ISO 639-1 codes or und (repeat or comma-separate)',
  forward: 'true: only posts forwarded from another channel; false: only original posts',
  minViews: 'Only posts with at least this many views',
  deleted: 'true: only posts deleted since collection',
  edited: 'true: only edited posts',
  q:
    'Search text, simple query syntax: words (all must match), "phrase", -not, a | b, (groups), prefix* ' +
    '(3+ letters). Words also match their other forms (ru, kk, uk, en)',
  interval: 'Bucket size',
  tz: 'Time zone of the buckets: IANA name (Asia/Almaty) or offset (+05:00)',
  split: 'One series per narrative, per channel (top channels of the window) or per language',
  series: 'Most series returned',
  format: 'json (default) or csv; Accept: text/csv works too',
  sort: 'time (default without q), relevance (default with q), views or forwards',
  order: 'desc (default) or asc',
  limit: 'Page or list size',
  cursor: 'nextCursor of the previous page, with otherwise the same parameters',
  backgroundFrom: 'Start of the background window (which runs to `to`); default 30 days before from',
  field: 'text: words as written; stems: word forms merged',
  minDocs: 'Least posts of the window a term must appear in',
  sample: 'Posts per shard analysed: best matches with q, else a random sample',
  minPosts: 'Least posts in a cluster',
  minChannels: 'Least distinct channels in a cluster',
  maxDistance: 'Most differing SimHash bits between near-duplicates',
  status: 'Alert statuses (repeat or comma-separate)',
  fingerprint: "A cluster's fingerprints from /v1/clusters (repeat or comma-separate)",
  postId: 'Post ids, <channelId>_<messageId> (repeat or comma-separate)',
  days: 'Verdicts of the last this many days',
  id: 'Post id, <channelId>_<messageId>',
};

/**
 * The JSON schema of a query schema, for the OpenAPI document: each parameter as a client sends
 * it (integers, repeated lists, dates by pattern), and the narrative ids loaded at start.
 */
export function queryJsonSchema(schema: z.ZodType, narratives: string[] = []): Record<string, unknown> {
  return requestJsonSchema(schema, narratives, DESCRIPTIONS);
}

/** The JSON schema of a request body schema; descriptions come from the zod schema itself. */
export function bodyJsonSchema(schema: z.ZodType, narratives: string[] = []): Record<string, unknown> {
  return requestJsonSchema(schema, narratives, {});
}

function requestJsonSchema(
  schema: z.ZodType,
  narratives: string[],
  descriptions: Record<string, string>,
): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  const properties = (json['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, property] of Object.entries(properties)) {
    const openapi = property['openapi'] as Record<string, unknown> | undefined;
    const out: Record<string, unknown> = openapi ? { ...openapi } : { ...property };
    if (openapi && property['description']) out['description'] = property['description'];
    if (name === 'narrative' && narratives.length > 0) {
      const known = { type: 'string', enum: [...narratives].sort() };
      if (out['type'] === 'array') out['items'] = known;
      else Object.assign(out, known);
    }
    const description = descriptions[name];
    if (description) out['description'] = description;
    properties[name] = out;
  }
  return json;
}
