import type { estypes } from '@elastic/elasticsearch';

// Explicit mappings; `dynamic: strict` so a field nobody declared is an error (and goes to rejects),
// not a silently guessed type. Only core analysis: the test distribution has no analysis-common, so
// morphology comes from `textStems`, text stemmed by our own tokeniser and split on whitespace.

type Properties = Record<string, estypes.MappingProperty>;

const keyword: estypes.MappingProperty = { type: 'keyword' };
const date: estypes.MappingProperty = { type: 'date' };
const long: estypes.MappingProperty = { type: 'long' };

export const postProperties: Properties = {
  id: keyword,
  channel: {
    properties: {
      id: keyword,
      username: keyword,
      title: { type: 'keyword', fields: { text: { type: 'text' } } },
    },
  },
  messageId: long,
  url: { type: 'keyword', index: false },
  postedAt: date,
  editedAt: date,
  deletedAt: date,
  collectedAt: date,
  text: { type: 'text', analyzer: 'standard' },
  textOriginal: { type: 'text', index: false },
  textStems: { type: 'text', analyzer: 'whitespace' },
  links: { type: 'keyword', index: false },
  entities: {
    properties: {
      urls: keyword,
      domains: keyword,
      hashtags: keyword,
      mentions: keyword,
      channelLinks: keyword,
    },
  },
  media: { properties: { kind: keyword } },
  groupedId: keyword,
  forward: {
    properties: {
      fromChannelId: keyword,
      fromUsername: keyword,
      fromName: keyword,
      fromMessageId: long,
      postedAt: date,
    },
  },
  replyTo: long,
  author: keyword,
  metrics: {
    properties: {
      views: long,
      forwards: long,
      replies: long,
      reactions: { properties: { total: long, byEmoji: { type: 'object', enabled: false } } },
    },
  },
  source: keyword,
  lang: keyword,
  langConfidence: { type: 'float' },
  narratives: keyword,
  narrativeEvidence: {
    properties: {
      narrative: keyword,
      score: { type: 'float' },
      signals: { properties: { group: keyword, term: keyword, matched: keyword } },
      classifier: {
        properties: {
          score: { type: 'float' },
          threshold: { type: 'float' },
          veto: { type: 'float' },
          model: keyword,
          stance: { type: 'float' },
          paragraphs: { type: 'integer' },
        },
      },
      nearest: { type: 'object', enabled: false },
    },
  },
  tagger: keyword,
  fingerprint: keyword,
  fingerprintBands: keyword,
  isForward: { type: 'boolean' },
  isEdited: { type: 'boolean' },
  isDeleted: { type: 'boolean' },
  version: long,
  sources: keyword,
  // Read whole with the post (workbench charts), never searched: not indexed.
  engagement: { type: 'object', enabled: false },
};

export const postsMapping: estypes.MappingTypeMapping = { dynamic: 'strict', properties: postProperties };

/** A version of a post as it was: enough to show what changed, without the derived fields. */
export const versionsMapping: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    postId: keyword,
    channelId: keyword,
    messageId: long,
    version: long,
    postedAt: date,
    editedAt: date,
    collectedAt: date,
    text: { type: 'text', analyzer: 'standard' },
    narratives: keyword,
  },
};

/** A deletion by id: the post it names may be indexed later, and then ends deleted. */
export const deletionsMapping: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: { postId: keyword, deletedAt: date, collectedAt: date, source: keyword },
};

export const rejectsMapping: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    rejectedAt: date,
    stage: keyword,
    reason: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 512 } } },
    source: keyword,
    channelId: keyword,
    messageId: long,
    jobId: keyword,
    raw: { type: 'text', index: false },
  },
};

export const alertsMapping: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    narrative: keyword,
    channelId: keyword,
    status: keyword,
    windowStart: date,
    windowEnd: date,
    firstSeenAt: date,
    updatedAt: date,
    lastFiredAt: date,
    observed: long,
    peakObserved: long,
    notifiedObserved: long,
    notifiedWindows: long,
    revision: long,
    expected: { type: 'float' },
    score: { type: 'float' },
    ratio: { type: 'float' },
    share: { type: 'float' },
    expectedShare: { type: 'float' },
    kind: keyword,
    title: keyword,
    windowMinutes: long,
    baseline: { type: 'text', index: false },
    local: { properties: { timeZone: keyword, windowStart: keyword, windowEnd: keyword } },
    distinctChannels: long,
    topChannelShare: { type: 'float' },
    distinctTexts: long,
    topTextShare: { type: 'float' },
    postsQuery: { type: 'keyword', index: false },
    topChannels: { properties: { id: keyword, username: keyword, title: keyword, count: long } },
    topPosts: {
      properties: {
        id: keyword,
        url: keyword,
        channelId: keyword,
        views: long,
        text: { type: 'text', index: false },
      },
    },
    evidence: { properties: { group: keyword, term: keyword, count: long } },
  },
};

export const deliveriesMapping: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    messageId: keyword,
    target: keyword,
    kind: keyword,
    attempt: long,
    status: keyword,
    statusCode: long,
    error: { type: 'text', index: false },
    durationMs: long,
    final: { type: 'boolean' },
    at: date,
  },
};

/**
 * An analyst's verdict on one narrative of one post; the document id is key + post + narrative, so a
 * key's last verdict replaces its earlier one. The post's text, language and url are copied as they
 * were judged, so the export is a labelled passage even after the post is edited.
 */
export const feedbackMapping: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    postId: keyword,
    narrative: keyword,
    verdict: keyword,
    /** Whether the post carried the narrative when it was judged. */
    tagged: { type: 'boolean' },
    /** Every narrative the post carried then (the export keeps the unjudged ones). */
    postNarratives: keyword,
    note: { type: 'text', index: false },
    key: keyword,
    at: date,
    channelId: keyword,
    postedAt: date,
    lang: keyword,
    url: keyword,
    text: { type: 'text', index: false },
    tagger: keyword,
  },
};
