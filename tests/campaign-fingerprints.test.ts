import { collectedPost } from '@cw/domain';
import { compileNarratives, DEFAULT_NARRATIVES_DIR, loadNarrativeDefinitions } from '@cw/enrichment';
import { DEFAULT_MAX_DISTANCE, groupFingerprints } from '@cw/es';
import { toIndexedPost } from '@cw/pipeline';
import { generateSampleChannels } from '@cw/sample-channels';
import { describe, expect, it } from 'vitest';

// The sample's copy-paste campaign must come out as one cluster whatever hour the demo runs at: the
// generator edits a few posts at random, and an edited campaign copy once moved far enough to split
// the campaign (the demo test failed at about one hour in five).

const narratives = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
const HOUR = 3600_000;

function campaignFingerprints(
  end: Date,
  days: number,
  channels: number,
): { channels: number; fps: string[] } {
  const { events, truth } = generateSampleChannels({ seed: 42, end, days, channels });
  const members = new Set(truth.campaign.channels);
  // Its copies vary at the edges (a hashtag, a link, a word, punctuation); the middle stays.
  const core = 'компоненты взрывного устройства были ввезены через Казахстан';
  // The last version of each own (not forwarded) campaign post, as the pipeline indexes it.
  const latest = new Map<string, (typeof events)[number]>();
  for (const e of events) {
    if (e.forward || !members.has(e.channel.username ?? '') || !e.text.includes(core)) continue;
    latest.set(`${e.channel.id}_${e.messageId}`, e);
  }
  const posts = [...latest.values()].map((e) => toIndexedPost(collectedPost.parse(e), { narratives }));
  return { channels: new Set(posts.map((p) => p.channel.id)).size, fps: posts.map((p) => p.fingerprint) };
}

describe('the sample campaign', () => {
  it('is one near-duplicate group at every end hour of two days, in the demo and test configurations', () => {
    for (const [days, channels] of [
      [10, 20],
      [30, 41],
    ] as const) {
      for (let h = 0; h < 48; h++) {
        const end = new Date(Date.UTC(2026, 10, 23) + h * HOUR);
        const campaign = campaignFingerprints(end, days, channels);
        const bands = new Map<string, string[]>();
        for (const fp of new Set(campaign.fps)) {
          for (let b = 0; b < 4; b++) {
            const key = `${b}:${fp.slice(b * 4, b * 4 + 4)}`;
            bands.set(key, [...(bands.get(key) ?? []), fp]);
          }
        }
        const groups = groupFingerprints([...bands.values()], DEFAULT_MAX_DISTANCE);
        expect(groups.length, `${end.toISOString()} days ${days}: ${JSON.stringify(groups)}`).toBe(1);
        expect(campaign.channels).toBeGreaterThanOrEqual(8);
      }
    }
  });
});
