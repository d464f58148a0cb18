// The trained side of narrative tagging at run time: the gate picks candidates, the first stage
// (screen.ts: n-grams, microseconds) picks those worth the encoder, the encoder embeds them in
// batches, each narrative's head scores them, and the nearest labelled training passages are kept as
// evidence. Rules and heads are combined in combineTags: a post is tagged when the head or the
// rules say so and, for heads trained with one, the stance stage agrees (stance.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_ENCODER_LAYERS,
  type Encoder,
  encoderDir,
  encoderReady,
  encoderVersion,
  loadEncoder,
  otherEncoderConversions,
} from '@cw/encoder';
import { classifierText, RULES_READING, withoutDecoration } from '../decoration.ts';
import { compileNarratives } from '../narrative-compile.ts';
import { type NarrativeEvidence, type NarrativeTags, tagNarratives } from '../narrative-match.ts';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { type CorpusItem, loadCorpus, passagesHash } from './corpus.ts';
import { ngramFeatures, type SparseVector } from './features.ts';
import { compileGate, type Gate } from './gate.ts';
import { type Head, type HeadFile, headFrom } from './head.ts';
import { dotAt, mixVote, neighbourVote } from './neighbours.ts';
import { decide, STRONG_RULE_FACTOR } from './stance.ts';

export interface Neighbour {
  url: string;
  narratives: string[];
  similarity: number;
  text: string;
}

export interface ClassifierResult {
  /** Each scored narrative's head score: the logistic mixed with the nearest passages' vote. */
  scores: Record<string, number>;
  /** The nearest passages' vote (neighbours.ts), for heads trained with one. */
  votes?: Record<string, number>;
  /** The stance stage's scores, for heads that have one. */
  stance?: Record<string, number>;
  /** The first stage's scores, for heads that have one. */
  screen?: Record<string, number>;
  /**
   * false when the first stage kept the post from the encoder: no head scored it, and its tags are
   * the rules' (which, for such a post, found nothing in the narratives its gate opened).
   */
  encoded?: boolean;
  /**
   * For narratives that read long posts pair by pair: the paragraphs (1-based, first and second) whose
   * scores stand for the post, when a pair was tagged and the whole post was not.
   */
  paragraphs?: Record<string, [number, number]>;
  nearest: Neighbour[];
}

/** Counts since the classifier was made: texts asked about, and those sent to the encoder. */
export interface ClassifierStats {
  candidates: number;
  encoded: number;
  /** Encoder threads running now (a second starts when candidates wait for the first). */
  readonly encoderThreads: number;
}

export interface NarrativeClassifier {
  /** Encoder and heads, e.g. "e5-small-int8-g2-L12-T64/heads-3f2a…": recorded on every post it scored. */
  version: string;
  encoder: string;
  heads: readonly Head[];
  gate: Gate;
  /**
   * `ruleTags`, when the caller has them: the rules' tags of each whole text, as enrich found them,
   * so the first stage's check for a rule hit does not read a long post a second time; `bare`, each
   * text without its decoration lines as the rules read it (withoutDecoration), for the same reason.
   */
  classify(
    texts: readonly string[],
    ruleTags?: readonly (readonly string[] | undefined)[],
    bare?: readonly (string | undefined)[],
  ): Promise<ClassifierResult[]>;
  /** Live counts (the pipeline's /metrics reads them). */
  readonly stats: Readonly<ClassifierStats>;
  close(): Promise<void>;
}

export const NEIGHBOURS = 2;
const NEIGHBOUR_TEXT = 240;
/** Results kept by text: forwards and copy-paste campaigns repeat a text across channels. */
const MEMO_SIZE = 4096;
/** Memo keys of paragraph pairs, apart from whole posts that happen to read the same. */
const PAIRS_KEY = '\u0000pairs:';
/** Pairs read at most per post: a long digest costs this many encoder calls more, not one per item. */
const MAX_PAIRS = 6;

/** Neighbouring paragraphs (lines) of a post of three or more, each pair one text; otherwise none. */
export function paragraphPairs(text: string, bare = withoutDecoration(text)): string[] {
  // Lines, not blank-line blocks: the pipeline's clean text keeps one line break between paragraphs.
  const paragraphs = bare
    .split(/\n+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (paragraphs.length < 3) return [];
  return paragraphs
    .slice(1)
    .map((p, i) => `${paragraphs[i]}\n\n${p}`)
    .slice(0, MAX_PAIRS);
}

export function headsDir(narrativesDir: string): string {
  return join(narrativesDir, 'heads');
}

/** What names a set of heads in the tagger version (`…/heads-<this>`): each head's corpus and training time. */
export function headsFingerprint(files: readonly HeadFile[]): string {
  return createHash('sha256')
    .update(files.map((f) => `${f.narrative}:${f.corpusHash}:${f.trainedAt}`).join('\n'))
    .digest('hex')
    .slice(0, 8);
}

export function readHeadFiles(dir: string): HeadFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as HeadFile);
}

/** Embeddings of the training passages for the nearest-passage evidence, cached beside the encoder. */
async function passageIndex(encoder: Encoder, items: readonly CorpusItem[]): Promise<Float32Array> {
  const dim = encoder.info.dim;
  const texts = items.map((i) => classifierText(i.text));
  // Hashed as read, so a change in what the classifier reads of a passage re-embeds it.
  const read = items.map((i, k) => ({ text: texts[k] as string, narratives: i.narratives }));
  const file = join(encoder.info.dir, `passages-${passagesHash(read)}.f32`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.byteLength === items.length * dim * 4)
      return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  }
  const all = new Float32Array(items.length * dim);
  const vectors = await encoder.embed(texts);
  vectors.forEach((v, i) => {
    all.set(v, i * dim);
  });
  writeFileSync(file, Buffer.from(all.buffer));
  return all;
}

export async function createClassifier(options: {
  encoder: Encoder;
  definitions: readonly NarrativeDefinition[];
  narrativesDir: string;
  corpusDir?: string;
  /**
   * false: every gate-passing post goes to the encoder, whatever the screens say. Only for measuring
   * what the first stage costs (`cw narratives eval`); the pipeline always runs it.
   */
  firstStage?: boolean;
}): Promise<NarrativeClassifier> {
  const { encoder } = options;
  const known = new Set(options.definitions.map((d) => d.id));
  const files = readHeadFiles(headsDir(options.narrativesDir)).filter(
    (f) => f.encoder === encoder.info.version && known.has(f.narrative),
  );
  const thresholdOf = new Map(options.definitions.map((d) => [d.id, d.threshold]));
  const heads = files.map((f) => {
    const head = headFrom(f);
    const threshold = thresholdOf.get(f.narrative);
    return threshold === undefined ? head : { ...head, strongRuleScore: threshold * STRONG_RULE_FACTOR };
  });
  const gate = compileGate(options.definitions.filter((d) => heads.some((h) => h.narrative === d.id)));
  const passages = loadCorpus(options.corpusDir).train;
  const index = passages.length > 0 ? await passageIndex(encoder, passages) : new Float32Array();
  const dim = encoder.info.dim;
  const headsHash = headsFingerprint(files);
  // Per narrative with a vote: the passages its gate lets through (as the training pool), and which
  // of them carry it.
  const voters = new Map<string, { pool: number[]; positive: boolean[] }>();
  for (const head of heads) {
    if (!head.file.vote) continue;
    const pool = passages.flatMap((p, i) =>
      gate.match(classifierText(p.text)).includes(head.narrative) ? [i] : [],
    );
    voters.set(head.narrative, {
      pool,
      positive: passages.map((p) => p.narratives.includes(head.narrative)),
    });
  }
  /**
   * Cosine similarity of an embedding to the indexed passages (both L2-normalised), each computed when
   * first asked: a vote reads only its narrative's pool, the evidence all passages, and only for tags.
   */
  const similarityTo = (e: Float32Array): ((i: number) => number) => {
    const sims = new Float32Array(passages.length).fill(Number.NaN);
    return (i) => {
      let s = sims[i] as number;
      if (Number.isNaN(s)) {
        s = dotAt(e, index, i * dim);
        sims[i] = s;
      }
      return s;
    };
  };

  const memo = new Map<string, ClassifierResult>();
  const stats: ClassifierStats = {
    candidates: 0,
    encoded: 0,
    get encoderThreads() {
      return encoder.threads();
    },
  };
  // The rules, for the first stage only: a rule hit always goes on to the encoder (see needsEncoder).
  const rules = compileNarratives(options.definitions);
  /**
   * Whether a gate-passing text needs the encoder: some open narrative's screen reaches its cut (or
   * the head has no screen), or a rule tags an open narrative. A rule hit is judged by the stance
   * stage, which reads the embedding (recruitment drops rule hits under its rule cut), and it is the
   * post most likely to be tagged, whose evidence carries the head's score and the nearest passages;
   * rule hits are rare among ordinary candidates, so sending them costs little.
   */
  const needsEncoder = (
    text: string,
    ngrams: SparseVector,
    open: readonly string[],
    screen: Record<string, number>,
    known?: readonly string[],
  ): boolean => {
    let needed = false;
    for (const head of heads) {
      if (!open.includes(head.narrative)) continue;
      if (!head.screen || options.firstStage === false) return true;
      const s = head.screen.score(ngrams);
      screen[head.narrative] = Math.round(s * 1000) / 1000;
      if (s >= head.screen.threshold) needed = true;
    }
    return needed || (known ?? tagNarratives(rules, text).narratives).some((n) => open.includes(n));
  };
  const nearest = (similarity: (i: number) => number): Neighbour[] => {
    const best: { i: number; s: number }[] = [];
    for (let i = 0; i < passages.length; i++) {
      const s = similarity(i);
      if (best.length < NEIGHBOURS || s > (best[best.length - 1] as { s: number }).s) {
        best.push({ i, s });
        best.sort((a, b) => b.s - a.s);
        if (best.length > NEIGHBOURS) best.pop();
      }
    }
    return best.map(({ i, s }) => {
      const p = passages[i] as CorpusItem;
      return {
        url: p.url,
        narratives: p.narratives,
        similarity: Math.round(s * 1000) / 1000,
        text: p.text.length > NEIGHBOUR_TEXT ? `${p.text.slice(0, NEIGHBOUR_TEXT)}…` : p.text,
      };
    });
  };

  /** Results for whole texts, or for paragraph pairs read by `only` the narratives that ask for them. */
  const score = async (
    texts: readonly string[],
    only?: ReadonlySet<string>,
    ruleTags?: readonly (readonly string[] | undefined)[],
    bare?: readonly (string | undefined)[],
  ): Promise<ClassifierResult[]> => {
    const key = (t: string) => (only ? `${PAIRS_KEY}${t}` : t);
    // What the caller already read of each text (its rule tags, its text without decoration).
    const readBefore = new Map(texts.map((t, i) => [t, { rules: ruleTags?.[i], bare: bare?.[i] }]));
    const missing = [...new Set(texts.filter((t) => !memo.has(key(t))))];
    const remember = (text: string, result: ClassifierResult) => {
      if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
      memo.set(key(text), result);
    };
    const toEncode: {
      text: string;
      read: string;
      ngrams: SparseVector;
      open: string[];
      screen: Record<string, number>;
    }[] = [];
    for (const text of missing) {
      const before = readBefore.get(text);
      const read = classifierText(text, before?.bare);
      const ngrams = ngramFeatures(read);
      const open = gate.match(read).filter((n) => !only || only.has(n));
      const screen: Record<string, number> = {};
      // The rule check is on the whole post, as the rules that tag it read it.
      if (open.length > 0 && needsEncoder(text, ngrams, open, screen, before?.rules))
        toEncode.push({ text, read, ngrams, open, screen });
      else remember(text, { scores: {}, stance: {}, screen, encoded: false, nearest: [] });
    }
    stats.encoded += toEncode.length;
    const embeddings = toEncode.length > 0 ? await encoder.embed(toEncode.map((c) => c.read)) : [];
    embeddings.forEach((e, i) => {
      const { text, ngrams, open, screen } = toEncode[i] as (typeof toEncode)[number];
      const scores: Record<string, number> = {};
      const stance: Record<string, number> = {};
      const votes: Record<string, number> = {};
      // Similarities to the passages, each once, for the heads' votes.
      const similarity = similarityTo(e);
      for (const head of heads)
        if (open.includes(head.narrative)) {
          const logistic = head.score(e, ngrams);
          const voter = voters.get(head.narrative);
          const vote = head.file.vote;
          if (voter && vote) {
            const v = neighbourVote(similarity, voter.pool, (i) => voter.positive[i] === true, vote);
            votes[head.narrative] = Math.round(v * 1000) / 1000;
            scores[head.narrative] = Math.round(mixVote(logistic, v, vote.weight) * 1000) / 1000;
          } else scores[head.narrative] = Math.round(logistic * 1000) / 1000;
          if (head.stanceScore)
            stance[head.narrative] = Math.round(head.stanceScore(e, ngrams) * 1000) / 1000;
        }
      // The nearest passages are evidence for a tag, and most candidates end untagged: found when first
      // read (all ~2,800 similarities cost 0.6–1.3 ms of the main thread). From the embedding again, so
      // the memo of 4,096 results does not hold a similarity array (11 KB) for each.
      let near: Neighbour[] | undefined;
      remember(text, {
        scores,
        ...(Object.keys(votes).length > 0 ? { votes } : {}),
        stance,
        screen,
        encoded: true,
        get nearest() {
          near ??= nearest(similarityTo(e));
          return near;
        },
      });
    });
    return texts.map((t) => memo.get(key(t)) ?? { scores: {}, nearest: [] });
  };

  /** The narratives whose definitions read long posts pair by pair (`longPosts: paragraph-pairs`). */
  const paired = heads.filter((h) =>
    options.definitions.some((d) => d.id === h.narrative && d.longPosts === 'paragraph-pairs'),
  );
  const pairedIds = new Set(paired.map((h) => h.narrative));
  const headTags = (r: ClassifierResult, head: Head) => {
    const s = r.scores[head.narrative];
    return s !== undefined && decide(false, s, r.stance?.[head.narrative], head.cut);
  };
  /**
   * A post of three paragraphs or more is also read pair by pair of neighbouring paragraphs for the
   * paired narratives: the encoder reads a post's first 64 tokens, and a call that comes after a lead-in
   * is beyond them. A pair the head tags (head and stance stage, as for a whole post) stands for the
   * post in that narrative, with its scores and nearest passages.
   */
  const withParagraphPairs = async (
    texts: readonly string[],
    results: ClassifierResult[],
    bare?: readonly (string | undefined)[],
  ): Promise<ClassifierResult[]> => {
    // Only a post the head scored whole for a paired narrative (its gate open, its first stage passed)
    // and did not tag: a post with no sign of the narrative anywhere hides no call in a pair.
    const readsPairs = (r: ClassifierResult, h: Head) =>
      r.scores[h.narrative] !== undefined && !headTags(r, h);
    const pairsOf = texts.map((text, i) =>
      paired.some((h) => readsPairs(results[i] as ClassifierResult, h))
        ? paragraphPairs(text, bare?.[i])
        : [],
    );
    const all = [...new Set(pairsOf.flat())];
    if (all.length === 0) return results;
    const pairResults = await score(all, pairedIds);
    const resultOf = new Map(all.map((t, k) => [t, pairResults[k] as ClassifierResult]));
    return results.map((result, i) => {
      const pairs = (pairsOf[i] as string[]).map((t) => resultOf.get(t) as ClassifierResult);
      let merged = result;
      for (const head of paired) {
        if (!readsPairs(result, head)) continue;
        const at = pairs.findIndex((r) => headTags(r, head));
        const pair = pairs[at];
        if (!pair) continue;
        const base = merged;
        merged = {
          ...(base.screen ? { screen: base.screen } : {}),
          encoded: true,
          scores: { ...base.scores, [head.narrative]: pair.scores[head.narrative] as number },
          ...(base.votes || pair.votes?.[head.narrative] !== undefined
            ? {
                votes: {
                  ...base.votes,
                  ...(pair.votes?.[head.narrative] !== undefined
                    ? { [head.narrative]: pair.votes[head.narrative] as number }
                    : {}),
                },
              }
            : {}),
          stance: {
            ...base.stance,
            ...(pair.stance?.[head.narrative] !== undefined
              ? { [head.narrative]: pair.stance[head.narrative] as number }
              : {}),
          },
          paragraphs: { ...base.paragraphs, [head.narrative]: [at + 1, at + 2] },
          get nearest() {
            return pair.nearest;
          },
        };
      }
      return merged;
    });
  };

  return {
    version: `${encoder.info.version}/heads-${headsHash}`,
    encoder: encoder.info.version,
    heads,
    gate,
    stats,
    async classify(texts, ruleTags, bare) {
      if (heads.length === 0 || texts.length === 0) return texts.map(() => ({ scores: {}, nearest: [] }));
      stats.candidates += texts.length;
      const results = await score(texts, undefined, ruleTags, bare);
      return paired.length === 0 ? results : withParagraphPairs(texts, results, bare);
    },
    close: () => encoder.close(),
  };
}

/**
 * Rules and classifier combined (see decide), with the evidence of both. Narratives keep the
 * definitions' order. A rule hit the stance stage rejects is dropped with its evidence.
 */
export function combineTags(
  rules: NarrativeTags,
  result: ClassifierResult | undefined,
  classifier: Pick<NarrativeClassifier, 'heads' | 'encoder'> | undefined,
  order: readonly string[],
  /** The post's detected language: the stance stage judges rule hits only in its trained languages. */
  lang?: string,
): NarrativeTags {
  if (!result || !classifier) return rules;
  const evidence = new Map<string, NarrativeEvidence>(rules.narrativeEvidence.map((e) => [e.narrative, e]));
  for (const head of classifier.heads) {
    const score = result.scores[head.narrative];
    if (score === undefined) continue;
    const ruled = evidence.get(head.narrative);
    const strongRule =
      ruled !== undefined && head.strongRuleScore !== undefined && ruled.score >= head.strongRuleScore;
    const stance = result.stance?.[head.narrative];
    if (!decide(ruled !== undefined, score, stance, head.cut, { lang, strongRule })) {
      evidence.delete(head.narrative);
      continue;
    }
    const entry: NarrativeEvidence = ruled ?? { narrative: head.narrative, score: 0, signals: [] };
    evidence.set(head.narrative, {
      ...entry,
      classifier: {
        score,
        threshold: head.threshold,
        veto: head.veto,
        model: classifier.encoder,
        ...(stance !== undefined ? { stance } : {}),
        ...(result.paragraphs?.[head.narrative] ? { paragraphs: result.paragraphs[head.narrative] } : {}),
      },
      nearest: result.nearest,
    });
  }
  const narratives = order.filter((id) => evidence.has(id));
  return { narratives, narrativeEvidence: narratives.map((id) => evidence.get(id) as NarrativeEvidence) };
}

export interface ClassifierStatus {
  classifier: 'on' | 'off';
  /** Why it is off, in words an operator can act on. */
  reason?: string;
  version?: string;
}

/**
 * Whether the classifier can run, read from the files alone (nothing loaded): the encoder fetched,
 * and heads trained for it. `cw stack status` shows it; openClassifier checks it before loading.
 */
export function classifierReadiness(options: {
  narrativesDir: string;
  cacheDir?: string;
}): { ready: true; dir: string; version: string; heads: HeadFile[] } | { ready: false; reason: string } {
  const dir = encoderDir(options.cacheDir, DEFAULT_ENCODER_LAYERS);
  if (!encoderReady(dir)) {
    const older = otherEncoderConversions(options.cacheDir, DEFAULT_ENCODER_LAYERS);
    return {
      ready: false,
      reason:
        older.length > 0
          ? `encoder not converted for this version (${dir}; the cache holds ${older.join(', ')}, which the heads in git were not fitted to); run pnpm -s cw stack up`
          : `encoder not fetched (${dir}); run pnpm -s cw stack up`,
    };
  }
  const version = encoderVersion(DEFAULT_ENCODER_LAYERS);
  const heads = readHeadFiles(headsDir(options.narrativesDir)).filter((h) => h.encoder === version);
  if (heads.length === 0)
    return {
      ready: false,
      reason: `no trained heads for ${version} in ${headsDir(options.narrativesDir)}; run pnpm -s cw narratives train`,
    };
  return { ready: true, dir, version, heads };
}

/**
 * The classifier if the encoder has been fetched and heads exist for it; otherwise undefined and the
 * reason. Never throws: without the model, tagging runs on the rules alone and says so.
 */
export async function openClassifier(options: {
  definitions: readonly NarrativeDefinition[];
  narrativesDir: string;
  cacheDir?: string;
  corpusDir?: string;
  /** Encoder threads (see loadEncoder). */
  threads?: number;
}): Promise<{ classifier?: NarrativeClassifier; status: ClassifierStatus }> {
  // Checked from the files first: loading the encoder (threads, sessions, the passage index) only to
  // find no heads for it would cost seconds and memory for nothing.
  const readiness = classifierReadiness(options);
  if (!readiness.ready) return { status: { classifier: 'off', reason: readiness.reason } };
  let encoder: Encoder | undefined;
  try {
    encoder = await loadEncoder(readiness.dir, options.threads ? { threads: options.threads } : {});
    const classifier = await createClassifier({ ...options, encoder });
    if (classifier.heads.length === 0) {
      await encoder.close();
      return {
        status: {
          classifier: 'off',
          reason: `no heads for the defined narratives in ${headsDir(options.narrativesDir)}; run pnpm -s cw narratives train`,
        },
      };
    }
    return { classifier, status: { classifier: 'on', version: classifier.version } };
  } catch (err) {
    await encoder?.close().catch(() => {});
    return {
      status: {
        classifier: 'off',
        reason: `encoder failed to load: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
}

const taggerMemo = new WeakMap<readonly NarrativeDefinition[], string>();

/** "rules-<hash of the definitions>", plus "+<encoder>/heads-<hash>" when the classifier runs. */
export function taggerVersion(
  definitions: readonly NarrativeDefinition[],
  classifier?: Pick<NarrativeClassifier, 'version'>,
): string {
  let rules = taggerMemo.get(definitions);
  if (!rules) {
    const h = createHash('sha256');
    h.update(RULES_READING);
    for (const d of definitions) h.update(JSON.stringify({ ...d, source: undefined }));
    rules = `rules-${h.digest('hex').slice(0, 8)}`;
    taggerMemo.set(definitions, rules);
  }
  return classifier ? `${rules}+${classifier.version}` : rules;
}
