// The tagger's figures on the locked real test split, as `cw narratives eval` last wrote them beside
// the definitions: /v1/narratives returns them so analysts can weigh the counts they see. Read once at
// start-up (new heads mean a restart anyway); a missing or broken file leaves them out, never the API.
import { type NarrativeMeasure, readEvaluation } from '@cw/enrichment';
import type { NarrativeEvaluation } from './routes/context.ts';

type Log = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
};

export function lockedTestFigures(
  narrativesDir: string,
  log: Log,
): (narrative: string) => NarrativeEvaluation | undefined {
  let record: ReturnType<typeof readEvaluation>;
  try {
    record = readEvaluation(narrativesDir);
  } catch (err) {
    log.warn({ err }, 'locked test figures not read; /v1/narratives goes without them');
    return () => undefined;
  }
  if (!record) return () => undefined;
  const { split, tagger, evaluatedAt, passages, current } = record;
  if (current) log.info({ tagger, evaluatedAt }, 'locked test figures loaded');
  else
    log.warn(
      { tagger, evaluatedAt },
      'locked test figures are for earlier heads: run pnpm -s cw narratives eval (served with current: false)',
    );
  return (narrative) => {
    const m = record.narratives[narrative];
    if (!m) return undefined;
    // A set measured apart (long posts, Telegram posts): this narrative's figures and the set's size.
    const on = (set: { posts: number; narratives: Record<string, NarrativeMeasure> } | undefined) => {
      const figures = set?.narratives[narrative];
      return figures && set ? { posts: set.posts, ...figures } : undefined;
    };
    const longPosts = on(record.longPosts);
    const telegramPosts = on(record.telegramPosts);
    return {
      split,
      tagger,
      evaluatedAt,
      passages,
      current,
      ...m,
      ...(longPosts ? { longPosts } : {}),
      ...(telegramPosts ? { telegramPosts } : {}),
    };
  };
}
