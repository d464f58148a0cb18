// The tagger's figures on the locked real test split, as `cw narratives eval` last wrote them beside
// the definitions: /v1/narratives returns them so analysts can weigh the counts they see. Read once at
// start-up (new heads mean a restart anyway); a missing or broken file leaves them out, never the API.
import { readEvaluation } from '@cw/enrichment';
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
    const long = record.longPosts?.narratives[narrative];
    const telegram = record.telegramPosts?.narratives[narrative];
    if (!m) return undefined;
    return {
      split,
      tagger,
      evaluatedAt,
      passages,
      current,
      ...m,
      ...(long && record.longPosts ? { longPosts: { posts: record.longPosts.posts, ...long } } : {}),
      ...(telegram && record.telegramPosts
        ? { telegramPosts: { posts: record.telegramPosts.posts, ...telegram } }
        : {}),
    };
  };
}
