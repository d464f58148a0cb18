import { IncompleteResultsError, InvalidCursorError } from '@cw/es';
import { errors as esErrors } from '@elastic/elasticsearch';
import type { FastifyError, FastifyInstance } from 'fastify';
import { BreakerOpenError, isUnreachable } from './breaker.ts';
import { SessionStoreUnavailableError } from './workbench/sessions.ts';

// One error handler: a client gets what it can act on (which parameter, what value, what was
// expected), never a stack trace or an Elasticsearch message; those go to the log.

export type Problem = { parameter: string; value: unknown; expected: string };

export class BadRequestError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.parameter}: ${p.expected}`).join('; '));
    this.name = 'BadRequestError';
  }
}

const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof BadRequestError) {
      return reply
        .code(400)
        .send({ error: 'bad_request', message: 'invalid parameters', problems: error.problems });
    }
    if (error instanceof InvalidCursorError) {
      const problems: Problem[] = [
        {
          parameter: 'cursor',
          value: shorten((request.query as { cursor?: unknown })?.cursor),
          expected: error.message,
        },
      ];
      return reply.code(400).send({ error: 'bad_request', message: 'invalid parameters', problems });
    }
    if (error instanceof BreakerOpenError) {
      return reply.code(503).header('retry-after', String(error.retryAfterSeconds)).send({
        error: 'unavailable',
        message: 'the search backend is unavailable; try again later',
        requestId: request.id,
      });
    }
    if (error instanceof SessionStoreUnavailableError) {
      // Not 401: the page would drop a session that is still good once Redis is back.
      request.log.error({ err: error }, 'sign-in sessions unavailable');
      return reply.code(503).header('retry-after', '5').send({
        error: 'unavailable',
        message: 'sign-in sessions are unavailable; try again later',
        requestId: request.id,
      });
    }
    if (error instanceof IncompleteResultsError) {
      // A partial answer would read as a real one (too few posts): none is given.
      request.log.error({ err: error, failures: error.failures }, 'elasticsearch shards failed');
      return reply.code(503).send({
        error: 'unavailable',
        message: 'the search backend answered in part only; try again later',
        requestId: request.id,
      });
    }
    if (isUnreachable(error)) {
      request.log.error({ err: error }, 'elasticsearch unreachable');
      return reply.code(503).send({
        error: 'unavailable',
        message: 'the search backend is unavailable; try again later',
        requestId: request.id,
      });
    }
    if (error instanceof esErrors.ResponseError) {
      request.log.error(
        { err: error, status: error.statusCode, body: error.body },
        'elasticsearch refused a query',
      );
      // 429 and 5xx: overloaded or broken backend; anything else is a query the API should not have built.
      const unavailable = error.statusCode === 429 || (error.statusCode ?? 500) >= 500;
      return reply.code(unavailable ? 503 : 500).send({
        error: unavailable ? 'unavailable' : 'internal',
        message: 'the query could not be run',
        requestId: request.id,
      });
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own client errors (bad content type, body too large, rate limit): safe messages.
      // Stable codes for the ones the OpenAPI document names; Fastify's own code otherwise.
      const code = CLIENT_ERROR_CODES[status] ?? (error as FastifyError).code ?? 'client_error';
      return reply.code(status).send({ error: code, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error', requestId: request.id });
  });
  // A known path asked with another method (TRACE, POST, …) is 405 with Allow, not 404.
  const methods = new Map<string, Set<string>>();
  // Routes with parameters (/v1/posts/:id) are matched by pattern: one segment per parameter.
  const patterns = new Map<string, RegExp>();
  app.addHook('onRoute', (route) => {
    const set = methods.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) set.add(m);
    methods.set(route.url, set);
    if (route.url.includes('/:')) {
      const source = route.url
        .split('/')
        .map((segment) =>
          segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      patterns.set(route.url, new RegExp(`^${source}$`));
    }
  });
  const allowedOn = (path: string) => {
    const exact = methods.get(path);
    if (exact) return exact;
    for (const [url, pattern] of patterns) if (pattern.test(path)) return methods.get(url);
    return undefined;
  };
  // Before any body is read: a QUERY or POST without a content type would otherwise be a 400.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url) return;
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedOn(path);
    if (!allowed) return;
    return reply
      .code(405)
      .header('allow', [...allowed].sort().join(', '))
      .send({ error: 'method_not_allowed', message: `${request.method} is not allowed on ${path}` });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedOn(path);
    if (allowed) {
      return reply
        .code(405)
        .header('allow', [...allowed].sort().join(', '))
        .send({ error: 'method_not_allowed', message: `${request.method} is not allowed on ${path}` });
    }
    return reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${path}` });
  });
}

export function shorten(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 197)}...`;
  if (Array.isArray(value)) return value.slice(0, 10).map(shorten);
  return value;
}
