import { z } from 'zod';

// The post as it travels from a collector to the pipeline (CollectedPost) and as it is indexed
// (IndexedPost). Validated with zod at every boundary; ARCHITECTURE.md "The post" is the contract.

/** Telegram's own limits: 4096 characters for a message, 1024 for a caption (premium: 4096). */
export const MAX_TEXT_LENGTH = 4096;

const EARLIEST = Date.UTC(2013, 7, 1); // Telegram launched in August 2013
const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });

/** A date Telegram could have produced: not before Telegram existed, not (much) in the future. */
export const plausibleDate = isoDate.refine((value) => {
  const t = Date.parse(value);
  return t >= EARLIEST && t <= Date.now() + 24 * 3600 * 1000;
}, 'impossible date: before Telegram existed or in the future');

const positiveId = z.number().int().positive();
const count = z.number().int().nonnegative();

export const mediaKind = z.enum(['photo', 'video', 'document', 'audio', 'voice', 'poll', 'webpage', 'other']);

export const channelRef = z.object({
  id: z.string().regex(/^-?\d+$/, 'expected a numeric channel id as a string'),
  username: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'expected a Telegram username')
    .optional(),
  title: z.string().max(255).optional(),
});

export const forwardOrigin = z.object({
  fromChannelId: z.string().optional(),
  fromUsername: z.string().optional(),
  fromName: z.string().optional(),
  fromMessageId: positiveId.optional(),
  postedAt: plausibleDate.optional(),
});

export const metrics = z.object({
  views: count.optional(),
  forwards: count.optional(),
  replies: count.optional(),
  reactions: z.object({ total: count, byEmoji: z.record(z.string(), count).default({}) }).optional(),
});

/** What a collector produces. Entities and the URL are derived by the pipeline's normaliser. */
export const collectedPost = z.object({
  channel: channelRef,
  messageId: positiveId,
  postedAt: plausibleDate,
  editedAt: plausibleDate.optional(),
  deletedAt: plausibleDate.optional(),
  collectedAt: plausibleDate,
  text: z.string().max(MAX_TEXT_LENGTH, `text longer than Telegram allows (${MAX_TEXT_LENGTH})`),
  /** Telegram's own entities when the source has them (URLs hidden behind text links). */
  links: z.array(z.string()).optional(),
  media: z.array(z.object({ kind: mediaKind })).default([]),
  groupedId: z.string().optional(),
  forward: forwardOrigin.optional(),
  replyTo: positiveId.optional(),
  author: z.string().optional(),
  metrics: metrics.default({}),
  source: z.enum(['telegram', 'web', 'export', 'replay']),
});

export type CollectedPost = z.infer<typeof collectedPost>;
export type CollectedPostInput = z.input<typeof collectedPost>;

// What a source knows about a post it cannot (or need not) send whole: a deletion update carries
// ids only, and a metrics refresh carries figures only. The writer applies them to the one document
// of the post, wherever it is; a deletion that arrives before its post is kept as a tombstone.
const patchBase = {
  channel: channelRef,
  messageId: positiveId,
  /** Where the post lives, when the source knows; without it the writer looks in every month. */
  postedAt: plausibleDate.optional(),
  collectedAt: plausibleDate,
  source: z.enum(['telegram', 'web', 'export', 'replay']),
};

export const postPatch = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deletion'), deletedAt: plausibleDate, ...patchBase }),
  z.object({ kind: z.literal('metrics'), metrics, ...patchBase }),
]);

export type PostPatch = z.infer<typeof postPatch>;
export type PostPatchInput = z.input<typeof postPatch>;

/** A patch travels in the same batches as posts; `kind` tells them apart. */
export function isPostPatch(item: unknown): boolean {
  return typeof item === 'object' && item !== null && 'kind' in item;
}

/** One observation of a post's figures: the compact engagement history keeps a few dozen. */
export const engagementPoint = z.object({
  at: plausibleDate,
  views: count.optional(),
  forwards: count.optional(),
  replies: count.optional(),
  reactions: count.optional(),
});

export type EngagementPoint = z.infer<typeof engagementPoint>;

export const narrativeEvidence = z.object({
  narrative: z.string(),
  score: z.number(),
  signals: z.array(z.object({ group: z.string(), term: z.string(), matched: z.string() })),
  classifier: z
    .object({
      score: z.number(),
      threshold: z.number(),
      veto: z.number(),
      model: z.string(),
      /** The stance stage's score, for heads that have one. */
      stance: z.number().optional(),
      /** The paragraphs (1-based) a long post was tagged in, when a pair of them was read. */
      paragraphs: z.tuple([z.number().int(), z.number().int()]).optional(),
    })
    .optional(),
  nearest: z
    .array(
      z.object({
        url: z.string(),
        narratives: z.array(z.string()),
        similarity: z.number(),
        text: z.string(),
      }),
    )
    .optional(),
});

export type NarrativeEvidence = z.infer<typeof narrativeEvidence>;

export const indexedPost = collectedPost.extend({
  id: z.string(),
  url: z.string(),
  textOriginal: z.string().optional(),
  entities: z.object({
    urls: z.array(z.string()),
    domains: z.array(z.string()),
    hashtags: z.array(z.string()),
    mentions: z.array(z.string()),
    channelLinks: z.array(z.string()),
  }),
  lang: z.string(),
  langConfidence: z.number().min(0).max(1),
  narratives: z.array(z.string()),
  narrativeEvidence: z.array(narrativeEvidence),
  /** What tagged the narratives: "rules@<definitions hash>", plus "+<encoder>/heads-<hash>" with the classifier. */
  tagger: z.string().optional(),
  fingerprint: z.string(),
  fingerprintBands: z.array(z.string()),
  /** Stemmed text, indexed whitespace-analysed: morphology-aware search without analysis-common. */
  textStems: z.string(),
  isForward: z.boolean(),
  isEdited: z.boolean(),
  isDeleted: z.boolean(),
  /** The text's version: its edit time (or posting time), in ms; the newest version wins the text. */
  version: z.number().int(),
  /** Every source that delivered the post (telegram, web, export, replay). */
  sources: z.array(z.string()).optional(),
  /** Figures over time, oldest first, thinned to at most ENGAGEMENT_POINTS. */
  engagement: z.array(engagementPoint).optional(),
});

export type IndexedPost = z.infer<typeof indexedPost>;

export function postId(channelId: string, messageId: number): string {
  return `${channelId}_${messageId}`;
}

export function postUrl(channel: { id: string; username?: string | undefined }, messageId: number): string {
  if (channel.username) return `https://t.me/${channel.username}/${messageId}`;
  // Private-style links use the bare id, without the -100 prefix of marked channel ids.
  return `https://t.me/c/${channel.id.replace(/^-100/, '')}/${messageId}`;
}
