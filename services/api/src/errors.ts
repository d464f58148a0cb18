import { InvalidCursorError } from '@cw/es';
import { errors as esErrors } from '@elastic/elasticsearch';
import type { FastifyError, FastifyInstance } from 'fastify';

// One error handler: a client gets what it can act on (which parameter, what value, what was
// expected), never a stack trace or an Elasticsearch message; those go to the log.

export type Problem = { parameter: string; value: unknown; expected: string };

export class BadRequestError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.parameter}: ${p.expected}`).join('; '));
    this.name = 'BadRequestError';
  }
}

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
    if (
      error instanceof esErrors.ConnectionError ||
      error instanceof esErrors.TimeoutError ||
      error instanceof esErrors.NoLivingConnectionsError
    ) {
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
      return reply
        .code(status)
        .send({ error: (error as FastifyError).code ?? 'client_error', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error', requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

export function shorten(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 197)}...`;
  if (Array.isArray(value)) return value.slice(0, 10).map(shorten);
  return value;
}
