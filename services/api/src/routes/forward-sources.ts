import { forwardSources } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, narrativeIds, type RouteContext, toFilters } from './context.ts';

export function registerForwardSources(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/channels/forward-sources',
    {
      schema: {
        tags: ['channels'],
        summary: 'The channels that the matching forwards come from',
        description:
          'Among the posts matching the filters (usually `channel=<id or username>`) that are forwards: ' +
          'how many came from each origin channel (id, with the username and name of its latest ' +
          'forward), largest first, at most `limit` (default 20). Origins Telegram hides have no id, ' +
          'only a name. Default window: last 30 days. ' +
          filterDocs,
        querystring: queryJsonSchema(schemas.forwardSources, narrativeIds(ctx)),
        response: responses('forwardSources'),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.forwardSources, request.query);
      const window = resolveWindow(params, { now: ctx.now(), defaultDays: 30, limits: ctx.limits });
      const result = await forwardSources(ctx.es, ctx.prefix, {
        ...window,
        filters: toFilters(params, ctx),
        size: params.limit,
      });
      return { ...window, ...result };
    },
  );
}
