import { esAuth, serverUrls } from '@cw/config';
import {
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  loadNarrativeDefinitions,
  openClassifier,
} from '@cw/enrichment';
import { createEsClient } from '@cw/es';
import { retag } from '@cw/pipeline';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw retag [--from ISO-date] [--to ISO-date]
  Re-applies the current narrative definitions (and classifier) to indexed posts in the range.
`;

/** `cw retag [--from ISO] [--to ISO]`: apply the current narrative definitions to indexed posts. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  // Strict: a mistyped range (--form) must not retag the whole history.
  const parsed = parseCommand(
    'retag',
    USAGE,
    args,
    { options: { from: { type: 'string' }, to: { type: 'string' } } },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { from, to } = parsed.values;
  for (const [name, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      io.stderr.write(`cw retag: ${name} expects an ISO date, got '${value}'\n${USAGE}`);
      return 2;
    }
  }
  const config = cliConfig();
  const narrativesDir = config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR;
  const definitions = loadNarrativeDefinitions(narrativesDir);
  const narratives = compileNarratives(definitions);
  const { classifier, status } = await openClassifier({
    definitions,
    narrativesDir,
    cacheDir: config.CW_CACHE_DIR,
  });
  io.stderr.write(
    classifier
      ? `retag: with the classifier ${classifier.version}\n`
      : `retag: rules alone (${status.reason})\n`,
  );
  const es = createEsClient(serverUrls(config).esUrl, { ...esAuth(config), requestTimeoutMs: 120_000 });
  try {
    const result = await retag(es, config.CW_INDEX_PREFIX, narratives, {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(classifier ? { classifier } : {}),
      onProgress: (r) => io.stderr.write(`\rretag: ${r.scanned} scanned, ${r.changed} changed`),
    });
    io.stderr.write('\n');
    io.stdout.write(
      `retag: ${result.scanned} posts scanned, ${result.changed} re-tagged, ${result.skipped} skipped (edited meanwhile)\n`,
    );
    return 0;
  } finally {
    await classifier?.close();
    await es.close();
  }
}
