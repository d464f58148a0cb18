import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { cliConfig } from '../config.ts';
import { runLive } from './run-live.ts';

describe('cw demo --live', () => {
  it('refuses to start without Telegram credentials, naming the missing variables', async () => {
    const capture = captureIo();
    const code = await runLive(cliConfig({ TELEGRAM_API_ID: '12345' }), ['@channel'], capture.io);
    expect(code).toBe(2);
    expect(capture.err()).toContain('TELEGRAM_API_HASH, TELEGRAM_SESSION not set');
    expect(capture.err()).not.toContain('TELEGRAM_API_ID,');
    expect(capture.out()).toBe('');
  });
});
