import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyJsonSchema, bodySchemas, parseQuery } from '../params.ts';
import { responses } from '../responses.ts';
import type { Asset, WorkbenchAssets } from './build.ts';
import type { SessionStore } from './sessions.ts';

// The analysts' page at `/` and its files, and the sign-in link exchange it uses.

/**
 * Only this origin's files run; nothing inline. Trusted Types make every string assignment to
 * innerHTML and similar sinks go through the page's one policy, which refuses all but the empty
 * string, so post text can never be parsed as HTML even by mistake.
 */
export const WORKBENCH_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  // One policy, `default`, that lets only the empty string through (web/src/trusted-types.ts).
  'trusted-types default',
].join('; ');

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string) {
  reply
    .header('content-security-policy', WORKBENCH_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('x-frame-options', 'DENY')
    .header('cache-control', cache)
    .header('vary', 'accept-encoding')
    .type(asset.type);
  if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
    return reply.header('content-encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}

export function registerWorkbench(app: FastifyInstance, assets: WorkbenchAssets) {
  app.get('/', { schema: { hide: true } }, async (request, reply) =>
    // The page names hashed files: it must be asked again after a deploy, the files need not.
    send(request, reply, assets.html, 'no-cache'),
  );
  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { schema: { hide: true } },
    async (request, reply) => {
      const asset = assets.files.get(request.params.name);
      if (!asset) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
      return send(request, reply, asset, 'public, max-age=31536000, immutable');
    },
  );
}

export function registerSessions(app: FastifyInstance, sessions: SessionStore) {
  app.post(
    '/v1/sign-in-links',
    {
      schema: {
        tags: ['workbench'],
        summary: 'A one-time sign-in link for the workbench',
        description:
          'Makes a one-time token (valid 10 minutes) for the calling key. Open `/#signin=<token>` in a ' +
          'browser: the page trades it for a session (POST /v1/sessions), so the API key itself never ' +
          'appears in a URL. Kept in Redis: any replica of the API redeems it.',
        response: responses('signInLink', { status: 201 }),
      },
    },
    async (request, reply) => {
      const link = await sessions.createLink(request.apiKey ?? 'anonymous');
      return reply.code(201).send({ ...link, path: `/#signin=${link.token}` });
    },
  );
  app.post(
    '/v1/sessions',
    {
      schema: {
        tags: ['workbench'],
        summary: 'Trade a sign-in token for a session token',
        description:
          'Needs no API key. The sign-in token works once. The session token (valid 12 hours) is sent ' +
          'as `Authorization: Bearer <session>` and acts as the key that made the link.',
        security: [],
        body: bodyJsonSchema(bodySchemas.session),
        response: responses('session', {
          status: 201,
          body: true,
          unauthorized: 'The sign-in token was used already, has expired, or is unknown',
        }),
      },
    },
    async (request, reply) => {
      const { token } = parseQuery(bodySchemas.session, request.body, '(body)');
      const session = await sessions.exchange(token);
      if (!session) {
        return reply.code(401).send({
          error: 'unauthorized',
          message: 'this sign-in link was used already, has expired, or is unknown',
        });
      }
      return reply.code(201).send(session);
    },
  );
}
