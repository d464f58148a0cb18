import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { pipelineConfig } from './config.ts';
import { startOpsServer } from './http-server.ts';

describe('pipeline ops server', () => {
  it('listens on loopback unless CW_PIPELINE_HOST says otherwise', async () => {
    const config = pipelineConfig({});
    expect(config.CW_PIPELINE_HOST).toBe('127.0.0.1');
    const server = await startOpsServer(0, config.CW_PIPELINE_HOST, new Registry(), async () => true);
    try {
      expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      server.close();
    }
    expect(pipelineConfig({ CW_PIPELINE_HOST: '0.0.0.0' }).CW_PIPELINE_HOST).toBe('0.0.0.0');
  });

  it('refuses a malformed CW_PIPELINE_HOST at start-up, naming the variable', () => {
    expect(() => pipelineConfig({ CW_PIPELINE_HOST: 'not a host' })).toThrow(/CW_PIPELINE_HOST/);
  });
});
