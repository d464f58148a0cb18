import { listAlerts } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { narrativeIds, type RouteContext } from './context.ts';

export function registerAlerts(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts raised, newest first',
        description:
          'Filters: narrative, status, from/to (on firstSeenAt). Pagination with cursor/nextCursor as for posts.',
        querystring: queryJsonSchema(schemas.alerts, narrativeIds(ctx)),
        response: responses('alerts'),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.alerts, request.query);
      // No window: every alert. With either end: a window checked like every other (from before to,
      // at most the configured days), the missing end filled in.
      const window =
        params.from || params.to
          ? resolveWindow(params, {
              now: ctx.now(),
              defaultDays: ctx.limits.maxRangeDays,
              limits: ctx.limits,
            })
          : undefined;
      return listAlerts(ctx.es, ctx.prefix, {
        narratives: params.narrative,
        status: params.status,
        from: window?.from,
        to: window?.to,
        size: params.limit,
        cursor: params.cursor,
      });
    },
  );
}
