// `cw tag`: JSONL in on stdin, JSONL out on stdout, line by line. Each object gets lang,
// langConfidence, narratives, narrativeEvidence, fingerprint (and its bands); a line that is not a
// JSON object with a string `text` gets an `error` field instead, and the rest go on.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  type CompiledNarratives,
  type Cut,
  combineTags,
  compileNarratives,
  DEFAULT_LANGUAGES,
  DEFAULT_NARRATIVES_DIR,
  enrich,
  loadNarrativeDefinitions,
  type NarrativeClassifier,
  type NarrativeEvidence,
  openClassifier,
  scoreNarratives,
  taggerVersion,
  withoutDecoration,
} from '@cw/enrichment';

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE =
  'usage: pnpm -s cw tag [--languages ru,kk,en,…] [--explain] [--rules-only] < posts.jsonl > tagged.jsonl\n' +
  '  --explain      a readable account of each post: rule terms, classifier score, nearest labelled passages\n' +
  '  --rules-only   tag without the trained classifier\n';

export async function tagLine(
  line: string,
  narratives: CompiledNarratives,
  languages: readonly string[],
  classifier?: NarrativeClassifier,
): Promise<object> {
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
  const text = record['text'];
  const result = enrich(text, { narratives, languages });
  const classified = classifier?.gate.test(text)
    ? (await classifier.classify([text], [result.narratives]))[0]
    : undefined;
  const tags = combineTags(
    result,
    classified,
    classifier,
    narratives.compiled.map((d) => d.id),
    result.lang,
  );
  return {
    ...record,
    lang: result.lang,
    langConfidence: result.langConfidence,
    narratives: tags.narratives,
    narrativeEvidence: tags.narrativeEvidence,
    tagger: taggerVersion(narratives.definitions, classifier),
    ...(classified ? { classifierScores: classified.scores } : {}),
    ...(classified?.votes ? { classifierVotes: classified.votes } : {}),
    ...(classified?.stance && Object.keys(classified.stance).length > 0
      ? { classifierStance: classified.stance }
      : {}),
    // The cascade's first stage kept the post from the encoder: no head scored it.
    ...(classified?.encoded === false ? { classifierSkipped: { screen: classified.screen ?? {} } } : {}),
    fingerprint: result.fingerprint,
    fingerprintBands: result.fingerprintBands,
  };
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  let languages: readonly string[] = DEFAULT_LANGUAGES;
  let explain = false;
  let rulesOnly = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--languages' && args[i + 1]) {
      languages = (args[++i] ?? '').split(',').filter(Boolean);
    } else if (arg === '--explain') {
      explain = true;
    } else if (arg === '--rules-only') {
      rulesOnly = true;
    } else if (arg === '--help' || arg === '-h') {
      io.stdout.write(USAGE);
      return 0;
    } else {
      io.stderr.write(`cw tag: unknown argument '${arg}'\n${USAGE}`);
      return 2;
    }
  }
  const dir = process.env['CW_NARRATIVES_DIR'] || DEFAULT_NARRATIVES_DIR;
  const definitions = loadNarrativeDefinitions(dir);
  const narratives = compileNarratives(definitions);
  const { classifier, status } = rulesOnly
    ? { classifier: undefined, status: { reason: '--rules-only' } }
    : await openClassifier({ definitions, narrativesDir: dir, cacheDir: process.env['CW_CACHE_DIR'] });
  if (!classifier)
    io.stderr.write(`cw tag: classifier off (${status.reason}); tagging with the rules alone\n`);

  const cuts = Object.fromEntries((classifier?.heads ?? []).map((h) => [h.narrative, h.cut]));
  let tagged = 0;
  let errors = 0;
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue; // blank lines (a trailing newline, spacing) carry no record
    const out = await tagLine(line, narratives, languages, classifier);
    if ('error' in out) errors++;
    else tagged++;
    const written = explain ? explanation(out as Tagged, cuts, narratives) : `${JSON.stringify(out)}\n`;
    // Respect backpressure so a slow consumer does not make us buffer the whole input.
    if (!io.stdout.write(written)) await once(io.stdout, 'drain');
  }
  await classifier?.close();
  if (errors > 0) io.stderr.write(`cw tag: ${tagged} tagged, ${errors} with errors\n`);
  return 0;
}

type Tagged = {
  text?: string;
  error?: string;
  lang?: string;
  narratives?: string[];
  narrativeEvidence?: NarrativeEvidence[];
  classifierScores?: Record<string, number>;
  /** The nearest passages' vote mixed into each score. */
  classifierVotes?: Record<string, number>;
  classifierStance?: Record<string, number>;
  classifierSkipped?: { screen: Record<string, number> };
  tagger?: string;
};

/** The stance stage's score and the cuts it was held to, in words. */
function stanceLine(score: number, cut: Cut | undefined): string {
  if (!cut) return `stance ${score}`;
  const rules =
    cut.ruleStance > 0
      ? `a rule hit ${cut.ruleStance} in ${cut.ruleStanceLangs?.join(', ') ?? 'every language'}, unless strong`
      : 'rule hits not judged';
  return `stance ${score} (a head tag needs ${cut.stance}; ${rules})`;
}

/**
 * Rule hits a definition's own exclusions or `requireIn` stopped, in words, by narrative: what someone
 * tuning a definition needs to see. Unmet requirements and low scores are left out: most posts have some.
 */
function stoppedRuleHits(compiled: CompiledNarratives, text: string): Map<string, string> {
  const stopped = new Map<string, string>();
  for (const v of scoreNarratives(compiled, text)) {
    if (v.reason === 'cancelled')
      stopped.set(
        v.narrative,
        `score ${v.score}, cancelled by ${v.exclusions.map((e) => `${e.group} "${e.matched}"`).join(', ')}`,
      );
    else if (v.reason === 'across-paragraphs')
      stopped.set(
        v.narrative,
        `score ${v.score}, not counted: its required groups meet only across paragraphs (requireIn: paragraph)`,
      );
  }
  return stopped;
}

/** ", with the nearest passages' vote 0.8": what the head's score holds besides its own reading. */
function voteOf(t: Tagged, narrative: string): string {
  const vote = t.classifierVotes?.[narrative];
  return vote === undefined ? '' : `, with the nearest passages' vote ${vote}`;
}

/** What --explain prints for one post: the verdict, then what each tag rests on. */
export function explanation(
  t: Tagged,
  cuts: Record<string, Cut> = {},
  compiled?: CompiledNarratives,
): string {
  if (t.error) return `error: ${t.error}\n\n`;
  const head = (t.text ?? '').replace(/\s+/g, ' ');
  const out = [`${head.length > 100 ? `${head.slice(0, 100)}…` : head}`];
  out.push(
    `  lang ${t.lang}; narratives: ${t.narratives?.length ? t.narratives.join(', ') : 'none'}; tagger ${t.tagger}`,
  );
  // What the rules and the classifier did not read: the channel's footers, link and hashtag lines.
  const kept = new Set(withoutDecoration(t.text ?? '').split('\n'));
  const setAside = (t.text ?? '').split('\n').filter((line) => line.trim() !== '' && !kept.has(line));
  if (setAside.length > 0)
    out.push(
      `  read without the channel's decoration: ${setAside.map((l) => JSON.stringify(l.trim())).join(', ')}`,
    );
  const stopped = compiled && t.text !== undefined ? stoppedRuleHits(compiled, t.text) : new Map();
  for (const e of t.narrativeEvidence ?? []) {
    out.push(`  ${e.narrative}:`);
    if (e.signals.length > 0)
      out.push(
        `    rules (score ${e.score}): ${e.signals.map((s) => `${s.group} "${s.matched}"`).join(', ')}`,
      );
    else out.push(`    rules: ${stopped.get(e.narrative) ?? 'no match'}`);
    if (e.classifier)
      out.push(
        `    classifier: ${e.classifier.score}${voteOf(t, e.narrative)} (tags at ${e.classifier.threshold}, overrules the rules below ${e.classifier.veto})${
          e.classifier.paragraphs ? `, read in paragraphs ${e.classifier.paragraphs.join(' and ')}` : ''
        }`,
      );
    const stance = t.classifierStance?.[e.narrative];
    if (stance !== undefined) out.push(`    ${stanceLine(stance, cuts[e.narrative])}`);
    for (const n of e.nearest ?? [])
      out.push(
        `    nearest (${n.similarity}, ${n.narratives.join('+') || 'no narrative'}): ${n.url}\n      ${n.text.replace(/\s+/g, ' ')}`,
      );
  }
  if (t.classifierSkipped)
    out.push(
      `  classifier: not run, the first stage kept the post from the encoder (n-gram screen ${Object.entries(
        t.classifierSkipped.screen,
      )
        .map(([narrative, score]) => `${narrative} ${score}`)
        .join(', ')}, each under its cut)`,
    );
  for (const [narrative, score] of Object.entries(t.classifierScores ?? {}))
    if (!t.narratives?.includes(narrative)) {
      const stance = t.classifierStance?.[narrative];
      const why = stance === undefined ? '' : `, ${stanceLine(stance, cuts[narrative])}`;
      out.push(`  not ${narrative}: classifier ${score}${voteOf(t, narrative)}${why}`);
    }
  for (const [narrative, why] of stopped)
    if (!t.narratives?.includes(narrative)) out.push(`  not ${narrative} by the rules: ${why}`);
  return `${out.join('\n')}\n\n`;
}
