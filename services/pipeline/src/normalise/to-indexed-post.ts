import { type CollectedPost, type IndexedPost, postId, postUrl } from '@cw/domain';
import { type CompiledNarratives, enrich } from '@cw/enrichment';
import { cleanText } from './clean-text.ts';
import { extractEntities } from './entities.ts';

export type EnrichContext = { narratives: CompiledNarratives; languages?: readonly string[] };

/** A valid collected post becomes the indexed document: cleaned, with entities, tags and stems. */
export function toIndexedPost(post: CollectedPost, ctx: EnrichContext): IndexedPost {
  const text = cleanText(post.text);
  const tags = enrich(text, ctx);
  const version = Date.parse(post.editedAt ?? post.postedAt);
  return {
    ...post,
    id: postId(post.channel.id, post.messageId),
    url: postUrl(post.channel, post.messageId),
    text,
    ...(text !== post.text ? { textOriginal: post.text } : {}),
    entities: extractEntities(text, post.links ?? []),
    lang: tags.lang,
    langConfidence: tags.langConfidence,
    narratives: tags.narratives,
    narrativeEvidence: tags.narrativeEvidence,
    fingerprint: tags.fingerprint,
    fingerprintBands: tags.fingerprintBands,
    textStems: tags.textStems,
    isForward: post.forward !== undefined,
    isEdited: post.editedAt !== undefined,
    isDeleted: post.deletedAt !== undefined,
    version,
  };
}
