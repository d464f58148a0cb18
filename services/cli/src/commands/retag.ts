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

/** `cw retag [--from ISO] [--to ISO]`: apply the current narrative definitions to indexed posts. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const config = cliConfig();
  const arg = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const value = args[i + 1] ?? '';
    if (Number.isNaN(Date.parse(value))) throw new Error(`${name} expects an ISO date, got '${value}'`);
    return value;
  };
  const from = arg('--from');
  const to = arg('--to');
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
