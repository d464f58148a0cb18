import type { Client } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Breaker } from '../breaker.ts';

export function registerHealth(
  app: FastifyInstance,
  deps: { es: Client; registry: Registry; breaker: Breaker },
) {
  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  // Ready when Elasticsearch answers (cluster health; the test distribution has no `GET /`). The
  // probe goes out even with the breaker open: its answer is what closes it again.
  app.get('/readyz', hide, async (request, reply) => {
    try {
      const health = await deps.es.cluster.health({ timeout: '1s' }, { requestTimeout: 1000, maxRetries: 0 });
      if (health.status === 'red')
        return reply
          .code(503)
          .send({ status: 'unavailable', elasticsearch: 'red', breaker: deps.breaker.state() });
      return { status: 'ok', elasticsearch: health.status, breaker: deps.breaker.state() };
    } catch (err) {
      request.log.warn({ err }, 'elasticsearch not reachable');
      return reply
        .code(503)
        .send({ status: 'unavailable', elasticsearch: 'unreachable', breaker: deps.breaker.state() });
    }
  });
  app.get('/metrics', hide, async (_request, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
}
