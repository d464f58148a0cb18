import { describe, expect, it } from 'vitest';
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
});
