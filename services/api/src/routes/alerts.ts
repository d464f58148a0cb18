import { listAlerts } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import type { RouteContext } from './context.ts';

export function registerAlerts(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts raised, newest first',
        description:
          'Filters: narrative, status, from/to (on firstSeenAt). Pagination with cursor/nextCursor as for posts.',
        querystring: queryJsonSchema(schemas.alerts),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.alerts, request.query);
      return listAlerts(ctx.es, ctx.prefix, {
        narratives: params.narrative,
        status: params.status,
        from: params.from,
        to: params.to,
        size: params.limit,
        cursor: params.cursor,
      });
    },
  );
}
