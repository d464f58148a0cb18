import { collectedPost, type IndexedPost, isPostPatch, type PostPatch, postPatch } from '@cw/domain';
import {
  type ClassifierResult,
  type Enrichment,
  enrich as enrichText,
  withoutDecoration,
} from '@cw/enrichment';
import { type Client, type RejectDoc, type WriteResult, writePosts } from '@cw/es';
import { cleanText } from './normalise/clean-text.ts';
import { type EnrichContext, toIndexedPost } from './normalise/to-indexed-post.ts';

export type BatchResult = WriteResult & { received: number };

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(post)'}: ${i.message}`)
    .join('; ');
}

/**
 * One job: validate each post (a bad one becomes a reject with its reason and raw payload, the rest
 * go on), normalise and enrich the good ones, and write everything in one bulk pass.
 */
export async function processBatch(
  raw: unknown[],
  deps: {
    es: Client;
    prefix: string;
    enrich: EnrichContext;
    source: string;
    jobId?: string;
    /** Told when the classifier fails on a batch; the batch is then tagged by the rules alone. */
    onClassifierError?: (err: unknown) => void;
  },
): Promise<BatchResult> {
  const rejects: RejectDoc[] = [];
  let enrich = deps.enrich;
  let classified = new Map<number, Candidate>();
  try {
    classified = await classifyCandidates(raw, enrich);
  } catch (err) {
    // A broken encoder must not stop ingestion: these posts get the rules' tags and say so (tagger).
    deps.onClassifierError?.(err);
    enrich = { ...enrich, classifier: undefined };
  }
  const written = await writePosts(
    deps.es,
    deps.prefix,
    normalise(raw, { ...deps, enrich }, rejects, classified),
    {
      rejects,
      ...(deps.jobId ? { jobId: deps.jobId } : {}),
    },
  );
  return { ...written, received: raw.length };
}

/** Yields each valid post's document as it is made, so the writer serializes it and lets it go
 * (see writePosts); an invalid one is added to `rejects` instead. */
function* normalise(
  raw: unknown[],
  deps: { enrich: EnrichContext; source: string; jobId?: string },
  rejects: RejectDoc[],
  classified: ReadonlyMap<number, Candidate>,
): Generator<IndexedPost | PostPatch> {
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i];
    // A deletion by id or a metrics refresh: no text to enrich, applied to the post by the writer.
    const parsed = isPostPatch(item) ? postPatch.safeParse(item) : collectedPost.safeParse(item);
    if (parsed.success) {
      const candidate = classified.get(i);
      yield 'kind' in parsed.data
        ? parsed.data
        : toIndexedPost(parsed.data, deps.enrich, candidate?.result, candidate?.enriched);
      continue;
    }
    const loose = (item ?? {}) as { channel?: { id?: unknown }; messageId?: unknown };
    rejects.push({
      rejectedAt: new Date().toISOString(),
      stage: 'validate',
      reason: describeIssues(parsed.error.issues),
      source: deps.source,
      channelId: typeof loose.channel?.id === 'string' ? loose.channel.id : undefined,
      messageId:
        typeof loose.messageId === 'number' && Number.isSafeInteger(loose.messageId)
          ? loose.messageId
          : undefined,
      jobId: deps.jobId,
      raw: safeStringify(item),
    });
  }
}

/** A candidate's verdict, and its enrichment (made first: the classifier reads its rule tags). */
type Candidate = { result: ClassifierResult; enriched: Enrichment & { text: string } };

/**
 * The batch's candidates (posts the gate lets through) encoded and scored before any document is
 * made (the encoder is async), so the writer still gets documents one by one. A candidate is enriched
 * here, once: the classifier's first stage needs its rule tags, and the rules over a long post were a
 * third of the classifier's main-thread time when it read them again. A decorated post is read line
 * by line once, for both (43 µs per real Telegram candidate, each time).
 */
async function classifyCandidates(raw: unknown[], ctx: EnrichContext): Promise<Map<number, Candidate>> {
  const result = new Map<number, Candidate>();
  const classifier = ctx.classifier;
  if (!classifier) return result;
  const index: number[] = [];
  const enriched: Candidate['enriched'][] = [];
  // The post without its decoration lines, read once for the rules and the classifier.
  const bare: string[] = [];
  raw.forEach((item, i) => {
    const text = (item as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || !classifier.gate.test(text)) return;
    index.push(i);
    const clean = cleanText(text);
    const read = withoutDecoration(clean);
    bare.push(read);
    enriched.push({ ...enrichText(clean, ctx, read), text: clean });
  });
  if (enriched.length === 0) return result;
  const scored = await classifier.classify(
    enriched.map((e) => e.text),
    enriched.map((e) => e.narratives),
    bare,
  );
  index.forEach((i, k) => {
    result.set(i, { result: scored[k] as ClassifierResult, enriched: enriched[k] as Candidate['enriched'] });
  });
  return result;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
