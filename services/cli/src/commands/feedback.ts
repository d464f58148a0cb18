import { createWriteStream } from 'node:fs';
import { esAuth, serverUrls } from '@cw/config';
import { type Client, createEsClient, type FeedbackDoc, scanFeedback } from '@cw/es';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE =
  'usage: pnpm -s cw feedback export [--out FILE] [--since ISO-8601]\n' +
  "  writes analysts' verdicts as labelled passages in the corpus format (JSONL), one line per post\n";

export type CorpusLine = {
  text: string;
  lang: string;
  narratives: string[];
  url: string;
  note: string;
  kind: 'positive' | 'hard_negative';
};

/**
 * One passage per judged post. Per narrative the latest verdict of any key decides: confirmed or
 * added → labelled; rejected → not. Narratives the post carried that nobody judged keep the
 * tagger's word. A post with no narrative left is a hard negative: it looked like one to the tagger.
 */
export function toCorpusLines(verdicts: Iterable<FeedbackDoc>): CorpusLine[] {
  const byPost = new Map<string, FeedbackDoc[]>();
  for (const v of verdicts) byPost.set(v.postId, [...(byPost.get(v.postId) ?? []), v]);
  const lines: CorpusLine[] = [];
  for (const docs of byPost.values()) {
    docs.sort((a, b) => a.at.localeCompare(b.at));
    const latest = docs[docs.length - 1] as FeedbackDoc;
    const decided = new Map<string, FeedbackDoc>();
    for (const d of docs) decided.set(d.narrative, d);
    const labels = new Set<string>(latest.postNarratives ?? []);
    for (const [narrative, d] of decided) {
      if (d.verdict === 'reject') labels.delete(narrative);
      else labels.add(narrative);
    }
    const said = [...decided.values()].map(
      (d) => `${d.verdict} ${d.narrative} by ${d.key}${d.note ? `: ${d.note}` : ''}`,
    );
    const narratives = [...labels].sort();
    lines.push({
      text: latest.text,
      lang: latest.lang,
      narratives,
      url: latest.url,
      note: `analyst feedback (${said.join('; ')})`,
      kind: narratives.length > 0 ? 'positive' : 'hard_negative',
    });
  }
  return lines;
}

export async function exportFeedback(
  es: Client,
  prefix: string,
  out: NodeJS.WritableStream,
  options: { since?: string } = {},
): Promise<number> {
  const docs: FeedbackDoc[] = [];
  for await (const doc of scanFeedback(es, prefix)) {
    if (!options.since || doc.at >= options.since) docs.push(doc);
  }
  const lines = toCorpusLines(docs);
  for (const line of lines) out.write(`${JSON.stringify(line)}\n`);
  return lines.length;
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'feedback',
    USAGE,
    args,
    {
      allowPositionals: true,
      options: { out: { type: 'string' }, since: { type: 'string' } },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] !== 'export' || positionals.length > 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    io.stderr.write(`cw feedback: --since expects an ISO-8601 time, got '${values.since}'\n`);
    return 2;
  }
  const config = cliConfig();
  const es = createEsClient(serverUrls(config).esUrl, esAuth(config));
  const file = values.out ? createWriteStream(values.out) : undefined;
  try {
    const count = await exportFeedback(es, config.CW_INDEX_PREFIX, file ?? io.stdout, {
      ...(since ? { since: since.toISOString() } : {}),
    });
    io.stderr.write(
      `cw feedback: ${count} labelled passages${values.out ? ` written to ${values.out}` : ''}\n`,
    );
    return 0;
  } finally {
    if (file) await new Promise((r) => file.end(r));
    await es.close();
  }
}
