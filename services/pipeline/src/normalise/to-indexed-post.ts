import { type CollectedPost, type IndexedPost, postId, postUrl } from '@cw/domain';
import {
  type ClassifierResult,
  type CompiledNarratives,
  combineTags,
  type Enrichment,
  enrich,
  type NarrativeClassifier,
  taggerVersion,
} from '@cw/enrichment';
import { cleanText } from './clean-text.ts';
import { extractEntities } from './entities.ts';

export type EnrichContext = {
  narratives: CompiledNarratives;
  languages?: readonly string[];
  /** The trained heads; absent when the encoder is not fetched or failed to load (rules alone). */
  classifier?: NarrativeClassifier;
};

/**
 * A valid collected post becomes the indexed document: cleaned, with entities, tags and stems.
 * `classified` is the classifier's verdict on the post's cleaned text, when it was a candidate, and
 * `enriched` that text's enrichment when it was already made (used only if the text is the same).
 */
export function toIndexedPost(
  post: CollectedPost,
  ctx: EnrichContext,
  classified?: ClassifierResult,
  enriched?: Enrichment & { text: string },
): IndexedPost {
  const text = cleanText(post.text);
  const tags = enriched?.text === text ? enriched : enrich(text, ctx);
  const narrativeTags = classified
    ? combineTags(
        tags,
        classified,
        ctx.classifier,
        ctx.narratives.compiled.map((d) => d.id),
        tags.lang,
      )
    : tags;
  // Every field is written out rather than spread from `post`: a spread followed by new keys costs
  // V8 a map transition per key per post, which was a fifth of the worker's time in `pnpm bench`.
  // Undefined optional fields are left out of the JSON sent to Elasticsearch.
  return {
    channel: post.channel,
    messageId: post.messageId,
    postedAt: post.postedAt,
    editedAt: post.editedAt,
    deletedAt: post.deletedAt,
    collectedAt: post.collectedAt,
    text,
    textOriginal: text !== post.text ? post.text : undefined,
    links: post.links,
    media: post.media,
    groupedId: post.groupedId,
    forward: post.forward,
    replyTo: post.replyTo,
    author: post.author,
    metrics: post.metrics,
    source: post.source,
    id: postId(post.channel.id, post.messageId),
    url: postUrl(post.channel, post.messageId),
    entities: extractEntities(text, post.links ?? []),
    lang: tags.lang,
    langConfidence: tags.langConfidence,
    narratives: narrativeTags.narratives,
    narrativeEvidence: narrativeTags.narrativeEvidence,
    tagger: taggerVersion(ctx.narratives.definitions, ctx.classifier),
    fingerprint: tags.fingerprint,
    fingerprintBands: tags.fingerprintBands,
    textStems: tags.textStems,
    isForward: post.forward !== undefined,
    isEdited: post.editedAt !== undefined,
    isDeleted: post.deletedAt !== undefined,
    version: Date.parse(post.editedAt ?? post.postedAt),
  };
}
