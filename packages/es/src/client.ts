import { Client } from '@elastic/elasticsearch';

export { Client };

export function createEsClient(url: string, options: { requestTimeoutMs?: number } = {}): Client {
  return new Client({
    node: url,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: 3,
    // One loopback node or a load balancer in front of a cluster: no sniffing.
    sniffOnStart: false,
  });
}
