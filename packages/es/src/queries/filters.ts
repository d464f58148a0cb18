import type { estypes } from '@elastic/elasticsearch';

// The filters every post query shares, turned into Elasticsearch filter clauses in one place, so
// that "all filters combine" means the same thing in trends, search, channels and terms.

export type TimeRange = { from: string; to: string };

export type PostFilters = {
  /** Inclusive start and exclusive end, ISO-8601. */
  from?: string | undefined;
  to?: string | undefined;
  narratives?: string[] | undefined;
  /** Channel ids or usernames. */
  channels?: string[] | undefined;
  langs?: string[] | undefined;
  isForward?: boolean | undefined;
  minViews?: number | undefined;
  deletedOnly?: boolean | undefined;
  editedOnly?: boolean | undefined;
  /**
   * Full text in Elasticsearch's simple query syntax: `query` is matched against `text` (exact
   * words, standard analyser), `stems` — the same query with its words stemmed by the pipeline's
   * stemmer — against `textStems`. A post matching either counts.
   */
  text?: { query: string; stems: string } | undefined;
};

type Clause = estypes.QueryDslQueryContainer;

/** Operators of simple query syntax we allow: no fuzzy, slop or near (costly), no field syntax exists. */
export const SIMPLE_QUERY_FLAGS = 'AND|OR|NOT|PHRASE|PRECEDENCE|PREFIX|WHITESPACE|ESCAPE';

export function textClause(text: { query: string; stems: string }): Clause {
  const sqs = (field: string, query: string): Clause => ({
    simple_query_string: {
      query,
      fields: [field],
      default_operator: 'and',
      flags: SIMPLE_QUERY_FLAGS,
      lenient: true,
      analyze_wildcard: false,
    },
  });
  return {
    bool: { should: [sqs('text', text.query), sqs('textStems', text.stems)], minimum_should_match: 1 },
  };
}

export function rangeClause(from?: string, to?: string): Clause | undefined {
  if (!from && !to) return undefined;
  return {
    range: {
      postedAt: {
        ...(from ? { gte: from } : {}),
        ...(to ? { lt: to } : {}),
        format: 'strict_date_optional_time',
      },
    },
  };
}

/** Filter clauses (no scoring) for everything but the text query and, when asked, the narratives. */
export function filterClauses(filters: PostFilters, options: { withNarratives?: boolean } = {}): Clause[] {
  const clauses: Clause[] = [];
  const range = rangeClause(filters.from, filters.to);
  if (range) clauses.push(range);
  if (options.withNarratives !== false && filters.narratives?.length) {
    clauses.push({ terms: { narratives: filters.narratives } });
  }
  if (filters.channels?.length) {
    clauses.push({
      bool: {
        should: [
          { terms: { 'channel.id': filters.channels } },
          // Telegram usernames ignore case: SHYMKENT_SHADOW_14 is shymkent_shadow_14.
          ...filters.channels
            .filter((c) => !/^-?\d+$/.test(c))
            .map((c) => ({ term: { 'channel.username': { value: c, case_insensitive: true } } })),
        ],
        minimum_should_match: 1,
      },
    });
  }
  if (filters.langs?.length) clauses.push({ terms: { lang: filters.langs } });
  if (filters.isForward !== undefined) clauses.push({ term: { isForward: filters.isForward } });
  if (filters.minViews !== undefined) clauses.push({ range: { 'metrics.views': { gte: filters.minViews } } });
  if (filters.deletedOnly) clauses.push({ term: { isDeleted: true } });
  if (filters.editedOnly) clauses.push({ term: { isEdited: true } });
  return clauses;
}

/**
 * The whole query: filters, plus the text query as a scoring clause when there is one and the
 * hits are ranked by it; sorted by anything else, the text is one more filter (no scores computed,
 * and the clause can be cached).
 */
export function postsQuery(
  filters: PostFilters,
  options: { withNarratives?: boolean; scored?: boolean } = {},
): Clause {
  const filter = filterClauses(filters, options);
  const text = filters.text ? [textClause(filters.text)] : [];
  if (filter.length === 0 && text.length === 0) return { match_all: {} };
  return options.scored === false
    ? { bool: { filter: [...filter, ...text] } }
    : { bool: { filter, must: text } };
}
