import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encoderDir } from './fetch.ts';
import { UnigramTokenizer, type VocabFile } from './tokenizer.ts';

// A toy vocabulary: ids 0–3 are the specials, as convert_e5.py writes them.
const vocab: VocabFile = {
  pieces: ['', '', '', '', '▁', '▁ка', 'за', 'х', '▁каз', 'ах', 'а', 'к', 'з'],
  scores: [0, 0, 0, 0, -2, -3, -3, -4, -2, -2, -5, -5, -5],
  bos: 0,
  pad: 1,
  eos: 2,
  unk: 3,
  unkScore: -20,
  norm: [[0x00a0, [0x20]]],
  maxPositions: 512,
  layers: 6,
  dim: 384,
};

describe('UnigramTokenizer', () => {
  const tok = new UnigramTokenizer(vocab);

  it('picks the segmentation with the best total score, not the longest first piece', () => {
    // ▁каз + ах = -4 beats ▁ка + за + х = -10
    expect(tok.encodeContent('казах', 10)).toEqual([8, 9]);
  });

  it('maps a character no piece covers to <unk> and keeps going', () => {
    expect(tok.encodeContent('каз№ах', 10)).toEqual([8, 3, 9]);
  });

  it('normalises as SentencePiece does: mapped spaces, runs of spaces collapsed, a leading ▁', () => {
    expect(tok.normalise('каз\u00a0  ах')).toBe('▁каз▁ах');
  });

  it('wraps content in <s> </s> and cuts it to fit the token budget', () => {
    expect(tok.encode('казах казах казах', 5)).toEqual([0, 8, 9, 8, 2]);
  });

  it('takes the first pieces of the best segmentation of the whole text, also when a piece spans a space', () => {
    // 'х▁каз' crosses a word break, so stopping at the break would give [▁каз, ах]; the whole text's best
    // path is ▁каз а х▁каз ах (-5.5 against -8).
    const spanning = new UnigramTokenizer({
      ...vocab,
      pieces: [...vocab.pieces, 'х▁каз'],
      scores: [...vocab.scores.slice(0, 10), -1, ...vocab.scores.slice(11), -0.5],
    });
    expect(spanning.encodeContent('казах казах', 2)).toEqual([8, 10]);
    expect(tok.encodeContent('казах казах', 2)).toEqual([8, 9]);
  });
});

/** SentencePiece's Viterbi over the whole text, written plainly: the reference the tokenizer must match. */
function referenceEncode(
  vocabFile: VocabFile,
  ids: ReadonlyMap<string, number>,
  tok: UnigramTokenizer,
  text: string,
  max: number,
): number[] {
  const chars = [...tok.normalise(text)];
  const best: { score: number; from: number; id: number }[] = [{ score: 0, from: -1, id: -1 }];
  for (let e = 1; e <= chars.length; e++) {
    let top = { score: Number.NEGATIVE_INFINITY, from: -1, id: -1 };
    for (let i = 0; i < e; i++) {
      const base = best[i]?.score ?? Number.NEGATIVE_INFINITY;
      const id = ids.get(chars.slice(i, e).join(''));
      const score =
        id === undefined
          ? e === i + 1
            ? base + vocabFile.unkScore
            : Number.NaN
          : base + (vocabFile.scores[id] ?? 0);
      if (score > top.score) top = { score, from: i, id: id ?? vocabFile.unk };
    }
    best.push(top);
  }
  const out: number[] = [];
  for (let e = chars.length; e > 0; e = best[e]?.from ?? 0) out.unshift(best[e]?.id ?? -1);
  return out.slice(0, max);
}

describe('UnigramTokenizer on the real vocabulary', () => {
  const vocabFile = JSON.parse(
    readFileSync(join(encoderDir(process.env['CW_CACHE_DIR']), 'vocab.json'), 'utf8'),
  ) as VocabFile;
  const tok = new UnigramTokenizer(vocabFile);
  const ids = new Map<string, number>();
  vocabFile.pieces.forEach((p, id) => {
    if (p !== '') ids.set(p, id);
  });
  const texts = [
    'query: Контракт с Минобороны РФ: единовременная выплата 2 млн ₽, гражданам РК упрощённый порядок. Пиши в лс @hr_12_bot 👇 https://t.me/news_kz/1842',
    'query: Жігіттер, келісімшарт жасасаңыз бірден төлейді, жеке хатқа жазыңыз. Qazaqstan Premer-ligasınıñ kezekti turı aiaqtaldı.',
    'query: Комплектующие для дронов шли через «братский» Казахстан — а Астана делает вид, что не в курсе… Графіки відключень світла на завтра вже опубліковані.',
    'query: The drones flew in through the territory of Kazakhstan, sources said; 12 500 ₸ per month, apply now!!! 你好 مرحبا',
  ];

  it('gives the same pieces as a plain Viterbi over the whole text, at every cut', () => {
    for (const text of texts)
      for (const max of [1, 7, 20, 62, 500])
        expect(tok.encodeContent(text, max), `${max}: ${text.slice(7, 40)}`).toEqual(
          referenceEncode(vocabFile, ids, tok, text, max),
        );
  });
});
