import { feedbackPrecision, getPost, listFeedback, putFeedback } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { BadRequestError, type Problem } from '../errors.ts';
import { bodyJsonSchema, bodySchemas, parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { narrativeIds, type RouteContext } from './context.ts';

// Analysts' verdicts on narrative tags, the workbench's feedback: confirm or reject a tag a post
// carries, or add one it lacks. Stored per key, post and narrative; a key's last verdict counts.

const DAY = 86_400_000;

export function registerFeedback(app: FastifyInstance, ctx: RouteContext) {
  app.put(
    '/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Confirm or reject a narrative tag of a post, or add a missing one',
        description:
          '`confirm` and `reject` apply to a narrative the post carries, `add` to one it does not. One ' +
          "verdict per key, post and narrative: a new one replaces the key's earlier verdict. The post's " +
          'text, language and url are stored with it (`cw feedback export` writes them as labelled passages). ' +
          'A verdict that does not fit the post (confirm or reject of a narrative it lacks, add of one it ' +
          'carries) is refused with 400; an unknown post is 404.',
        body: bodyJsonSchema(bodySchemas.verdict, narrativeIds(ctx)),
        response: responses('verdict', { notFound: true, body: true }),
      },
    },
    async (request, reply) => {
      // The same {parameter, value, expected} problems as for query parameters.
      const body = parseQuery(bodySchemas.verdict, request.body, '(body)');
      const known = ctx.definitions().map((d) => d.id);
      if (!known.includes(body.narrative)) {
        throw new BadRequestError([
          { parameter: 'narrative', value: body.narrative, expected: `one of ${known.sort().join(', ')}` },
        ]);
      }
      const post = await getPost(ctx.es, ctx.prefix, body.postId);
      if (!post) return reply.code(404).send({ error: 'not_found', message: `no post ${body.postId}` });
      const tagged = post.narratives.includes(body.narrative);
      const problem: Problem | undefined =
        body.verdict === 'add' && tagged
          ? {
              parameter: 'verdict',
              value: 'add',
              expected: 'confirm or reject: the post carries this narrative',
            }
          : body.verdict !== 'add' && !tagged
            ? {
                parameter: 'verdict',
                value: body.verdict,
                expected: 'add: the post does not carry this narrative',
              }
            : undefined;
      if (problem) throw new BadRequestError([problem]);
      const doc = {
        postId: post.id,
        narrative: body.narrative,
        verdict: body.verdict,
        tagged,
        postNarratives: post.narratives,
        ...(body.note?.trim() ? { note: body.note.trim() } : {}),
        key: request.apiKey ?? 'anonymous',
        at: ctx.now().toISOString(),
        channelId: post.channel.id,
        postedAt: post.postedAt,
        lang: post.lang,
        url: post.url,
        text: post.text,
        ...(post.tagger ? { tagger: post.tagger } : {}),
      };
      await putFeedback(ctx.es, ctx.prefix, doc);
      request.log.info({ postId: doc.postId, narrative: doc.narrative, verdict: doc.verdict }, 'feedback');
      return doc;
    },
  );

  app.get(
    '/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Verdicts given on posts',
        description:
          'The verdicts of every key on the posts named by postId (repeated or comma-separated, at most 500), ' +
          'newest first.',
        querystring: queryJsonSchema(schemas.feedback),
        response: responses('feedback'),
      },
    },
    async (request) => {
      const { postId } = parseQuery(schemas.feedback, request.query);
      return { feedback: await listFeedback(ctx.es, ctx.prefix, { postIds: postId }) };
    },
  );

  app.get(
    '/v1/feedback/precision',
    {
      schema: {
        tags: ['feedback'],
        summary: "Each narrative's precision as judged by analysts",
        description:
          'Over the verdicts of the last `days` (default 30): tags confirmed and rejected, precision = ' +
          'confirmed / (confirmed + rejected) (null without verdicts), and tags analysts added.',
        querystring: queryJsonSchema(schemas.precision),
        response: responses('precision'),
      },
    },
    async (request) => {
      const { days } = parseQuery(schemas.precision, request.query);
      const to = ctx.now();
      const from = new Date(to.getTime() - days * DAY).toISOString();
      const found = await feedbackPrecision(ctx.es, ctx.prefix, { from });
      // Every loaded narrative, judged or not, so the page can say "no verdicts yet".
      const byId = new Map(found.map((p) => [p.narrative, p]));
      for (const d of ctx.definitions()) {
        if (!byId.has(d.id))
          byId.set(d.id, { narrative: d.id, confirmed: 0, rejected: 0, added: 0, precision: null });
      }
      const narratives = [...byId.values()].sort((a, b) => a.narrative.localeCompare(b.narrative));
      return { from, to: to.toISOString(), narratives };
    },
  );
}
