import type { FastifyInstance } from 'fastify';
import { toCsv } from '../csv.ts';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, narrativeIds, type RouteContext, sendCsv, toFilters, wantsCsv } from './context.ts';

export function registerTrends(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/trends',
    {
      schema: {
        tags: ['trends'],
        summary: 'Post counts per interval, split by narrative, channel or language',
        description:
          'Each bucket has `total` (all posts matching the filters other than narrative) and per series ' +
          '`counts` and `shares` (count / total), so a rise in overall volume is not read as a narrative ' +
          'rise. Defaults: last 7 days, interval=day, tz=UTC, split=narrative. ' +
          filterDocs +
          ' CSV (format=csv or Accept: text/csv): one row per bucket and series.',
        querystring: queryJsonSchema(schemas.trends, narrativeIds(ctx)),
        response: responses('trends', { csv: true }),
      },
    },
    async (request, reply) => {
      const params = parseQuery(schemas.trends, request.query);
      const window = resolveWindow(params, {
        now: ctx.now(),
        defaultDays: 7,
        limits: ctx.limits,
        interval: params.interval,
      });
      const result = await ctx.trends({
        ...window,
        interval: params.interval,
        timeZone: params.tz,
        split: params.split,
        maxSeries: params.series,
        filters: toFilters(params, ctx),
      });
      if (!wantsCsv(request, params.format)) {
        // Six decimals are plenty for a share and make the (large, hourly) answer much shorter.
        for (const bucket of result.buckets) {
          for (const key of result.keys) bucket.shares[key] = round(bucket.shares[key] ?? 0);
        }
        return result;
      }
      const rows = result.buckets.flatMap((b) =>
        result.keys.map((key) => [b.start, key, b.counts[key] ?? 0, b.total, round(b.shares[key] ?? 0)]),
      );
      return sendCsv(reply, 'trends', toCsv(['start', result.split, 'count', 'total', 'share'], rows));
    },
  );
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
