import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { type CorpusEvaluation, emptySource } from './evaluate-corpus.ts';
import { EVALUATION_FILE, evaluationRecord, readEvaluation, writeEvaluation } from './evaluation-file.ts';
import { headsDir, headsFingerprint, readHeadFiles } from './runtime.ts';

const cell = (tp: number, fp: number, fn: number) => ({ tp, fp, fn, tn: 0 });
const ev: CorpusEvaluation = {
  items: 100,
  narratives: ['a', 'b'],
  overall: {
    a: { keywords: cell(0, 0, 0), rules: cell(0, 0, 0), classifier: cell(0, 0, 0), combined: cell(6, 2, 4) },
    // Nothing tagged and no positive: both shares undefined.
    b: { keywords: cell(0, 0, 0), rules: cell(0, 0, 0), classifier: cell(0, 0, 0), combined: cell(0, 0, 0) },
  },
  byLanguage: {},
  hardNegatives: { total: 40, tagged: { keywords: 9, rules: 1, classifier: 2, combined: 3 } },
  gate: {},
  gateShare: 0.5,
  firstStage: {},
  bySource: {
    web: { ...emptySource(), items: 100, hardNegatives: { total: 40, tagged: 3 } },
    telegram: emptySource(),
  },
};

describe('the locked test figures beside the definitions', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const copyOfNarratives = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-evaluation-'));
    dirs.push(dir);
    cpSync(DEFAULT_NARRATIVES_DIR, dir, { recursive: true });
    rmSync(join(dir, EVALUATION_FILE), { force: true });
    return dir;
  };

  it("keeps the pipeline's figures per narrative, with shares that are null where nothing was counted", () => {
    const record = evaluationRecord(ev, 'enc/heads-x', 'test', new Date('2026-12-01T00:00:00Z'));
    expect(record).toEqual({
      split: 'test',
      tagger: 'enc/heads-x',
      evaluatedAt: '2026-12-01T00:00:00.000Z',
      passages: 100,
      hardNegatives: { total: 40, tagged: 3 },
      narratives: {
        a: { precision: 0.75, recall: 0.6, tp: 6, fp: 2, fn: 4 },
        b: { precision: null, recall: null, tp: 0, fp: 0, fn: 0 },
      },
    });
  });

  it('adds the Telegram channel posts alone when the split has some', () => {
    const withPosts: CorpusEvaluation = {
      ...ev,
      bySource: {
        ...ev.bySource,
        telegram: {
          items: 30,
          narratives: { a: cell(1, 3, 1), b: cell(0, 2, 0) },
          hardNegatives: { total: 20, tagged: 4 },
          ordinary: { total: 8, tagged: 1 },
        },
      },
    };
    expect(evaluationRecord(ev, 'enc/heads-x', 'test').telegramPosts).toBeUndefined();
    expect(evaluationRecord(withPosts, 'enc/heads-x', 'test').telegramPosts).toEqual({
      posts: 30,
      narratives: {
        a: { precision: 0.25, recall: 0.5, tp: 1, fp: 3, fn: 1 },
        b: { precision: 0, recall: null, tp: 0, fp: 2, fn: 0 },
      },
      hardNegatives: { total: 20, tagged: 4 },
      ordinary: { total: 8, tagged: 1 },
    });
  });

  it('adds the long real posts per narrative when they were measured', () => {
    const long = {
      items: 81,
      hardNegatives: 48,
      narratives: {
        a: { tp: 12, fp: 11, fn: 6, hardNegativesTagged: 11 },
        b: { tp: 0, fp: 0, fn: 0, hardNegativesTagged: 0 },
      },
    };
    const record = evaluationRecord(ev, 'enc/heads-x', 'test', new Date(), long);
    expect(record.longPosts).toEqual({
      posts: 81,
      narratives: {
        a: { precision: 0.522, recall: 0.667, tp: 12, fp: 11, fn: 6 },
        b: { precision: null, recall: null, tp: 0, fp: 0, fn: 0 },
      },
    });
  });

  it('reads the figures back as current for the heads they were measured on, and as stale once the heads change', () => {
    const dir = copyOfNarratives();
    expect(readEvaluation(dir)).toBeUndefined();
    const files = readHeadFiles(headsDir(dir));
    const tagger = `${files[0]?.encoder}/heads-${headsFingerprint(files)}`;
    writeEvaluation(dir, evaluationRecord(ev, tagger, 'test'));
    expect(readEvaluation(dir)).toMatchObject({ current: true, tagger, passages: 100 });
    // A retrain writes new heads (a new training time): the figures are now for an earlier model.
    const [first] = files;
    if (!first) throw new Error('no heads in git');
    writeFileSync(
      join(headsDir(dir), `${first.narrative}.json`),
      JSON.stringify({ ...first, trainedAt: '2030-01-01T00:00:00.000Z' }),
    );
    expect(readEvaluation(dir)?.current).toBe(false);
  });

  it('the file in git is current for the heads in git', () => {
    expect(readEvaluation(DEFAULT_NARRATIVES_DIR)?.current).toBe(true);
  });

  it('refuses a file that is not an evaluation, naming it', () => {
    const dir = copyOfNarratives();
    writeFileSync(join(dir, EVALUATION_FILE), JSON.stringify({ hello: 1 }));
    expect(() => readEvaluation(dir)).toThrow(
      /evaluation\.json: not an evaluation written by cw narratives eval/,
    );
    expect(readFileSync(join(dir, EVALUATION_FILE), 'utf8')).toContain('hello');
  });
});
