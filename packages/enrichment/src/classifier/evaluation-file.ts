// The locked test's figures for the heads in git, written by `cw narratives eval` beside the
// definitions (`evaluation.json`), so the API and the workbench can show analysts how far a tag is
// to be trusted, and say when the heads changed since (the figures are then for an earlier model).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusEvaluation } from './evaluate-corpus.ts';
import type { HeadFile } from './head.ts';
import type { LongPostEvaluation } from './long-posts.ts';
import { headsDir, headsFingerprint, readHeadFiles } from './runtime.ts';

export const EVALUATION_FILE = 'evaluation.json';

export interface NarrativeMeasure {
  /** null when the pipeline tagged nothing (precision) or the split has no positive (recall). */
  precision: number | null;
  recall: number | null;
  tp: number;
  fp: number;
  fn: number;
}

export interface EvaluationRecord {
  split: 'test' | 'train';
  /** The tagger version the figures are for (`<encoder>/heads-<fingerprint>`). */
  tagger: string;
  evaluatedAt: string;
  passages: number;
  /** Of the split's hard negatives, how many the pipeline tagged with any narrative. */
  hardNegatives: { total: number; tagged: number };
  /** The combined decision (the pipeline's), per narrative. */
  narratives: Record<string, NarrativeMeasure>;
  /** The same decision on the long real posts (corpus/long), whose claims can come late. */
  longPosts?: { posts: number; narratives: Record<string, NarrativeMeasure> };
  /** The same decision on the split's whole Telegram channel posts alone, when it has any. */
  telegramPosts?: {
    posts: number;
    narratives: Record<string, NarrativeMeasure>;
    hardNegatives: { total: number; tagged: number };
    ordinary: { total: number; tagged: number };
  };
}

const share = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 1000) / 1000 : null);

export function evaluationRecord(
  ev: CorpusEvaluation,
  tagger: string,
  split: EvaluationRecord['split'],
  at = new Date(),
  long?: LongPostEvaluation,
): EvaluationRecord {
  const measure = (c: { tp: number; fp: number; fn: number }): NarrativeMeasure => ({
    precision: share(c.tp, c.tp + c.fp),
    recall: share(c.tp, c.tp + c.fn),
    tp: c.tp,
    fp: c.fp,
    fn: c.fn,
  });
  const measures = (cells: Record<string, { tp: number; fp: number; fn: number }>) =>
    Object.fromEntries(Object.entries(cells).map(([id, c]) => [id, measure(c)]));
  const narratives: Record<string, NarrativeMeasure> = {};
  for (const id of ev.narratives) {
    const c = ev.overall[id]?.combined;
    if (!c) continue;
    narratives[id] = measure(c);
  }
  const telegram = ev.bySource.telegram;
  return {
    split,
    tagger,
    evaluatedAt: at.toISOString(),
    passages: ev.items,
    hardNegatives: { total: ev.hardNegatives.total, tagged: ev.hardNegatives.tagged.combined },
    narratives,
    ...(long
      ? {
          longPosts: { posts: long.items, narratives: measures(long.narratives) },
        }
      : {}),
    ...(telegram.items > 0
      ? {
          telegramPosts: {
            posts: telegram.items,
            narratives: measures(telegram.narratives),
            hardNegatives: telegram.hardNegatives,
            ordinary: telegram.ordinary,
          },
        }
      : {}),
  };
}

export function writeEvaluation(narrativesDir: string, record: EvaluationRecord): string {
  const file = join(narrativesDir, EVALUATION_FILE);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** The recorded figures and whether they are for the heads now in `narrativesDir` (none: undefined). */
export function readEvaluation(narrativesDir: string): (EvaluationRecord & { current: boolean }) | undefined {
  const file = join(narrativesDir, EVALUATION_FILE);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, 'utf8')) as EvaluationRecord;
  if (typeof record.tagger !== 'string' || typeof record.narratives !== 'object')
    throw new Error(`${file}: not an evaluation written by cw narratives eval (tagger, narratives)`);
  const heads: HeadFile[] = readHeadFiles(headsDir(narrativesDir)).filter((h) =>
    record.tagger.startsWith(`${h.encoder}/`),
  );
  return { ...record, current: record.tagger.endsWith(`/heads-${headsFingerprint(heads)}`) };
}
