import { ConfigError } from '@cw/config';
import { describe, expect, it } from 'vitest';
import { schedulerConfig } from './config.ts';
import { DEFAULT_SPIKE_PARAMS } from './spikes/detector.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function problems(env: Record<string, string>): string[] {
  try {
    schedulerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('scheduler config', () => {
  it('has the documented defaults', () => {
    const config = schedulerConfig({});
    expect(config.CW_DIGEST_CRON).toBe('0 8 * * *');
    expect(config.CW_DIGEST_TZ).toBe('Asia/Almaty');
    expect(config.CW_SPIKE_WINDOW_MINUTES).toBe(60);
    expect(config.CW_WEBHOOKS).toEqual([]);
    expect(config.CW_WEBHOOK_ALLOW_PRIVATE).toBe(false);
  });

  it('parses webhook targets', () => {
    const config = schedulerConfig({
      CW_WEBHOOKS: JSON.stringify([
        { name: 'ops', url: 'https://hooks.example.org/x', secret, format: 'slack' },
      ]),
    });
    expect(config.CW_WEBHOOKS[0]).toMatchObject({ name: 'ops', format: 'slack', kinds: ['alert', 'digest'] });
  });

  it('reports every bad variable at once, naming the field of a webhook entry', () => {
    const found = problems({
      CW_WEBHOOKS: JSON.stringify([
        { name: 'a', url: 'https://x.example/' },
        { name: 'b', url: 'ftp://x', secret },
      ]),
      CW_DIGEST_TZ: 'Mars/Olympus',
      CW_SPIKE_WINDOW_MINUTES: '7',
    });
    expect(found.some((p) => p.startsWith('CW_WEBHOOKS.0.secret:'))).toBe(true);
    expect(found.some((p) => p.startsWith('CW_WEBHOOKS.1.url:'))).toBe(true);
    expect(found.some((p) => p.startsWith('CW_DIGEST_TZ:'))).toBe(true);
    expect(found.some((p) => p.startsWith('CW_SPIKE_WINDOW_MINUTES:'))).toBe(true);
    expect(found.join('\n')).not.toContain(secret);
  });

  it('has CUSUM defaults and refuses a bad CUSUM setting, naming the variable', () => {
    const config = schedulerConfig({});
    expect([
      config.CW_SPIKE_CUSUM_RATIO,
      config.CW_SPIKE_CUSUM_THRESHOLD,
      config.CW_SPIKE_CUSUM_WINDOWS,
      config.CW_SPIKE_CUSUM_BASELINE,
      config.CW_SPIKE_CUSUM_LEVEL_DAYS,
    ]).toEqual([DEFAULT_SPIKE_PARAMS.cusum.ratio, DEFAULT_SPIKE_PARAMS.cusum.threshold, 48, 'profile', 14]);
    expect(
      schedulerConfig({ CW_SPIKE_CUSUM_BASELINE: 'windows', CW_SPIKE_CUSUM_LEVEL_DAYS: '7' }),
    ).toMatchObject({ CW_SPIKE_CUSUM_BASELINE: 'windows', CW_SPIKE_CUSUM_LEVEL_DAYS: 7 });
    expect(schedulerConfig({ CW_SPIKE_CUSUM_WINDOWS: '0' }).CW_SPIKE_CUSUM_WINDOWS).toBe(0);
    const found = problems({
      CW_SPIKE_CUSUM_RATIO: '1',
      CW_SPIKE_CUSUM_THRESHOLD: '-2',
      CW_SPIKE_CUSUM_WINDOWS: '2.5',
      CW_SPIKE_CUSUM_BASELINE: 'weekly',
      CW_SPIKE_CUSUM_LEVEL_DAYS: '29',
    });
    expect(found).toEqual([
      "CW_SPIKE_CUSUM_RATIO: expected the rise the CUSUM looks for, a number > 1 (e.g. 3); got '1'",
      "CW_SPIKE_CUSUM_THRESHOLD: expected a positive number (the CUSUM fires at this log-likelihood ratio); got '-2'",
      "CW_SPIKE_CUSUM_WINDOWS: expected a whole number of windows from 0 (off) to 336; got '2.5'",
      "CW_SPIKE_CUSUM_BASELINE: expected windows or profile; got 'weekly'",
      "CW_SPIKE_CUSUM_LEVEL_DAYS: expected a whole number of days from 1 to 28 (the profile baseline's level); got '29'",
    ]);
  });

  it('refuses a webhook list that is not JSON', () => {
    expect(problems({ CW_WEBHOOKS: '[{' })[0]).toMatch(/^CW_WEBHOOKS: expected a JSON array/);
  });
});
