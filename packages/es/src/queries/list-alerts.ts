import type { Client, estypes } from '@elastic/elasticsearch';
import { indexNames } from '../names.ts';
import { assertComplete } from './complete.ts';
import { decodeCursor, encodeCursor } from './search-posts.ts';

// Alerts raised by the spike evaluation, newest first, with the same opaque cursor as posts.

export type ListAlertsParams = {
  narratives?: string[] | undefined;
  status?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  size?: number | undefined;
  cursor?: string | undefined;
};

export type AlertDoc = Record<string, unknown> & { id: string; narrative: string; firstSeenAt: string };

export async function listAlerts(
  es: Client,
  prefix: string,
  params: ListAlertsParams,
): Promise<{ alerts: AlertDoc[]; nextCursor?: string | undefined }> {
  const size = params.size ?? 50;
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (params.narratives?.length) filter.push({ terms: { narrative: params.narratives } });
  if (params.status?.length) filter.push({ terms: { status: params.status } });
  if (params.from || params.to) {
    filter.push({
      range: {
        firstSeenAt: {
          ...(params.from ? { gte: params.from } : {}),
          ...(params.to ? { lt: params.to } : {}),
        },
      },
    });
  }
  const after = params.cursor ? decodeCursor('alerts', params.cursor, { value: 'time' }) : undefined;
  const response = await es.search<AlertDoc>({
    index: indexNames(prefix).alerts,
    size: size + 1,
    query: { bool: { filter } },
    sort: [{ firstSeenAt: { order: 'desc' } }, { id: { order: 'desc' } }],
    ...(after ? { search_after: after as estypes.SortResults } : {}),
    ignore_unavailable: true,
  });
  assertComplete(response);
  const raw = response.hits.hits;
  const page = raw.slice(0, size);
  const last = page[page.length - 1];
  return {
    alerts: page.map((h) => h._source as AlertDoc),
    nextCursor:
      raw.length > size && last?.sort
        ? encodeCursor('alerts', last.sort as (string | number | null)[])
        : undefined,
  };
}
