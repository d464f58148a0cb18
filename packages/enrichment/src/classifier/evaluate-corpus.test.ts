// The eval's split of the pipeline's figures by source: web passages and whole Telegram posts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { compileNarratives } from '../narrative-compile.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { tagNarratives } from '../narrative-match.ts';
import { type CorpusItem, siteOf, sourceOf } from './corpus.ts';
import { evaluateCorpus, formatCorpusEvaluation } from './evaluate-corpus.ts';

const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);
const RECRUITMENT = 'mercenary_recruitment';

function item(text: string, url: string, kind: CorpusItem['kind'], narratives: string[] = []): CorpusItem {
  return { text, lang: 'ru', narratives, url, note: 'unit test', kind, site: siteOf(url) };
}

describe('the eval by source', () => {
  it('counts Telegram channel posts apart from web passages, ordinary posts apart from hard negatives', async () => {
    const compiled = compileNarratives(definitions);
    const def = definitions.find((d) => d.id === RECRUITMENT);
    const ad = def?.examples.positive.find((t) =>
      tagNarratives(compiled, t).narratives.includes(RECRUITMENT),
    );
    expect(ad, 'a definition example the rules tag').toBeDefined();
    const items = [
      item(ad as string, 'https://t.me/c/100/1', 'positive', [RECRUITMENT]),
      item(ad as string, 'https://t.me/somechannel/2', 'negative'),
      item(
        'Погода в Алматы: завтра до плюс пяти, без осадков.',
        'https://t.me/s/somechannel/3',
        'hard_negative',
      ),
      item(ad as string, 'https://example.org/a', 'positive', [RECRUITMENT]),
    ];
    expect(items.map(sourceOf)).toEqual(['telegram', 'telegram', 'telegram', 'web']);
    const ev = await evaluateCorpus(items, definitions, undefined);
    const telegram = ev.bySource.telegram;
    expect(telegram.items).toBe(3);
    expect(telegram.narratives[RECRUITMENT]).toEqual({ tp: 1, fp: 1, fn: 0, tn: 1 });
    expect(telegram.ordinary).toEqual({ total: 1, tagged: 1 });
    expect(telegram.hardNegatives).toEqual({ total: 1, tagged: 0 });
    expect(ev.bySource.web.items).toBe(1);
    expect(ev.bySource.web.narratives[RECRUITMENT]).toEqual({ tp: 1, fp: 0, fn: 0, tn: 0 });
    expect(formatCorpusEvaluation(ev)).toContain(
      `| telegram | 3 | ${RECRUITMENT} | 0.50 | 1.00 | 1 | 1 | 0 | 0/1 | 1/1 |`,
    );
  });
});
