import { loadCorpus } from '@cw/enrichment';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { explanation, run } from './tag.ts';

async function tag(
  input: string,
): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const capture = captureIo(input);
  const code = await run([], capture.io);
  const lines = capture
    .out()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stderr: capture.err() };
}

describe('cw tag', () => {
  it('adds the enrichment fields to each object, keeps its other fields and the input order', async () => {
    const input = [
      { id: 1, text: 'Контракт с МО РФ, выплата 2 млн ₽, всё законно. Пиши в лс 👇' },
      { id: 2, text: 'Бүгін Астанада күн ашық болады' },
      { id: 3, text: 'The weather in Almaty is sunny today' },
    ];
    const { code, lines } = await tag(`${input.map((row) => JSON.stringify(row)).join('\n')}\n`);
    expect(code).toBe(0);
    expect(lines.map((line) => line['id'])).toEqual([1, 2, 3]);
    expect(lines.map((line) => line['lang'])).toEqual(['ru', 'kk', 'en']);
    expect(lines[0]?.['narratives']).toEqual(['mercenary_recruitment']);
    expect(lines[0]?.['narrativeEvidence']).toEqual([
      expect.objectContaining({ narrative: 'mercenary_recruitment' }),
    ]);
    expect(lines[1]?.['narratives']).toEqual([]);
    for (const line of lines) {
      expect(line['fingerprint']).toMatch(/^[0-9a-f]{16}$/);
      expect(line['langConfidence']).toEqual(expect.any(Number));
    }
  });

  it('gives a bad line an error field and goes on with the rest, in order', async () => {
    const input = [
      '{"id":1,"text":"Привет всем, как дела?"}',
      'not json at all',
      '{"id":3}',
      '[1,2]',
      '{"id":5,"text":"ok then"}',
    ];
    const { code, lines, stderr } = await tag(`${input.join('\n')}\n`);
    expect(code).toBe(0);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ id: 1, lang: 'ru' });
    expect(lines[0]).not.toHaveProperty('error');
    expect(lines[1]).toMatchObject({ error: expect.stringContaining('not JSON'), line: 'not json at all' });
    expect(lines[2]).toMatchObject({ id: 3, error: expect.stringContaining('text') });
    expect(lines[3]).toMatchObject({ error: 'not a JSON object' });
    expect(lines[4]).toMatchObject({ id: 5, fingerprint: expect.any(String) });
    expect(stderr).toContain('3 with errors');
  });

  it('says when the first stage kept a post from the encoder, with its screen scores', async () => {
    // A real ordinary post of the train split that the blame gate lets through (a regional forum).
    const forum = loadCorpus().train.find(
      (i) =>
        i.url ===
        'https://ru.sputnik.kz/20200909/kazakhstan-forum-mezhregionalnogo-sotrudnichestva-rossiya-14916227.html',
    );
    const { lines } = await tag(`${JSON.stringify({ text: forum?.text })}\n`);
    const skipped = lines[0]?.['classifierSkipped'] as { screen: Record<string, number> } | undefined;
    expect(skipped?.screen['kazakhstan_blame']).toEqual(expect.any(Number));
    expect(lines[0]?.['narratives']).toEqual([]);
    expect(explanation(lines[0] as Parameters<typeof explanation>[0])).toContain(
      'the first stage kept the post from the encoder (n-gram screen kazakhstan_blame',
    );
  });

  it("names the decoration lines the tagger read around, and the rules' verdict without them", async () => {
    const text = 'Курс доллара вырос до 95 рублей.\n\nПодписаться | Прислать новость\n@news_bot';
    const { lines } = await tag(`${JSON.stringify({ text })}\n`);
    expect(lines[0]?.['narratives']).toEqual([]);
    expect(explanation(lines[0] as Parameters<typeof explanation>[0])).toContain(
      `read without the channel's decoration: "Подписаться | Прислать новость", "@news_bot"`,
    );
    const plain = await tag(`${JSON.stringify({ text: 'Курс доллара вырос до 95 рублей.' })}\n`);
    expect(explanation(plain.lines[0] as Parameters<typeof explanation>[0])).not.toContain('decoration');
  });

  it('explains the stance score against the cuts it was held to, tagged or not', () => {
    const cut = {
      threshold: 0.3,
      veto: 0,
      stance: 0.95,
      ruleStance: 0.25,
      ruleStanceLangs: ['en', 'ru', 'uk'],
    };
    const text = explanation(
      {
        text: 'a post',
        lang: 'ru',
        narratives: ['kazakhstan_blame'],
        narrativeEvidence: [
          {
            narrative: 'kazakhstan_blame',
            score: 0,
            signals: [],
            classifier: { score: 0.8, threshold: 0.3, veto: 0, model: 'm' },
          },
        ],
        classifierScores: { kazakhstan_blame: 0.8, mercenary_recruitment: 0.33 },
        classifierStance: { kazakhstan_blame: 0.97, mercenary_recruitment: 0.2 },
      },
      { kazakhstan_blame: { ...cut, ruleStance: 0 }, mercenary_recruitment: cut },
    );
    expect(text).toContain('    stance 0.97 (a head tag needs 0.95; rule hits not judged)');
    expect(text).toContain(
      '  not mercenary_recruitment: classifier 0.33, stance 0.2 (a head tag needs 0.95; a rule hit 0.25 in en, ru, uk, unless strong)',
    );
  });

  it("with --explain, names a rule hit the definition's exclusions or requireIn stopped", async () => {
    // Team-written: a digest naming Kazakhstan in one item and NATO in another; a denial.
    const digest =
      'Заявления на брифинге:\n\n▪️ Госвизит в Казахстан был эффективным\n\n▪️ НАТО готовит плацдарм для ударов по России, помогает Украине.';
    const denial = 'Казахстан не будет помогать России обходить санкции.';
    const capture = captureIo(`${JSON.stringify({ text: digest })}\n${JSON.stringify({ text: denial })}\n`);
    expect(await run(['--rules-only', '--explain'], capture.io)).toBe(0);
    const [first, second] = capture.out().split('\n\n');
    expect(first).toContain('narratives: none');
    expect(first).toMatch(
      /not kazakhstan_blame by the rules: score [\d.]+, not counted: its required groups meet only across paragraphs/,
    );
    expect(second).toMatch(
      /not kazakhstan_blame by the rules: score [\d.]+, cancelled by denial "не будет помогать"/,
    );
    expect(second).not.toContain('mercenary_recruitment by the rules');
  });
});
