// Scores language and narrative tagging against labelled rows (the shape of packages/enrichment/eval/*.jsonl).
import { detectLanguage } from './detect-language.ts';
import type { CompiledNarratives } from './narrative-compile.ts';
import { tagNarratives } from './narrative-match.ts';

export interface ClassMetrics {
  support: number;
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  text: string;
  expected: string;
  got: string;
}

export interface LanguageMetrics {
  kind: 'lang';
  total: number;
  correct: number;
  accuracy: number;
  labels: string[];
  perClass: Record<string, ClassMetrics>;
  /** confusion[expected][predicted] = count */
  confusion: Record<string, Record<string, number>>;
  misses: Miss[];
}

export interface NarrativeMetrics {
  kind: 'narratives';
  total: number;
  /** Rows whose predicted label set equals the expected one. */
  correct: number;
  accuracy: number;
  labels: string[];
  perClass: Record<string, ClassMetrics>;
  /** Label sets ("none", "a", "a+b"): confusion[expected][predicted] = count. */
  confusion: Record<string, Record<string, number>>;
  hardNegatives: { total: number; tagged: number; rate: number };
  misses: Miss[];
}

export interface LanguageRow {
  text: string;
  lang: string;
}

export interface NarrativeRow {
  text: string;
  narratives: string[];
  lang?: string;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { support: tp + fn, predicted: tp + fp, tp, fp, fn, precision, recall, f1 };
}

function count(confusion: Record<string, Record<string, number>>, expected: string, got: string): void {
  const row = confusion[expected] ?? {};
  row[got] = (row[got] ?? 0) + 1;
  confusion[expected] = row;
}

export function evaluateLanguage(
  rows: readonly LanguageRow[],
  options: { candidates?: readonly string[] } = {},
): LanguageMetrics {
  const confusion: Record<string, Record<string, number>> = {};
  const misses: Miss[] = [];
  let correct = 0;
  for (const row of rows) {
    const { lang } = detectLanguage(row.text, options);
    count(confusion, row.lang, lang);
    if (lang === row.lang) correct++;
    else misses.push({ text: row.text, expected: row.lang, got: lang });
  }
  const labels = [
    ...new Set([...Object.keys(confusion), ...Object.values(confusion).flatMap(Object.keys)]),
  ].sort();
  const perClass: Record<string, ClassMetrics> = {};
  for (const label of labels) {
    const tp = confusion[label]?.[label] ?? 0;
    const support = Object.values(confusion[label] ?? {}).reduce((a, b) => a + b, 0);
    const predicted = Object.values(confusion).reduce((sum, row) => sum + (row[label] ?? 0), 0);
    perClass[label] = classMetrics(tp, predicted - tp, support - tp);
  }
  return {
    kind: 'lang',
    total: rows.length,
    correct,
    accuracy: ratio(correct, rows.length),
    labels,
    perClass,
    confusion,
    misses,
  };
}

const labelSet = (labels: readonly string[]) => (labels.length === 0 ? 'none' : [...labels].sort().join('+'));

export function evaluateNarratives(
  rows: readonly NarrativeRow[],
  compiled: CompiledNarratives,
): NarrativeMetrics {
  const labels = compiled.compiled.map((def) => def.id);
  const counts = new Map(labels.map((label) => [label, { tp: 0, fp: 0, fn: 0 }]));
  const confusion: Record<string, Record<string, number>> = {};
  const misses: Miss[] = [];
  const hardNegatives = { total: 0, tagged: 0, rate: 0 };
  let correct = 0;
  for (const row of rows) {
    const got = tagNarratives(compiled, row.text, row.lang).narratives;
    for (const label of labels) {
      const c = counts.get(label);
      if (!c) continue;
      const expected = row.narratives.includes(label);
      const predicted = got.includes(label);
      if (expected && predicted) c.tp++;
      else if (predicted) c.fp++;
      else if (expected) c.fn++;
    }
    const expectedSet = labelSet(row.narratives);
    const gotSet = labelSet(got);
    count(confusion, expectedSet, gotSet);
    if (expectedSet === gotSet) correct++;
    else misses.push({ text: row.text, expected: expectedSet, got: gotSet });
    if (row.narratives.length === 0) {
      hardNegatives.total++;
      if (got.length > 0) hardNegatives.tagged++;
    }
  }
  hardNegatives.rate = ratio(hardNegatives.tagged, hardNegatives.total);
  const perClass: Record<string, ClassMetrics> = {};
  for (const [label, c] of counts) perClass[label] = classMetrics(c.tp, c.fp, c.fn);
  return {
    kind: 'narratives',
    total: rows.length,
    correct,
    accuracy: ratio(correct, rows.length),
    labels,
    perClass,
    confusion,
    hardNegatives,
    misses,
  };
}
