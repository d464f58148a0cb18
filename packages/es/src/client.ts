import { rootCertificates } from 'node:tls';
import { Client, Serializer } from '@elastic/elasticsearch';

export { Client };

/**
 * Bulk bodies handed to the transport as one Buffer, each line encoded straight into it. The default
 * joins the lines with `+=` into a rope of a thousand pieces that `Buffer.byteLength` then flattens
 * for Content-Length; in the pipeline worker that was 6% of its CPU (`pnpm bench pipeline`, cpu
 * profile), and a `join` before encoding still copied every line once more.
 *
 * A line may also be a document already encoded as a UTF-8 Buffer (see `writePosts`): `serialize`
 * passes it through the bulk helper untouched (the helper only measures and forwards it, and parses
 * it back only for a failed item) and it is copied here as bytes.
 */
class BulkBufferSerializer extends Serializer {
  override serialize(object: Record<string, unknown>): string {
    return Buffer.isBuffer(object) ? (object as unknown as string) : super.serialize(object);
  }

  override ndserialize(lines: Array<Record<string, unknown> | string>): string {
    const parts = lines.map(
      (line) => (typeof line === 'string' ? line : this.serialize(line)) as string | Buffer,
    );
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    let bound = 0;
    for (const part of parts) bound += (typeof part === 'string' ? part.length * 3 : part.length) + 1;
    const body = Buffer.allocUnsafe(bound);
    let end = 0;
    for (const part of parts) {
      end += typeof part === 'string' ? body.write(part, end, 'utf8') : part.copy(body, end);
      body[end++] = 0x0a;
    }
    // The transport accepts a Buffer body (its type says string only).
    return body.subarray(0, end) as unknown as string;
  }
}

/** `url` may list several nodes separated by commas: the client spreads requests over them and
 * retries a failed request on another, so losing one node of a cluster costs no request. */
export function createEsClient(
  url: string,
  options: {
    requestTimeoutMs?: number;
    maxRetries?: number;
    /** Sent as `Authorization: ApiKey <apiKey>` (the encoded form, base64 of `id:api_key`). */
    apiKey?: string;
    /** PEM of the CA(s) that signed the nodes' HTTP certificates, trusted beside Node's own. */
    ca?: string;
  } = {},
): Client {
  const nodes = url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  return new Client({
    nodes,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // Writers retry (on another node when several are listed); the API's reads do not (maxRetries 0):
    // a refused connection is answered at once.
    maxRetries: options.maxRetries ?? 3,
    // The nodes are listed (or a load balancer stands in front): no sniffing, which would replace
    // them with the addresses nodes publish, unreachable from outside a container network.
    sniffOnStart: false,
    Serializer: BulkBufferSerializer,
    ...(options.apiKey ? { auth: { apiKey: options.apiKey } } : {}),
    // Node's trusted roots plus the private CA: a cluster behind a public CA keeps working.
    ...(options.ca ? { tls: { ca: [...rootCertificates, options.ca] } } : {}),
  });
}
