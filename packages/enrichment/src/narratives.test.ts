import { describe, expect, it } from 'vitest';
import { loadCorpus, sourceOf } from './classifier/corpus.ts';
import { readJsonl } from './dev-data.ts';
import { evaluateNarratives, type NarrativeRow } from './evaluate.ts';
import { DEFAULT_NARRATIVES_DIR } from './index.ts';
import { compileNarratives } from './narrative-compile.ts';
import { loadNarrativeDefinitions } from './narrative-loader.ts';
import { tagNarratives } from './narrative-match.ts';
import type { NarrativeDefinition } from './narrative-schema.ts';

const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const compiled = compileNarratives(definitions);

/**
 * Positive examples that name neither military service nor the contract and open no gate: a rule hit
 * needs one or the other (`topic` in the definition), since on real channel posts such hits were flat
 * adverts and tabloid news. They stay examples for the classifier's training.
 */
const TOPICLESS = new Set([
  'Работа на передовой для граждан СНГ, ЗП от 280 тыс. ₽, документы оформим сами. Связь: @svo_help_bot',
  'Не слушай тех, кто пугает тюрьмой. Всё законно, подписываешь и получаешь подъёмные. Звони!',
]);

describe('shipped narrative definitions', () => {
  it('include mercenary_recruitment and kazakhstan_blame', () => {
    expect(definitions.map((def) => def.id).sort()).toEqual(['kazakhstan_blame', 'mercenary_recruitment']);
  });

  for (const def of definitions) {
    describe(def.id, () => {
      it.each(def.examples.positive)('tags its positive example unless it names no topic: %s', (text) => {
        expect(tagNarratives(compiled, text).narratives.includes(def.id)).toBe(!TOPICLESS.has(text));
      });
      it.each(def.examples.negative)('does not tag its negative example: %s', (text) => {
        expect(tagNarratives(compiled, text).narratives).not.toContain(def.id);
      });
    });
  }
});

describe('tagNarratives', () => {
  it('carries evidence: the groups, terms and words that matched', () => {
    const text = 'Служба по контракту с МО РФ, выплата 2 млн ₽. Казахстанцам всё законно, пишите в личку';
    const { narratives, narrativeEvidence } = tagNarratives(compiled, text);
    expect(narratives).toEqual(['mercenary_recruitment']);
    const evidence = narrativeEvidence[0];
    expect(evidence?.narrative).toBe('mercenary_recruitment');
    expect(evidence?.score).toBeGreaterThan(0);
    expect(evidence?.signals).toContainEqual({ group: 'legality', term: 'законно', matched: 'законно' });
    expect(evidence?.signals).toContainEqual({ group: 'military', term: 'мо рф', matched: 'МО РФ' });
    for (const signal of evidence?.signals ?? [])
      expect(text.toLowerCase()).toContain(signal.matched.toLowerCase());
  });

  it('matches a keyword disguised with Latin look-alike letters', () => {
    const plain = 'Пацаны, kонтpакт подписывай, выплаты сразу, пиши в лс';
    const { narratives, narrativeEvidence } = tagNarratives(compiled, plain);
    expect(narratives).toContain('mercenary_recruitment');
    expect(narrativeEvidence[0]?.signals).toContainEqual({
      group: 'contract',
      term: 'контракт*',
      matched: 'kонтpакт',
    });
  });

  it('matches stems across case endings and phrases within the proximity window', () => {
    const text = 'Детали для дронов шли через братский Казахстан, а Астана опять делает вид, что не в курсе';
    const evidence = tagNarratives(compiled, text).narrativeEvidence.find(
      (e) => e.narrative === 'kazakhstan_blame',
    );
    expect(evidence?.signals.map((s) => s.group)).toEqual(
      expect.arrayContaining(['kazakhstan', 'supply_route', 'harbouring', 'weapons']),
    );
  });

  it('does not tag a warning that quotes the recruiters’ promises', () => {
    const text =
      'Уголовная ответственность по ст. 170 УК РК: «выплаты 2 млн, всё законно, пиши в лс» — так пишут вербовщики.';
    expect(tagNarratives(compiled, text).narratives).toEqual([]);
  });

  it('reads the letters of a model designation ("РК-360МЦ") as no word, and "РК" alone as Kazakhstan', () => {
    const launched = 'ВМС запустили ракету по буровой противника: дроны и ракеты для ударов шли через';
    const designation = tagNarratives(compiled, `${launched} комплекс РК-360МЦ «Нептун».`);
    const country = tagNarratives(compiled, `${launched} РК, 360 штук «Нептун».`);
    expect(country.narratives).toContain('kazakhstan_blame');
    expect(designation.narratives).not.toContain('kazakhstan_blame');
    expect(JSON.stringify(designation.narrativeEvidence)).not.toContain('"РК"');
  });

  it('tags nothing in an unrelated post and returns no evidence', () => {
    expect(tagNarratives(compiled, 'Завтра в Алматы снег, будьте осторожны на дорогах')).toEqual({
      narratives: [],
      narrativeEvidence: [],
    });
  });
});

describe('narrative quality on eval/narratives-dev.jsonl', () => {
  const rows = readJsonl<NarrativeRow>('narratives-dev.jsonl');
  const metrics = evaluateNarratives(rows, compiled);

  it.each(['mercenary_recruitment', 'kazakhstan_blame'])('%s has precision ≥ 0.9 and recall ≥ 0.85', (id) => {
    const m = metrics.perClass[id];
    expect(m?.support).toBeGreaterThan(0);
    expect(m?.precision).toBeGreaterThanOrEqual(0.9);
    expect(m?.recall).toBeGreaterThanOrEqual(0.85);
  });

  it('tags none of the language dev posts (news, weather, prices, sport, deepfake warnings)', () => {
    const posts = readJsonl<{ text: string }>('lang-dev.jsonl');
    const tagged = posts.filter((post) => tagNarratives(compiled, post.text).narratives.length > 0);
    expect(tagged.map((post) => post.text)).toEqual([]);
  });

  it('tags no more than 5% of the hard negatives', () => {
    expect(metrics.hardNegatives.total).toBeGreaterThan(0);
    expect(metrics.hardNegatives.rate).toBeLessThanOrEqual(0.05);
  });
});

describe('when a rule hit counts: requirements met by distinct groups, the gate or a topic group', () => {
  // Team-written definition and texts: unit behaviour only.
  const base: NarrativeDefinition = {
    id: 'offer',
    title: 'Offer',
    description: 'A test narrative.',
    languages: ['ru'],
    threshold: 2,
    window: 3,
    require: [],
    signals: {
      pay: { weight: 1, terms: { ru: ['рубл*'] } },
      contact: { weight: 1, terms: { ru: ['звони*'] } },
      service: { weight: 1, terms: { ru: ['передк*'] } },
    },
    exclusions: {},
    examples: { positive: ['x'], negative: ['y'] },
  };
  const tags = (def: NarrativeDefinition, text: string) =>
    tagNarratives(compileNarratives([def]), text).narratives.includes('offer');
  const advert = 'Квартиры от 5 млн рублей, звоните.';

  it('tags on the signals alone when the definition has no gate', () => {
    expect(tags(base, advert)).toBe(true);
  });

  it('meets each requirement with a different group: one group listed in two meets only one', () => {
    const required = {
      ...base,
      require: [
        ['service', 'contact'],
        ['service', 'pay'],
      ],
    };
    // Service alone (with its weight past the threshold) used to meet both requirements.
    const heavy = {
      ...required,
      signals: { ...required.signals, service: { weight: 2, terms: { ru: ['передк*'] } } },
    };
    expect(tags(heavy, 'На передке опять жарко.')).toBe(false);
    expect(tags(heavy, 'На передке платят рубли.')).toBe(true);
    expect(tags(heavy, 'На передке жарко, звони.')).toBe(true);
  });

  it('with a gate, drops a hit on a post the gate does not open and no topic group matched', () => {
    const gated = { ...base, gate: { ru: ['военн*'] }, topic: ['service'] };
    expect(tags(gated, advert)).toBe(false);
    expect(tags(gated, `${advert} Для военных скидка.`)).toBe(true);
    expect(tags(gated, 'На передке платят рубли, звони.')).toBe(true);
    // Without a topic, the gate alone decides.
    expect(tags({ ...gated, topic: undefined }, 'На передке платят рубли, звони.')).toBe(false);
  });

  it('with requireIn paragraph, meets the requirements within one paragraph or the headline and one other', () => {
    const required = { ...base, require: [['service'], ['pay']] };
    const scoped = { ...required, requireIn: 'paragraph' as const };
    const digest = 'Другие новости дня:\n▪️ На передке жарко.\n▪️ Квартиры от 5 млн рублей, звоните.';
    expect(tags(required, digest)).toBe(true);
    expect(tags(scoped, digest)).toBe(false);
    expect(tags(scoped, 'Другие новости дня:\n▪️ На передке платят рубли, звоните.')).toBe(true);
    // A headline names the subject of the paragraphs under it.
    expect(tags(scoped, 'На передке:\nНичего нового.\nПлатят рубли, звоните.')).toBe(true);
    // Two paragraphs neither of which is the first do not meet it together.
    expect(tags(scoped, 'Новости:\nНа передке жарко.\nПлатят рубли, звоните.')).toBe(false);
  });
});

describe('blame on a channel digest: Kazakhstan in one item, NATO and Ukraine in another', () => {
  it('is not a rule hit, while the same words in one item are', () => {
    // Team-written, after the shape of two real train posts (t.me/c/1101170442/271073, 1166834860/128848).
    const blame = (text: string) => tagNarratives(compiled, text).narratives.includes('kazakhstan_blame');
    const item = 'НАТО готовит в Казахстане плацдарм для ударов по России, а Астана помогает Украине.';
    expect(blame(item)).toBe(true);
    expect(blame(`Заявления на брифинге:\n\n▪️ ${item}\n\n▪️ Погода в Москве.`)).toBe(true);
    const digest =
      'Заявления на брифинге:\n\n▪️ Госвизит в Казахстан был эффективным\n\n▪️ НАТО готовит плацдарм для ударов по России, помогает Украине.';
    expect(blame(digest)).toBe(false);
  });
});

describe('the rules on real channel posts (train split)', () => {
  it('tag at most 1% of the ordinary posts and keep the relayed offers', () => {
    // Whole posts of 12 Russian news channels (corpus, train): 3 of 459 ordinary posts are rule-tagged
    // today; 12 when one signal group could meet two requirements (war news with a sum: "новорожденных
    // регионального ... 55 тысяч"), 29 when a rule hit needed neither the gate nor a topic group.
    // The Ukrainian war channel's posts (t.me/tsaplienko) are left out: its units' own adverts are
    // what the rules miss most (README, "A Ukrainian war channel").
    const posts = loadCorpus().train.filter(
      (i) => sourceOf(i) === 'telegram' && i.site.startsWith('t.me/c/'),
    );
    const ordinary = posts.filter((i) => i.kind === 'negative');
    const positives = posts.filter((i) => i.narratives.length > 0);
    const tagged = ordinary.filter((i) => tagNarratives(compiled, i.text).narratives.length > 0);
    expect(ordinary.length).toBeGreaterThan(400);
    expect(tagged.length / ordinary.length).toBeLessThanOrEqual(0.01);
    const found = positives.filter((i) =>
      i.narratives.every((n) => tagNarratives(compiled, i.text).narratives.includes(n)),
    );
    expect(found.length).toBeGreaterThanOrEqual(positives.length - 1);
  });

  it('tag none of them with blame: none carries it, and digests name Kazakhstan in one item only', () => {
    // Two digests ("Другие заявления Пескова: ▪️ Госвизит в Казахстан… ▪️ …НАТО… Украине") were the
    // blame rules' only hits here before blame's `requireIn: paragraph`.
    const posts = loadCorpus().train.filter((i) => sourceOf(i) === 'telegram');
    const blamed = posts.filter((i) =>
      tagNarratives(compiled, i.text).narratives.includes('kazakhstan_blame'),
    );
    expect(posts.length).toBeGreaterThan(1500);
    expect(posts.some((i) => i.narratives.includes('kazakhstan_blame'))).toBe(false);
    expect(blamed.map((i) => i.url)).toEqual([]);
  });
});
