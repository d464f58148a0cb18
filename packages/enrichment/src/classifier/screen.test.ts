// The cascade's first stage: how its cut is chosen (toy scores), and, with the real encoder and the
// heads in git, which candidates it keeps from the encoder.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Encoder, encoderDir, loadEncoder } from '@cw/encoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { type CorpusItem, loadCorpus } from './corpus.ts';
import { evaluateCorpus, formatCorpusEvaluation } from './evaluate-corpus.ts';
import { ngramFeatures } from './features.ts';
import type { HeadFile } from './head.ts';
import { createClassifier, headsDir, type NarrativeClassifier, readHeadFiles } from './runtime.ts';
import { chooseScreenCut } from './screen.ts';
import type { Sample } from './train.ts';

function sample(rules: boolean, gated = true): Sample {
  return { embedding: new Float32Array(0), ngrams: ngramFeatures(''), label: true, group: 'g', rules, gated };
}

describe('choosing the first stage cut', () => {
  it('takes the highest cut that loses at most 1% of the tagged passages, and never a rule hit', () => {
    // 200 tagged by the head alone (screen 0.30..0.995), 10 rule hits with the lowest screen scores, 50 untagged.
    const samples: Sample[] = [];
    const screen: number[] = [];
    const tagged: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      samples.push(sample(false));
      screen.push(0.3 + i * 0.0035);
      tagged.push(true);
    }
    for (let i = 0; i < 10; i++) {
      samples.push(sample(true));
      screen.push(0.01);
      tagged.push(true);
    }
    for (let i = 0; i < 50; i++) {
      samples.push(sample(false));
      screen.push(0.1 + i * 0.001);
      tagged.push(false);
    }
    const { threshold, cv } = chooseScreenCut(samples, screen, tagged);
    // 210 tagged: 2 may be lost, the two lowest head-only tags (0.300, 0.3035); the third is at 0.307.
    expect(threshold).toBe(0.307);
    expect(cv).toMatchObject({ tagged: 210, headOnly: 200, lost: 2, gated: 260 });
    // Every untagged passage is under the cut; the rule hits pass despite their scores.
    expect(cv.passed).toBe(208);
  });

  it('may drop false tags of the decision: only its correct tags hold the cut down', () => {
    // 100 correct head-only tags (screen 0.50..0.995) and 20 false ones scored lower (0.20..0.295).
    const samples: Sample[] = [];
    const screen: number[] = [];
    for (let i = 0; i < 100; i++) {
      samples.push(sample(false));
      screen.push(0.5 + i * 0.005);
    }
    for (let i = 0; i < 20; i++) {
      samples.push({ ...sample(false), label: false, hardNegative: true });
      screen.push(0.2 + i * 0.005);
    }
    const { threshold, cv } = chooseScreenCut(
      samples,
      screen,
      samples.map(() => true),
    );
    // One correct tag of 100 may be lost (the one at 0.50); the next is at 0.505.
    expect(threshold).toBe(0.505);
    expect(cv).toMatchObject({ tagged: 120, lost: 21, positivesLost: 1, hardNegativesPassed: 0 });
  });

  it('keeps every tagged passage when the keep share asks for all of them', () => {
    const samples = [sample(false), sample(false), sample(false)];
    const { threshold, cv } = chooseScreenCut(samples, [0.2, 0.9, 0.1], [true, true, false], 1);
    expect(threshold).toBe(0.2);
    expect(cv.lost).toBe(0);
  });
});

// Real passages of the train split, by URL: an ordinary post the blame gate lets through (a forum of
// Kazakh and Russian regions) and a blame positive no rule tags (biolabs in Alma-Ata).
const ORDINARY_URL =
  'https://ru.sputnik.kz/20200909/kazakhstan-forum-mezhregionalnogo-sotrudnichestva-rossiya-14916227.html';
const POSITIVE_URL = 'https://news-front.su/?p=782178';
const AD =
  'Служба по контракту в Вооружённых силах! Единовременная выплата 1,2 млн рублей, денежное довольствие от 210 тысяч в месяц. Звоните 117 или приходите в пункт отбора на военную службу по контракту.';

describe('the first stage in the classifier (real encoder, heads in git)', () => {
  const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
  const train = loadCorpus().train;
  const text = (url: string) => {
    const item = train.find((i) => i.url === url);
    if (!item) throw new Error(`${url} is not in the train split`);
    return item.text;
  };
  let encoder: Encoder;
  let classifier: NarrativeClassifier;
  let strictDir: string;
  beforeAll(async () => {
    encoder = await loadEncoder(encoderDir(process.env['CW_CACHE_DIR']));
    classifier = await createClassifier({ encoder, definitions, narrativesDir: DEFAULT_NARRATIVES_DIR });
    strictDir = mkdtempSync(join(tmpdir(), 'cw-screen-'));
    // The heads in git with cuts no post reaches: only the rules can open the way to the encoder.
    cpSync(DEFAULT_NARRATIVES_DIR, strictDir, { recursive: true });
    for (const file of readHeadFiles(headsDir(strictDir))) {
      const strict: HeadFile = {
        ...file,
        screen: { ...(file.screen as NonNullable<HeadFile['screen']>), threshold: 1.01 },
      };
      writeFileSync(join(headsDir(strictDir), `${file.narrative}.json`), JSON.stringify(strict));
    }
    expect(readFileSync(join(headsDir(strictDir), 'mercenary_recruitment.json'), 'utf8')).toContain('1.01');
  });
  afterAll(async () => {
    await encoder.close();
    rmSync(strictDir, { recursive: true, force: true });
  });

  it('has a first stage in every head in git', () => {
    for (const head of classifier.heads) expect(head.screen?.threshold).toBeGreaterThan(0);
  });

  it('keeps an ordinary gate-passing post from the encoder and sends a corpus positive to it', async () => {
    const ordinary = text(ORDINARY_URL);
    const positive = text(POSITIVE_URL);
    expect(classifier.gate.test(ordinary)).toBe(true);
    const before = classifier.stats.encoded;
    const [o, p] = await classifier.classify([ordinary, positive]);
    expect(classifier.stats.encoded - before).toBe(1);
    expect(o?.encoded).toBe(false);
    expect(o?.scores).toEqual({});
    const blame = classifier.heads.find((h) => h.narrative === 'kazakhstan_blame');
    expect(o?.screen?.['kazakhstan_blame']).toBeLessThan(blame?.screen?.threshold ?? 0);
    expect(p?.encoded).toBe(true);
    expect(p?.scores['kazakhstan_blame']).toBeGreaterThanOrEqual(blame?.threshold ?? 1);
  });

  it('sends a rule hit to the encoder even when every screen is under its cut', async () => {
    const strict = await createClassifier({ encoder, definitions, narrativesDir: strictDir });
    const [ad, ordinary] = await strict.classify([AD, text(ORDINARY_URL)]);
    expect(strict.stats).toMatchObject({ candidates: 2, encoded: 1 });
    expect(ad?.encoded).toBe(true);
    expect(ad?.scores['mercenary_recruitment']).toBeDefined();
    expect(ordinary?.encoded).toBe(false);
  });

  it("takes the caller's rule tags for whole posts instead of reading the rules again", async () => {
    // The pipeline passes the tags enrich found. Told the wrong way round, the first stage follows the
    // caller: the ad is kept from the encoder, the ordinary post sent to it.
    const strict = await createClassifier({ encoder, definitions, narrativesDir: strictDir });
    const [ad, ordinary] = await strict.classify([AD, text(ORDINARY_URL)], [[], ['kazakhstan_blame']]);
    expect(ad?.encoded).toBe(false);
    expect(ordinary?.encoded).toBe(true);
    // A text without tags given is read by the rules as before.
    const again = await createClassifier({ encoder, definitions, narrativesDir: strictDir });
    const [ad2] = await again.classify([AD], [undefined]);
    expect(ad2?.encoded).toBe(true);
  });

  it('encodes every gate-passing post when built without the first stage', async () => {
    const unscreened = await createClassifier({
      encoder,
      definitions,
      narrativesDir: DEFAULT_NARRATIVES_DIR,
      firstStage: false,
    });
    const [o] = await unscreened.classify([text(ORDINARY_URL)]);
    expect(unscreened.stats).toMatchObject({ candidates: 1, encoded: 1 });
    expect(o?.encoded).toBe(true);
    expect(o?.scores['kazakhstan_blame']).toBeDefined();
  });

  it('counts, in the corpus evaluation, the positives the first stage kept from a tag', async () => {
    // With cuts no post reaches, the blame positive never meets the encoder; unscreened, the heads tag it.
    const strict = await createClassifier({ encoder, definitions, narrativesDir: strictDir });
    const unscreened = await createClassifier({
      encoder,
      definitions,
      narrativesDir: strictDir,
      firstStage: false,
    });
    const items = [ORDINARY_URL, POSITIVE_URL].map((url) => train.find((i) => i.url === url) as CorpusItem);
    const ev = await evaluateCorpus(items, definitions, strict, unscreened);
    expect(ev.overall['kazakhstan_blame']?.combined).toMatchObject({ tp: 0, fn: 1 });
    expect(ev.firstStageCost?.['kazakhstan_blame']).toEqual({ positivesLost: 1, falseTagsSpared: 0 });
    expect(formatCorpusEvaluation(ev)).toContain(
      'first stage cost kazakhstan_blame: of the passages it kept',
    );
    // Without the unscreened classifier there is nothing to count.
    expect((await evaluateCorpus(items, definitions, strict)).firstStageCost).toBeUndefined();
  });
});
