import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliConfig } from '../config.ts';
import { runLive } from './run-live.ts';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('cw demo --live', () => {
  it('refuses to start without Telegram credentials, naming the missing variables', async () => {
    const err = capture();
    const out = capture();
    const code = await runLive(cliConfig({ TELEGRAM_API_ID: '12345' }), ['@channel'], {
      stdin: process.stdin,
      stdout: out.stream,
      stderr: err.stream,
    });
    expect(code).toBe(2);
    expect(err.text()).toContain('TELEGRAM_API_HASH, TELEGRAM_SESSION not set');
    expect(err.text()).not.toContain('TELEGRAM_API_ID,');
    expect(out.text()).toBe('');
  });
});
