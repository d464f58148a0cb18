import { clusterPosts } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import type { RouteContext } from './context.ts';

// The member posts of a copy-paste cluster from /v1/clusters, by its fingerprints.

export function registerClusterPosts(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/clusters/posts',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Every post of a copy-paste cluster',
        description:
          "The posts whose fingerprint is one of `fingerprint` (a cluster's `fingerprints` from /v1/clusters, " +
          'repeated or comma-separated) in from..to (default: last 7 days), oldest first, at most 500. ' +
          'forward=false leaves plain forwards out.',
        querystring: queryJsonSchema(schemas.clusterPosts),
        response: responses('clusterPosts'),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.clusterPosts, request.query);
      const window = resolveWindow(params, { now: ctx.now(), defaultDays: 7, limits: ctx.limits });
      const posts = await clusterPosts(ctx.es, ctx.prefix, {
        fingerprints: params.fingerprint,
        ...window,
        isForward: params.forward,
      });
      return { posts };
    },
  );
}
