import { describe, expect, it } from 'vitest';
import { authenticate, hashApiKey, parseApiKeys } from './auth.ts';
import { apiConfig } from './config.ts';

describe('API keys', () => {
  const keys = parseApiKeys(`alice:${hashApiKey('k-alice')}, ${hashApiKey('k-bare')}`);

  it('accepts name:hash and bare hash entries and names the caller', () => {
    expect(authenticate('Bearer k-alice', keys)).toBe('alice');
    expect(authenticate('bearer k-bare', keys)).toBe(`key-${hashApiKey('k-bare').slice(0, 8)}`);
  });

  it('refuses missing, wrong and non-bearer credentials', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer k-alic',
      'Basic k-alice',
      `Bearer ${hashApiKey('k-alice')}`,
    ]) {
      expect(authenticate(header, keys)).toBeUndefined();
    }
  });

  it('config refuses keys that are not sha256 hashes, without printing them', () => {
    expect(() => apiConfig({ CW_API_KEYS: 'plain-secret-key' })).toThrow(
      /CW_API_KEYS: expected comma-separated sha256/,
    );
    expect(() => apiConfig({ CW_API_KEYS: 'plain-secret-key' })).not.toThrow(/plain-secret-key/);
  });
});
