import { getPost, postVersions } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import type { RouteContext } from './context.ts';

export function registerPostDetail(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/posts/:id',
    {
      schema: {
        tags: ['posts'],
        summary: 'One post with its earlier versions',
        description:
          'The post as indexed now (as in /v1/posts hits) and every earlier version kept when it was ' +
          'edited, oldest first.',
        params: queryJsonSchema(schemas.postDetail),
        response: responses('postDetail', { notFound: true }),
      },
    },
    async (request, reply) => {
      const { id } = parseQuery(schemas.postDetail, request.params);
      const [post, versions] = await Promise.all([
        getPost(ctx.es, ctx.prefix, id),
        postVersions(ctx.es, ctx.prefix, id),
      ]);
      if (!post) return reply.code(404).send({ error: 'not_found', message: `no post ${id}` });
      return { post, versions };
    },
  );
}
