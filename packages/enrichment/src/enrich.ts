// Everything the pipeline adds to a post, from one scan of its text.
import { DEFAULT_LANGUAGES, detectScanned } from './detect-language.ts';
import { bandKeys, simhashTokens } from './fingerprint.ts';
import type { CompiledNarratives } from './narrative-compile.ts';
import { type NarrativeEvidence, tagScanned } from './narrative-match.ts';
import { stemScanned } from './stem.ts';
import { scan } from './tokenise.ts';

export interface EnrichContext {
  narratives: CompiledNarratives;
  languages?: readonly string[];
}

export interface Enrichment {
  lang: string;
  langConfidence: number;
  narratives: string[];
  narrativeEvidence: NarrativeEvidence[];
  fingerprint: string;
  fingerprintBands: string[];
  /** Stemmed words for the search field, from the same scan. */
  textStems: string;
}

/** `bare`: the text without its decoration lines (withoutDecoration), when the caller has it. */
export function enrich(text: string, ctx: EnrichContext, bare?: string): Enrichment {
  const scanned = scan(text);
  const { lang, confidence } = detectScanned(text, scanned, ctx.languages ?? DEFAULT_LANGUAGES);
  const { narratives, narrativeEvidence } = tagScanned(ctx.narratives, scanned, text, bare);
  const fingerprint = simhashTokens(scanned.tokens, scanned.kinds);
  return {
    lang,
    langConfidence: confidence,
    narratives,
    narrativeEvidence,
    fingerprint,
    fingerprintBands: bandKeys(fingerprint),
    textStems: stemScanned(scanned),
  };
}
