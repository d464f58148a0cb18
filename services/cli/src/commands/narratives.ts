// `cw narratives train`: fit each narrative's classifier head on the corpus train split and the
// definitions' examples, print cross-validated precision and recall, write narratives/heads/*.json.
// `cw narratives eval [--split test|train]`: score keywords, rules, classifier and combined on a split;
// for the test split, write the pipeline's figures to narratives/evaluation.json.
// `cw narratives encoder`: fetch and convert the encoder once (as `cw stack up` does), for image builds.

import { ensureEncoder, loadEncoder } from '@cw/encoder';
import {
  createClassifier,
  DEFAULT_CORPUS_DIR,
  DEFAULT_NARRATIVES_DIR,
  decorationStability,
  describeScreen,
  evaluateCorpus,
  evaluateWholePosts,
  evaluationRecord,
  formatCorpusEvaluation,
  formatDecorationStability,
  formatLongPosts,
  formatWholePosts,
  LONG_POST_SETS,
  type LongPostEvaluation,
  loadCorpus,
  loadDecorations,
  loadLaterChannelPosts,
  loadLongPosts,
  loadNarrativeDefinitions,
  sourceOf,
  trainNarratives,
  writeEvaluation,
} from '@cw/enrichment';
import { cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = 'usage: pnpm -s cw narratives train | eval [--split test|train] | encoder\n';

export async function run(args: string[], io: CommandIo): Promise<number> {
  // Strict: a mistyped option must stop here, not start a four-minute training or a locked-test run.
  const parsed = parseCommand(
    'narratives',
    USAGE,
    args,
    { allowPositionals: true, options: { split: { type: 'string' } } },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub] = positionals;
  const split = values.split ?? 'test';
  if (
    positionals.length !== 1 ||
    (sub !== 'train' && sub !== 'eval' && sub !== 'encoder') ||
    (values.split !== undefined && sub !== 'eval') ||
    (split !== 'test' && split !== 'train')
  ) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = cliConfig();
  if (sub === 'encoder') {
    // Fetch and convert the encoder only (what `cw stack up` does beside the servers): image builds.
    const ready = await ensureEncoder({
      cacheDir: config.CW_CACHE_DIR,
      report: (l) => io.stderr.write(`${l}\n`),
    });
    io.stdout.write(`${ready}\n`);
    return 0;
  }
  const narrativesDir = config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR;
  const definitions = loadNarrativeDefinitions(narrativesDir);
  const corpus = loadCorpus(DEFAULT_CORPUS_DIR);
  const dir = await ensureEncoder({
    cacheDir: config.CW_CACHE_DIR,
    report: (line) => io.stderr.write(`${line}\n`),
  });
  const encoder = await loadEncoder(dir);
  try {
    if (sub === 'train') {
      const report = await trainNarratives({
        definitions,
        train: corpus.train,
        encoder,
        narrativesDir,
        onProgress: (line) => io.stderr.write(`${line}\n`),
      });
      for (const [id, g] of Object.entries(report.gateRecall))
        io.stdout.write(`gate recall on ${id} training positives: ${g.found}/${g.positives}\n`);
      for (const head of report.heads) {
        const stance = head.stance
          ? `stance stage (${head.stance.features}) at ${head.stance.threshold} for head tags, ${head.stance.ruleThreshold} for rule hits`
          : 'no stance stage (rules OR head)';
        const or = head.cv.rulesOrHead;
        io.stdout.write(
          `${head.narrative}: threshold ${head.threshold}${
            head.vote
              ? ` (the head's score ${1 - head.vote.weight} logistic, ${head.vote.weight} the ${head.vote.k} nearest passages' vote)`
              : ''
          }, ${stance}; cross-validated by site (${head.cv.folds} folds): ` +
            `precision ${head.cv.precision.toFixed(3)}, recall ${head.cv.recall.toFixed(3)}, F1 ${head.cv.f1.toFixed(3)}, ` +
            `hard negatives tagged ${head.cv.hardNegativesTagged ?? '?'}` +
            (or
              ? ` (rules OR head on the same folds: ${or.precision.toFixed(3)} / ${or.recall.toFixed(3)} / ${or.f1.toFixed(3)}, hard negatives ${or.hardNegativesTagged})`
              : '') +
            ` (${head.cv.positives} positives, ${head.cv.negatives} negatives; corpus ${head.corpusHash})\n`,
        );
      }
      for (const head of report.heads)
        if (head.screen) io.stdout.write(`${head.narrative}: ${describeScreen(head.screen)}\n`);
      const f = report.firstStage;
      io.stdout.write(
        `reaching the encoder out of fold (screens of both narratives, or a rule hit), of the passages a gate lets through: ` +
          `ordinary posts ${f.negative.encoded}/${f.negative.gated}, hard negatives ${f.hard_negative.encoded}/${f.hard_negative.gated}, ` +
          `positives ${f.positive.encoded}/${f.positive.gated}, definition examples ${f.example.encoded}/${f.example.gated}\n`,
      );
      io.stdout.write(`wrote ${report.heads.length} heads to ${narrativesDir}/heads\n`);
      return 0;
    }
    const classifier = await createClassifier({ encoder, definitions, narrativesDir });
    // The same heads without the first stage, to count what it keeps from the encoder that they would tag.
    const unscreened = await createClassifier({ encoder, definitions, narrativesDir, firstStage: false });
    const ev = await evaluateCorpus(corpus[split], definitions, classifier, unscreened);
    io.stdout.write(`split: ${split}; tagger: ${classifier.version}\n`);
    io.stdout.write(formatCorpusEvaluation(ev));
    // Real channel decoration around the same web passages (Telegram posts carry their own): the
    // held-out set on test, the other on train.
    const set = split === 'test' ? 'held-out' : 'dev';
    const decorations = loadDecorations(set);
    if (decorations.length > 0) {
      const web = corpus[split].filter((i) => sourceOf(i) === 'web');
      const stability = await decorationStability(web, decorations, definitions, classifier);
      io.stdout.write(`${formatDecorationStability(stability, set).join('\n')}\n`);
    }
    // Long real posts: separate real sets, the same on either split (never trained on); the held-out
    // set's figures go to evaluation.json.
    let long: LongPostEvaluation | undefined;
    for (const set of LONG_POST_SETS) {
      const posts = loadLongPosts(set);
      if (posts.length === 0) continue;
      const e = await evaluateWholePosts(posts, definitions, classifier);
      io.stdout.write(`${formatLongPosts(e, set).join('\n')}\n`);
      if (set === 'held-out') long = e;
    }
    // Later posts of channels in train, never trained on: the same on either split.
    const later = loadLaterChannelPosts();
    if (later.length > 0) {
      const e = await evaluateWholePosts(later, definitions, classifier);
      const channels = [...new Set(later.map((i) => i.site))].join(', ');
      io.stdout.write(
        `${formatWholePosts(e, `later posts of channels in train (${e.items} of ${channels}, ${e.hardNegatives} hard negatives)`).join('\n')}\n`,
      );
    }
    // The locked test's figures go beside the definitions, for the API and the workbench to show.
    if (split === 'test') {
      const file = writeEvaluation(
        narrativesDir,
        evaluationRecord(ev, classifier.version, split, new Date(), long),
      );
      io.stdout.write(`wrote ${file}\n`);
    }
    return 0;
  } finally {
    await encoder.close();
  }
}
