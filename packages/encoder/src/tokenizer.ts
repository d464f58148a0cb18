// SentencePiece Unigram tokenisation for multilingual-e5-small, from the pruned vocabulary that
// convert_e5.py writes. The full tokenizer.json costs ~264 MB of heap in the JS tokenizers; this keeps
// one Map of piece → id, the scores in a Float32Array and the normaliser as a code-point map.

export interface VocabFile {
  pieces: string[];
  scores: number[];
  bos: number;
  eos: number;
  pad: number;
  unk: number;
  unkScore: number;
  /** [codepoint, replacement codepoints] of the model's normaliser (NFKC-like, control removal). */
  norm: [number, number[]][];
  maxPositions: number;
  layers: number;
  dim: number;
}

const META = '\u2581';
const HASH_SEED = 0x811c9dc5 & 0x3fffffff;
/** FNV-1a over UTF-16 code units, kept to 30 bits so the set holds small integers. */
const hashStep = (h: number, unit: number) => Math.imul(h ^ unit, 0x01000193) & 0x3fffffff;

export class UnigramTokenizer {
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  private readonly ids = new Map<string, number>();
  /** Hashes of every prefix of every piece: a string whose hash is missing begins no piece, so the
   * Viterbi stops extending it (a collision only means one needless lookup). */
  private readonly starts = new Set<number>();
  /** No piece holds ▁ after its first character, so every segmentation breaks before each ▁. */
  private readonly breaksAtSpace: boolean;
  private readonly scores: Float32Array;
  private readonly unk: number;
  private readonly unkScore: number;
  private readonly maxPieceChars: number;
  private readonly norm = new Map<number, string>();

  constructor(vocab: VocabFile) {
    this.bos = vocab.bos;
    this.eos = vocab.eos;
    this.pad = vocab.pad;
    this.unk = vocab.unk;
    this.unkScore = vocab.unkScore;
    this.scores = Float32Array.from(vocab.scores);
    let maxChars = 1;
    let breaksAtSpace = true;
    vocab.pieces.forEach((piece, id) => {
      if (piece === '') return; // specials are matched by id only
      this.ids.set(piece, id);
      const chars = [...piece].length;
      if (chars > maxChars) maxChars = chars;
      if (piece.indexOf(META, 1) > 0) breaksAtSpace = false;
    });
    for (const piece of vocab.pieces) {
      let h = HASH_SEED;
      for (let k = 0; k < piece.length; k++) {
        h = hashStep(h, piece.charCodeAt(k));
        this.starts.add(h);
      }
    }
    this.maxPieceChars = maxChars;
    this.breaksAtSpace = breaksAtSpace;
    for (const [cp, out] of vocab.norm) this.norm.set(cp, String.fromCodePoint(...out));
  }

  /** Normalised text as SentencePiece sees it: mapped code points, single spaces, ▁ for space. */
  normalise(text: string): string {
    let out = '';
    let lastSpace = false;
    for (const ch of text) {
      const mapped = this.norm.get(ch.codePointAt(0) ?? 0) ?? ch;
      for (const c of mapped) {
        if (c === ' ') {
          if (lastSpace && out !== '') continue;
          lastSpace = true;
        } else lastSpace = false;
        out += c;
      }
    }
    if (!out.startsWith(' ')) out = ` ${out}`;
    return out.replaceAll(' ', META);
  }

  /**
   * Content token ids (no <s> </s>), at most `max`, by Viterbi over the piece scores. The result is the
   * first `max` pieces of the best segmentation of the whole text; the pass stops at the first ▁ after
   * which `max` pieces are settled (every segmentation breaks there, so nothing later can change them):
   * a post's head costs what its first 62 tokens cost, not its whole text.
   */
  encodeContent(text: string, max: number): number[] {
    const chars = [...this.normalise(text)];
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const piece = new Int32Array(n + 1);
    const from = new Int32Array(n + 1);
    const out: number[] = [];
    // Appends the settled pieces between two breaks (a ▁ or an end), in order.
    const settle = (start: number, end: number) => {
      const reversed: number[] = [];
      for (let i = end; i > start; i = from[i] as number) reversed.push(piece[i] as number);
      for (let k = reversed.length - 1; k >= 0; k--) out.push(reversed[k] as number);
    };
    best[0] = 0;
    let settledTo = 0;
    for (let i = 0; i < n; i++) {
      if (this.breaksAtSpace && i > settledTo && chars[i] === META) {
        settle(settledTo, i);
        settledTo = i;
        if (out.length >= max) return out.slice(0, max);
      }
      const base = best[i] as number;
      if (base === Number.NEGATIVE_INFINITY) continue;
      let s = '';
      let h = HASH_SEED;
      const end = Math.min(n, i + this.maxPieceChars);
      for (let e = i + 1; e <= end; e++) {
        const ch = chars[e - 1] as string;
        s += ch;
        h = hashStep(h, ch.charCodeAt(0));
        if (ch.length > 1) h = hashStep(h, ch.charCodeAt(1));
        if (!this.starts.has(h)) break; // no piece begins with s
        const id = this.ids.get(s);
        if (id === undefined) continue;
        const score = base + (this.scores[id] as number);
        if (score > (best[e] as number)) {
          best[e] = score;
          piece[e] = id;
          from[e] = i;
        }
      }
      // A character no piece covers becomes <unk>, as in SentencePiece.
      const unkScore = base + this.unkScore;
      if (unkScore > (best[i + 1] as number)) {
        best[i + 1] = unkScore;
        piece[i + 1] = this.unk;
        from[i + 1] = i;
      }
    }
    settle(settledTo, n);
    return out.length > max ? out.slice(0, max) : out;
  }

  /** <s> content </s>, content capped so the whole fits `maxTokens`. */
  encode(text: string, maxTokens: number): number[] {
    return [this.bos, ...this.encodeContent(text, maxTokens - 2), this.eos];
  }
}
