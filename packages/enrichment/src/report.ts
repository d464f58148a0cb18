// Plain-text tables for `cw eval`.
import type { LanguageMetrics, NarrativeMetrics } from './evaluate.ts';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const f3 = (value: number) => value.toFixed(3);

function confusionTable(confusion: Record<string, Record<string, number>>, title: string): string {
  const expected = Object.keys(confusion).sort();
  const predicted = [...new Set([...expected, ...Object.values(confusion).flatMap(Object.keys)])].sort();
  const rows = expected.map((e) => [e, ...predicted.map((p) => String(confusion[e]?.[p] ?? 0))]);
  return `${title} (rows: expected, columns: predicted)\n${table(['', ...predicted], rows)}`;
}

export interface ReportOptions {
  /** How many misclassified rows to list (default 10). */
  misses?: number;
}

export function formatReport(
  metrics: LanguageMetrics | NarrativeMetrics,
  options: ReportOptions = {},
): string {
  const parts: string[] = [];
  parts.push(`rows: ${metrics.total}  correct: ${metrics.correct}  accuracy: ${f3(metrics.accuracy)}`);
  if (metrics.kind === 'narratives') {
    const h = metrics.hardNegatives;
    parts.push(`hard negatives tagged: ${h.tagged}/${h.total} (${(h.rate * 100).toFixed(1)}%)`);
  }
  const rows = Object.entries(metrics.perClass).map(([label, m]) => [
    label,
    String(m.support),
    String(m.predicted),
    f3(m.precision),
    f3(m.recall),
    f3(m.f1),
  ]);
  parts.push(table(['class', 'support', 'predicted', 'precision', 'recall', 'f1'], rows));
  parts.push(
    confusionTable(metrics.confusion, metrics.kind === 'lang' ? 'confusion' : 'confusion of label sets'),
  );
  const limit = options.misses ?? 10;
  if (metrics.misses.length > 0 && limit > 0) {
    const shown = metrics.misses.slice(0, limit).map((m) => {
      const text = m.text.replace(/\s+/g, ' ');
      return `  expected ${m.expected}, got ${m.got}: ${text.length > 100 ? `${text.slice(0, 100)}…` : text}`;
    });
    const more = metrics.misses.length > limit ? `\n  … and ${metrics.misses.length - limit} more` : '';
    parts.push(`misses:\n${shown.join('\n')}${more}`);
  }
  return `${parts.join('\n\n')}\n`;
}
