import { emergingTerms } from '@cw/es';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.ts';
import { parseQuery, queryJsonSchema, schemas } from '../params.ts';
import { responses } from '../responses.ts';
import { resolveWindow } from '../window.ts';
import { filterDocs, narrativeIds, type RouteContext, toFilters } from './context.ts';

export function registerTerms(app: FastifyInstance, ctx: RouteContext) {
  app.get(
    '/v1/terms/emerging',
    {
      schema: {
        tags: ['terms'],
        summary: 'Terms rising in a window against a background window',
        description:
          'significant_text over a sample of the window (from..to, default the last 24 hours) against the ' +
          'background backgroundFrom..to (default 30 days before from). field=text gives words as written, ' +
          'field=stems merges word forms. With narrative: within that narrative. sample: posts per shard ' +
          'analysed (best matches first; more is slower and steadier). ' +
          filterDocs,
        querystring: queryJsonSchema(schemas.termsEmerging, narrativeIds(ctx)),
        response: responses('termsEmerging'),
      },
    },
    async (request) => {
      const params = parseQuery(schemas.termsEmerging, request.query);
      const window = resolveWindow(params, { now: ctx.now(), defaultDays: 1, limits: ctx.limits });
      const backgroundFrom =
        params.backgroundFrom ?? new Date(Date.parse(window.from) - 30 * 24 * 3600_000).toISOString();
      if (backgroundFrom >= window.from) {
        throw new BadRequestError([
          {
            parameter: 'backgroundFrom',
            value: params.backgroundFrom,
            expected: `a time before from (${window.from})`,
          },
        ]);
      }
      resolveWindow(
        { from: backgroundFrom, to: window.to },
        { now: ctx.now(), defaultDays: 1, limits: ctx.limits },
      );
      return emergingTerms(ctx.es, ctx.prefix, {
        ...window,
        backgroundFrom,
        filters: toFilters(params, ctx),
        field: params.field === 'stems' ? 'textStems' : 'text',
        size: params.limit,
        minDocCount: params.minDocs,
        sampleSize: params.sample,
      });
    },
  );
}
