// @cw/enrichment: language, narratives with evidence, near-duplicate fingerprints. Pure functions;
// the narrative loader and registry are the only modules that touch the file system.
import { fileURLToPath } from 'node:url';

/** The narrative definitions shipped with the package. */
export const DEFAULT_NARRATIVES_DIR = fileURLToPath(new URL('../narratives', import.meta.url));

export {
  type CorpusItem,
  DEFAULT_CORPUS_DIR,
  loadCorpus,
  passagesHash,
  siteOf,
  sourceOf,
} from './classifier/corpus.ts';
export {
  type Decoration,
  type DecorationStability,
  decorate,
  decoratedCopies,
  decorationStability,
  formatDecorationStability,
  loadDecorations,
} from './classifier/decoration-stability.ts';
export {
  type CorpusEvaluation,
  evaluateCorpus,
  formatCorpusEvaluation,
} from './classifier/evaluate-corpus.ts';
export {
  EVALUATION_FILE,
  type EvaluationRecord,
  evaluationRecord,
  type NarrativeMeasure,
  readEvaluation,
  writeEvaluation,
} from './classifier/evaluation-file.ts';
export { ngramFeatures } from './classifier/features.ts';
export { compileGate, type Gate } from './classifier/gate.ts';
export type { HeadFile } from './classifier/head.ts';
export {
  evaluateWholePosts,
  formatLongPosts,
  formatWholePosts,
  LONG_POST_SETS,
  type LongPostEvaluation,
  type LongPostSet,
  loadLaterChannelPosts,
  loadLongPosts,
} from './classifier/long-posts.ts';
export { pipelineTags } from './classifier/pipeline-tags.ts';
export {
  type ClassifierResult,
  type ClassifierStats,
  type ClassifierStatus,
  classifierReadiness,
  combineTags,
  createClassifier,
  headsDir,
  type NarrativeClassifier,
  openClassifier,
  readHeadFiles,
  taggerVersion,
} from './classifier/runtime.ts';
export type { Cut } from './classifier/stance.ts';
export { describeScreen, type TrainReport, trainNarratives } from './classifier/train-narratives.ts';
export { classifierText, withoutDecoration } from './decoration.ts';
export {
  DEFAULT_LANGUAGES,
  type DetectedLanguage,
  type DetectLanguageOptions,
  detectLanguage,
  francBaseline,
} from './detect-language.ts';
export { readJsonl as readDevData } from './dev-data.ts';
export { type EnrichContext, type Enrichment, enrich } from './enrich.ts';
export {
  type ClassMetrics,
  evaluateLanguage,
  evaluateNarratives,
  type LanguageMetrics,
  type LanguageRow,
  type NarrativeMetrics,
  type NarrativeRow,
} from './evaluate.ts';
export { type Fingerprint, fingerprint, hammingDistance } from './fingerprint.ts';
export { type CompiledNarratives, compileNarratives } from './narrative-compile.ts';
export {
  loadNarrativeDefinitions,
  NarrativeDefinitionError,
  parseNarrativeDefinition,
} from './narrative-loader.ts';
export {
  type NarrativeEvidence,
  type NarrativeSignal,
  type NarrativeTags,
  type NarrativeVerdict,
  scoreNarratives,
  tagNarratives,
} from './narrative-match.ts';
export {
  createNarrativeRegistry,
  type NarrativeRegistry,
  type NarrativeRegistryOptions,
} from './narrative-registry.ts';
export type { NarrativeDefinition } from './narrative-schema.ts';
export { formatReport, type ReportOptions } from './report.ts';
export { stemScanned, stemText, stemToken } from './stem.ts';
export { normaliseForMatching } from './tokenise.ts';
