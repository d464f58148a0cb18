// `cw tag`: JSONL in on stdin, JSONL out on stdout, line by line. Each object gets lang,
// langConfidence, narratives, narrativeEvidence, fingerprint (and its bands); a line that is not a
// JSON object with a string `text` gets an `error` field instead, and the rest go on.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  type CompiledNarratives,
  compileNarratives,
  DEFAULT_LANGUAGES,
  DEFAULT_NARRATIVES_DIR,
  enrich,
  loadNarrativeDefinitions,
} from '@cw/enrichment';

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: pnpm -s cw tag [--languages ru,kk,en,…] < posts.jsonl > tagged.jsonl\n';

export function tagLine(line: string, narratives: CompiledNarratives, languages: readonly string[]): object {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (err) {
    return { error: `not JSON: ${err instanceof Error ? err.message : String(err)}`, line };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { error: 'not a JSON object', line };
  }
  const record = input as Record<string, unknown>;
  if (typeof record['text'] !== 'string') return { ...record, error: 'missing string field "text"' };
  const result = enrich(record['text'], { narratives, languages });
  return {
    ...record,
    lang: result.lang,
    langConfidence: result.langConfidence,
    narratives: result.narratives,
    narrativeEvidence: result.narrativeEvidence,
    fingerprint: result.fingerprint,
    fingerprintBands: result.fingerprintBands,
  };
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  let languages: readonly string[] = DEFAULT_LANGUAGES;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--languages' && args[i + 1]) {
      languages = (args[++i] ?? '').split(',').filter(Boolean);
    } else if (arg === '--help' || arg === '-h') {
      io.stdout.write(USAGE);
      return 0;
    } else {
      io.stderr.write(`cw tag: unknown argument '${arg}'\n${USAGE}`);
      return 2;
    }
  }
  const dir = process.env['CW_NARRATIVES_DIR'] || DEFAULT_NARRATIVES_DIR;
  const narratives = compileNarratives(loadNarrativeDefinitions(dir));

  let tagged = 0;
  let errors = 0;
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue; // blank lines (a trailing newline, spacing) carry no record
    const out = tagLine(line, narratives, languages);
    if ('error' in out) errors++;
    else tagged++;
    // Respect backpressure so a slow consumer does not make us buffer the whole input.
    if (!io.stdout.write(`${JSON.stringify(out)}\n`)) await once(io.stdout, 'drain');
  }
  if (errors > 0) io.stderr.write(`cw tag: ${tagged} tagged, ${errors} with errors\n`);
  return 0;
}
