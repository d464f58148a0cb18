import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.ts';

// Collects what pino writes and parses each line, as pino's own tests do with their sink.
function sink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('redacts the Telegram session, API keys and webhook secrets at every level of nesting', () => {
    const { lines, stream } = sink();
    const log = createLogger({ service: 'collector', destination: stream });
    const session = '1BAAOMTQ5LjE1NC4xNjcuOTEAUK-secret-session';
    log.info({ config: { TELEGRAM_SESSION: session, TELEGRAM_API_HASH: 'abc123hash' } }, 'starting');
    log.info({ target: { url: 'https://example.org/hook', secret: 'whsec_c2VjcmV0' } }, 'delivering');
    log.info({ req: { headers: { authorization: 'Bearer k-123' } }, apiKey: 'k-456' }, 'request');

    const text = JSON.stringify(lines);
    for (const secret of [session, 'abc123hash', 'whsec_c2VjcmV0', 'Bearer k-123', 'k-456']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ service: 'collector', config: { TELEGRAM_SESSION: '[redacted]' } });
    expect(lines[1]).toMatchObject({ target: { url: 'https://example.org/hook', secret: '[redacted]' } });
  });

  it('keeps errors under err with their message and stack', () => {
    const { lines, stream } = sink();
    createLogger({ service: 'pipeline', destination: stream }).error({ err: new Error('boom') }, 'failed');
    expect(lines[0]).toMatchObject({ service: 'pipeline', msg: 'failed', err: { message: 'boom' } });
    const err = lines[0]?.['err'] as { stack?: string } | undefined;
    expect(String(err?.stack)).toContain('Error: boom');
  });
});
