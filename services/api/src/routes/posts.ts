import { searchPosts } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { toCsv } from '../csv.ts';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, narrativeIds, type RouteContext, sendCsv, toFilters, wantsCsv } from './context.ts';

const CSV_HEADER = [
  'id',
  'url',
  'channel_id',
  'channel_username',
  'posted_at',
  'lang',
  'narratives',
  'views',
  'forwards',
  'is_forward',
  'is_edited',
  'is_deleted',
  'text',
];

export function registerPosts(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/posts',
    {
      schema: {
        tags: ['posts'],
        summary: 'Search posts',
        description:
          'Full text with morphology (a word also matches its other forms in ru, kk, uk, en) plus exact ' +
          'words. Sort by time (default without q), relevance (default with q), views or forwards. ' +
          'Pagination: pass `nextCursor` back as `cursor` with the same parameters; absent on the last ' +
          'page. `total` is exact up to 1,000 (`exact: false` beyond). Default window: last 30 days. ' +
          filterDocs +
          ' Each hit carries its url and narrativeEvidence (matched signals).',
        querystring: queryJsonSchema(schemas.posts, narrativeIds(ctx)),
        response: responses('posts', { csv: true }),
      },
    },
    async (request, reply) => {
      const params = parseQuery(schemas.posts, request.query);
      const window = resolveWindow(params, { now: ctx.now(), defaultDays: 30, limits: ctx.limits });
      const filters = { ...toFilters(params, ctx), ...window };
      const sort = params.sort ?? (filters.text ? 'relevance' : 'time');
      const result = await searchPosts(ctx.es, ctx.prefix, {
        filters,
        sort,
        order: params.order,
        size: params.limit,
        cursor: params.cursor,
        // Counting every match of a broad query costs more than the page itself.
        trackTotalUpTo: 1000,
      });
      if (!wantsCsv(request, params.format)) return { ...window, sort, order: params.order, ...result };
      if (result.nextCursor) reply.header('x-next-cursor', result.nextCursor);
      const rows = result.hits.map((p) => [
        p.id,
        p.url,
        p.channel.id,
        p.channel.username,
        p.postedAt,
        p.lang,
        p.narratives,
        p.metrics?.views,
        p.metrics?.forwards,
        p.isForward,
        p.isEdited,
        p.isDeleted,
        p.text,
      ]);
      return sendCsv(reply, 'posts', toCsv(CSV_HEADER, rows));
    },
  );
}
