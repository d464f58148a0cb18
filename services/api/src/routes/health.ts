import type { Client } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function registerHealth(app: FastifyInstance, deps: { es: Client; registry: Registry }) {
  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  // Ready when Elasticsearch answers (cluster health; the test distribution has no `GET /`).
  app.get('/readyz', hide, async (request, reply) => {
    try {
      const health = await deps.es.cluster.health({ timeout: '2s' }, { requestTimeout: 3000, maxRetries: 0 });
      if (health.status === 'red')
        return reply.code(503).send({ status: 'unavailable', elasticsearch: 'red' });
      return { status: 'ok', elasticsearch: health.status };
    } catch (err) {
      request.log.warn({ err }, 'elasticsearch not reachable');
      return reply.code(503).send({ status: 'unavailable', elasticsearch: 'unreachable' });
    }
  });
  app.get('/metrics', hide, async (_request, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
}
