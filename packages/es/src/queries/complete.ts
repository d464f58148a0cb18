// A search whose shards partly failed answers 200 with what the other shards found: a count too
// low, or no hits at all, that looks like a real answer. Every query checks `_shards.failed`.

export type ShardFailure = { index?: string | null; reason?: { type?: string; reason?: string | null } };

/** Some shards failed: the answer is incomplete, so it is not given (the API answers 503). */
export class IncompleteResultsError extends Error {
  constructor(
    readonly failed: number,
    readonly failures: ShardFailure[],
  ) {
    super(
      `${failed} shard(s) failed: ${failures
        .slice(0, 3)
        .map((f) => `${f.index ?? '?'}: ${f.reason?.type ?? '?'} ${f.reason?.reason ?? ''}`.trim())
        .join('; ')}`,
    );
    this.name = 'IncompleteResultsError';
  }
}

type WithShards = { _shards?: { failed?: number; failures?: ShardFailure[] } };

export function assertComplete<T extends WithShards>(response: T): T {
  const failed = response._shards?.failed ?? 0;
  if (failed > 0) throw new IncompleteResultsError(failed, response._shards?.failures ?? []);
  return response;
}

type MsearchItem = WithShards | { error: { type?: string; reason?: string | null } };

/** Every answer of an msearch: an item that failed, or failed in part, fails the whole. */
export function assertAllComplete<T extends MsearchItem>(responses: T[]): T[] {
  for (const r of responses) {
    if ('error' in r) {
      throw new IncompleteResultsError(1, [
        { reason: { type: r.error.type, reason: r.error.reason ?? null } },
      ]);
    }
    assertComplete(r);
  }
  return responses;
}
