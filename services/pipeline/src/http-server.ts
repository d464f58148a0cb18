import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** The small operations port of a worker: /healthz (is it running) and /metrics (Prometheus). */
export function startOpsServer(
  port: number,
  host: string,
  registry: Registry,
  healthy: () => Promise<boolean>,
  details: () => Record<string, unknown> = () => ({}),
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      healthy().then(
        (ok) => {
          res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...details() }));
        },
        () => {
          res.writeHead(503).end();
        },
      );
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
