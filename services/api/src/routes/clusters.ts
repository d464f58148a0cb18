import { clusters } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, narrativeIds, type RouteContext, toFilters } from './context.ts';

export function registerClusters(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/clusters',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Copy-paste clusters: near-duplicate posts across channels',
        description:
          'Posts whose SimHash fingerprints differ in at most maxDistance bits (found through the four band ' +
          'keys), posted in at least minChannels channels, largest first, with the channels and the first ' +
          'post. Empty texts are left out. Default window: last 7 days. ' +
          filterDocs,
        querystring: queryJsonSchema(schemas.clusters, narrativeIds(ctx)),
        response: responses('clusters'),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.clusters, request.query);
      const window = resolveWindow(params, { now: ctx.now(), defaultDays: 7, limits: ctx.limits });
      return clusters(ctx.es, ctx.prefix, {
        ...window,
        filters: toFilters(params, ctx),
        size: params.limit,
        minPosts: params.minPosts,
        minChannels: params.minChannels,
        maxDistance: params.maxDistance,
      });
    },
  );
}
