import { PassThrough } from 'node:stream';

/** In-memory stdin/stdout/stderr for running a CLI command in a test and reading what it wrote. */
export function captureIo(input?: string) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  if (input !== undefined) stdin.end(input);
  return {
    io: { stdin, stdout, stderr },
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
  };
}
