// `cw eval lang <file>` / `cw eval narratives <file>`: accuracy, per-class precision/recall/F1 and the
// confusion table for a labelled JSONL file (the shape of packages/enrichment/eval/*.jsonl).
import { readFileSync } from 'node:fs';
import {
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  evaluateLanguage,
  evaluateNarratives,
  formatReport,
  type LanguageRow,
  loadNarrativeDefinitions,
  type NarrativeRow,
} from '@cw/enrichment';

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: pnpm -s cw eval lang|narratives <file.jsonl> [--misses N]\n';

function readRows(file: string): { rows: Record<string, unknown>[]; problems: string[] } {
  const rows: Record<string, unknown>[] = [];
  const problems: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const row = JSON.parse(line) as unknown;
        if (typeof row === 'object' && row !== null && typeof (row as { text?: unknown }).text === 'string') {
          rows.push(row as Record<string, unknown>);
        } else problems.push(`${file}:${i + 1}: not an object with a string "text"`);
      } catch {
        problems.push(`${file}:${i + 1}: not JSON`);
      }
    });
  return { rows, problems };
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const [kind, file, ...rest] = args;
  let misses = 10;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--misses') misses = Number(rest[++i] ?? '10');
  }
  if ((kind !== 'lang' && kind !== 'narratives') || !file || Number.isNaN(misses)) {
    io.stderr.write(USAGE);
    return 2;
  }
  const { rows, problems } = readRows(file);
  for (const problem of problems) io.stderr.write(`cw eval: ${problem}\n`);

  if (kind === 'lang') {
    const labelled = rows.filter(
      (row): row is Record<string, unknown> & LanguageRow => typeof row['lang'] === 'string',
    );
    io.stdout.write(formatReport(evaluateLanguage(labelled), { misses }));
  } else {
    const labelled = rows.filter((row): row is Record<string, unknown> & NarrativeRow =>
      Array.isArray(row['narratives']),
    );
    const dir = process.env['CW_NARRATIVES_DIR'] || DEFAULT_NARRATIVES_DIR;
    const compiled = compileNarratives(loadNarrativeDefinitions(dir));
    io.stdout.write(formatReport(evaluateNarratives(labelled, compiled), { misses }));
  }
  return problems.length > 0 ? 1 : 0;
}
