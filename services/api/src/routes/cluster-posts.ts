import { clusterPosts } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseQuery } from '../params.ts';
import { resolveWindow } from '../window.ts';
import type { RouteContext } from './context.ts';

// The member posts of a copy-paste cluster from /v1/clusters, by its fingerprints.

const isoTime = z
  .string()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)),
    'expected an ISO-8601 date or date-time',
  )
  .transform((v) => new Date(Date.parse(v)).toISOString());

const query = z.object({
  fingerprint: z
    .string({ error: 'expected the fingerprints of a cluster, comma-separated' })
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[0-9a-f]{16}$/, 'expected 16-hex-digit fingerprints'))
        .min(1)
        .max(200),
    ),
  from: isoTime.optional(),
  to: isoTime.optional(),
  forward: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
});

export function registerClusterPosts(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/clusters/posts',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Every post of a copy-paste cluster',
        description:
          "The posts whose fingerprint is one of `fingerprint` (a cluster's `fingerprints` from /v1/clusters, " +
          'comma-separated) in from..to (default: last 7 days), oldest first, at most 500.',
        querystring: {
          type: 'object',
          required: ['fingerprint'],
          properties: {
            fingerprint: { type: 'string' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            forward: { type: 'string', enum: ['true', 'false'] },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              posts: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    url: { type: 'string' },
                    channel: {
                      type: 'object',
                      properties: { id: { type: 'string' }, username: { type: 'string' } },
                    },
                    postedAt: { type: 'string', format: 'date-time' },
                    text: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const params = parseQuery(query, request.query);
      const window = resolveWindow(
        { from: params.from, to: params.to },
        { now: ctx.now(), defaultDays: 7, limits: ctx.limits },
      );
      const posts = await clusterPosts(ctx.es, ctx.prefix, {
        fingerprints: params.fingerprint,
        ...window,
        isForward: params.forward === undefined ? undefined : params.forward === 'true',
      });
      return { posts };
    },
  );
}
