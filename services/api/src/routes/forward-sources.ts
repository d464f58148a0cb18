import { forwardSources } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, type RouteContext, toFilters } from './context.ts';

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
        querystring: queryJsonSchema(schemas.channelsTop),
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              forwards: { type: 'integer', description: 'all matching forwards' },
              sources: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['posts'],
                  properties: {
                    id: { type: 'string' },
                    username: { type: 'string' },
                    name: { type: 'string' },
                    posts: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const params = parseQuery(schemas.channelsTop, request.query);
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
