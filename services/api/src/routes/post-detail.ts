import { getPost, postVersions } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.ts';
import type { RouteContext } from './context.ts';

const POST_ID = /^-?\d{1,20}_\d{1,12}$/;

export function registerPostDetail(app: FastifyInstance, ctx: RouteContext) {
  app.get<{ Params: { id: string } }>(
    '/v1/posts/:id',
    {
      schema: {
        tags: ['posts'],
        summary: 'One post with its earlier versions',
        description:
          'The post as indexed now (as in /v1/posts hits) and every earlier version kept when it was ' +
          'edited, oldest first.',
        params: { type: 'object', properties: { id: { type: 'string', pattern: POST_ID.source } } },
        response: {
          200: {
            type: 'object',
            required: ['post', 'versions'],
            properties: {
              post: {
                type: 'object',
                additionalProperties: true,
                description: 'a post as in /v1/posts hits',
              },
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['version', 'text'],
                  properties: {
                    version: { type: 'integer' },
                    editedAt: { type: 'string', format: 'date-time' },
                    collectedAt: { type: 'string', format: 'date-time' },
                    text: { type: 'string' },
                  },
                },
              },
            },
          },
          404: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!POST_ID.test(id)) {
        throw new BadRequestError([
          { parameter: 'id', value: id, expected: 'a post id, <channelId>_<messageId>' },
        ]);
      }
      const [post, versions] = await Promise.all([
        getPost(ctx.es, ctx.prefix, id),
        postVersions(ctx.es, ctx.prefix, id),
      ]);
      if (!post) return reply.code(404).send({ error: 'not_found', message: `no post ${id}` });
      return { post, versions };
    },
  );
}
