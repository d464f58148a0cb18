import { feedbackPrecision, getPost, listFeedback, putFeedback, type Verdict } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BadRequestError, type Problem } from '../errors.ts';
import { parseQuery } from '../params.ts';
import type { RouteContext } from './context.ts';

// Analysts' verdicts on narrative tags, the workbench's feedback: confirm or reject a tag a post
// carries, or add one it lacks. Stored per key, post and narrative; a key's last verdict counts.

const POST_ID = /^-?\d{1,20}_\d{1,12}$/;
const verdictBody = z.object(
  {
    postId: z.string().regex(POST_ID, 'expected a post id, <channelId>_<messageId>'),
    narrative: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a narrative id'),
    verdict: z.enum(['confirm', 'reject', 'add'], { error: 'expected confirm, reject or add' }),
    note: z.string().max(2000, 'expected a note of at most 2000 characters').optional(),
  },
  { error: 'expected a JSON object {postId, narrative, verdict, note?}' },
);

const DAY = 86_400_000;

const verdictSchema = {
  type: 'object',
  required: ['postId', 'narrative', 'verdict', 'tagged', 'key', 'at'],
  properties: {
    postId: { type: 'string' },
    narrative: { type: 'string' },
    verdict: { type: 'string', enum: ['confirm', 'reject', 'add'] },
    tagged: { type: 'boolean', description: 'whether the post carried the narrative when judged' },
    note: { type: 'string' },
    key: { type: 'string', description: 'name of the API key that gave the verdict' },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

const problemsSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: { parameter: { type: 'string' }, value: {}, expected: { type: 'string' } },
      },
    },
  },
} as const;

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
          'text, language and url are stored with it (`cw feedback export` writes them as labelled passages).',
        body: {
          type: 'object',
          required: ['postId', 'narrative', 'verdict'],
          properties: {
            postId: { type: 'string', pattern: POST_ID.source },
            narrative: { type: 'string' },
            verdict: { type: 'string', enum: ['confirm', 'reject', 'add'] },
            note: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: verdictSchema, 400: problemsSchema, 404: problemsSchema },
      },
    },
    async (request, reply) => {
      // The same {parameter, value, expected} problems as for query parameters.
      const body = parseQuery(verdictBody, request.body);
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
        verdict: body.verdict as Verdict,
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
        description: 'The verdicts of every key on the posts named by postId (comma-separated, at most 500).',
        querystring: {
          type: 'object',
          required: ['postId'],
          properties: { postId: { type: 'string', description: 'post ids, comma-separated' } },
        },
        response: {
          200: { type: 'object', properties: { feedback: { type: 'array', items: verdictSchema } } },
          400: problemsSchema,
        },
      },
    },
    async (request) => {
      const raw = (request.query as { postId?: unknown }).postId;
      const ids = (Array.isArray(raw) ? raw : [raw]).flatMap((v) =>
        typeof v === 'string' ? v.split(',') : [],
      );
      const bad = ids.filter((id) => !POST_ID.test(id));
      if (ids.length === 0 || ids.length > 500 || bad.length > 0) {
        throw new BadRequestError([
          {
            parameter: 'postId',
            value: bad.slice(0, 5),
            expected: '1 to 500 post ids, <channelId>_<messageId>',
          },
        ]);
      }
      return { feedback: await listFeedback(ctx.es, ctx.prefix, { postIds: ids }) };
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
        querystring: {
          type: 'object',
          properties: { days: { type: 'integer', minimum: 1, maximum: 365, default: 30 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              narratives: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    narrative: { type: 'string' },
                    confirmed: { type: 'integer' },
                    rejected: { type: 'integer' },
                    added: { type: 'integer' },
                    precision: { type: 'number', nullable: true },
                  },
                },
              },
            },
          },
          400: problemsSchema,
        },
      },
    },
    async (request) => {
      const raw = (request.query as { days?: unknown }).days;
      const days = raw === undefined ? 30 : Number(raw);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        throw new BadRequestError([
          { parameter: 'days', value: raw, expected: 'a whole number from 1 to 365' },
        ]);
      }
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
