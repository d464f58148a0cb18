import { topChannels } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, narrativeIds, type RouteContext, toFilters } from './context.ts';

export function registerChannels(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/channels/top',
    {
      schema: {
        tags: ['channels'],
        summary: 'Channels ranked by posts carrying a narrative in a window',
        description:
          'With narrative: posts carrying it; without: posts carrying any narrative. Per channel: posts, ' +
          'share (of all those posts in the window), forwards (of them, forwarded from other channels), ' +
          'forwardShare and channelPosts (all its posts in the window). Default window: last 7 days. ' +
          filterDocs,
        querystring: queryJsonSchema(schemas.channelsTop, narrativeIds(ctx)),
        response: responses('channelsTop'),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.channelsTop, request.query);
      const window = resolveWindow(params, { now: ctx.now(), defaultDays: 7, limits: ctx.limits });
      return topChannels(ctx.es, ctx.prefix, {
        ...window,
        filters: toFilters(params, ctx),
        size: params.limit,
      });
    },
  );
}
