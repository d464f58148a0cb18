import type { EvaluationRecord, NarrativeMeasure } from '@cw/enrichment';
import type { Client, PostFilters } from '@cw/es';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, shorten } from '../errors.ts';
import type { FilterParams } from '../params.ts';
import { type Normaliser, prepareSearchText, SearchTextError, type Stemmer } from '../search-text.ts';
import type { TrendsService } from '../trends-cache.ts';
import type { Limits } from '../window.ts';

/** The pipeline's figures on the locked real test split (`cw narratives eval`), for one narrative. */
export type NarrativeEvaluation = Pick<EvaluationRecord, 'split' | 'tagger' | 'evaluatedAt' | 'passages'> &
  NarrativeMeasure & {
    /** false when the heads changed since: the figures are for an earlier model. */
    current: boolean;
    /** The same decision on long real posts (claims can come late), when measured. */
    longPosts?: NarrativeMeasure & { posts: number };
    /** The same decision on the split's whole Telegram channel posts alone, when it has any. */
    telegramPosts?: NarrativeMeasure & { posts: number };
  };

export type NarrativeSummary = {
  id: string;
  title: string;
  description: string;
  languages: string[];
  evaluation?: NarrativeEvaluation;
};

export type RouteContext = {
  es: Client;
  prefix: string;
  limits: Limits;
  now: () => Date;
  definitions: () => NarrativeSummary[];
  stem: Stemmer;
  normalise: Normaliser;
  trends: TrendsService;
};

/** Narrative ids loaded now, for the OpenAPI document (listed at start). */
export const narrativeIds = (ctx: RouteContext) => ctx.definitions().map((d) => d.id);

/** The filters of a request for the query builders; narrative ids must be loaded definitions. */
export function toFilters(params: FilterParams, ctx: RouteContext): Omit<PostFilters, 'from' | 'to'> {
  const known = new Set(ctx.definitions().map((d) => d.id));
  const unknown = (params.narrative ?? []).filter((id) => !known.has(id));
  if (known.size > 0 && unknown.length > 0) {
    throw new BadRequestError([
      {
        parameter: 'narrative',
        value: unknown,
        expected: `loaded narrative ids: ${[...known].sort().join(', ')}`,
      },
    ]);
  }
  let text: PostFilters['text'];
  if (params.q?.trim()) {
    try {
      text = prepareSearchText(params.q, ctx.stem, ctx.normalise);
    } catch (err) {
      if (!(err instanceof SearchTextError)) throw err;
      throw new BadRequestError([{ parameter: 'q', value: shorten(params.q), expected: err.message }]);
    }
  }
  return {
    narratives: params.narrative,
    channels: params.channel,
    langs: params.lang,
    isForward: params.forward,
    minViews: params.minViews,
    deletedOnly: params.deleted,
    editedOnly: params.edited,
    text,
  };
}

/** CSV when asked with format=csv, or with an Accept header naming text/csv (and no format). */
export function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/.test(request.headers.accept ?? '');
}

export function sendCsv(reply: FastifyReply, name: string, body: string) {
  // The BOM makes spreadsheet programs read the file as UTF-8 (Cyrillic, Kazakh letters).
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(`\uFEFF${body}`);
}

export const filterDocs =
  'Filters combine: narrative, channel (id or username), lang (each repeatable or comma-separated), ' +
  'from/to (ISO-8601; to is exclusive), forward=true|false, minViews, deleted=true, edited=true, ' +
  'q (simple query syntax: words, "phrases", -not, a|b, prefix*; stems match other word forms).';
