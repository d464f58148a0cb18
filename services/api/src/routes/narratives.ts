import { narrativeVolume } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { narrativeIds, type RouteContext } from './context.ts';

export function registerNarratives(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/narratives',
    {
      schema: {
        tags: ['narratives'],
        summary:
          'Loaded narrative definitions with their volume in the last 24 hours and 7 days, with the precision and recall measured on the locked real test split',
        querystring: queryJsonSchema(schemas.narratives, narrativeIds(ctx)),
        response: responses('narratives'),
      },
    },
    async (request) => {
      parseQuery(schemas.narratives, request.query);
      const definitions = ctx.definitions();
      const volume = await narrativeVolume(ctx.es, ctx.prefix, {
        now: ctx.now(),
        narratives: definitions.map((d) => d.id),
      });
      return {
        narratives: definitions.map((d) => ({
          id: d.id,
          title: d.title,
          description: d.description,
          languages: d.languages,
          volume: volume[d.id] ?? { last24h: 0, last7d: 0 },
          ...(d.evaluation ? { evaluation: d.evaluation } : {}),
        })),
      };
    },
  );
}
