import { get, type Narrative, type Precision, type Trends as TrendsResult } from '../api.ts';
import { Chart, type Series } from '../chart.tsx';
import { daysAgo, formatDay, formatNumber, formatShare, formatTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { href, navigate, paramsOf } from '../route.ts';
import {
  FilterForm,
  FORWARD,
  LANGS,
  narrativeOptions,
  narrativeTitle,
  SelectField,
  Status,
  TextField,
  type ViewProps,
  ViewTitle,
} from '../ui.tsx';

// Each narrative over time: counts or share of all posts matching the other filters, per hour, day
// or week in the analyst's time zone. A point, a bar or a table cell opens the posts behind it.

const FILTERS = ['narrative', 'lang', 'channel', 'forward', 'q'] as const;

export function Trends({ route, narratives, tz }: ViewProps) {
  const p = paramsOf(route);
  const interval = p['interval'] ?? 'day';
  const measure = p['measure'] === 'share' ? 'share' : 'count';
  const kind = p['kind'] === 'bar' ? 'bar' : 'line';
  const from = p['from'] ?? daysAgo(30, tz);
  const to = p['to'];
  const filters = Object.fromEntries(FILTERS.map((f) => [f, p[f]]));
  const query = { ...filters, interval, from, to, tz };
  const trends = useLoad(JSON.stringify(query), () => get<TrendsResult>('/v1/trends', query));
  const precision = useLoad('precision', () => get<Precision>('/v1/feedback/precision', { days: 30 }));
  const data = trends.data;
  const label = (start: string) => (interval === 'hour' ? formatTime(start, tz) : formatDay(start, tz));
  const categories = data?.buckets.map((b) => label(b.start)) ?? [];
  const series: Series[] =
    data?.keys.map((k) => ({
      name: narrativeTitle(narratives, k),
      data: data.buckets.map((b) => (measure === 'share' ? (b.shares[k] ?? 0) : (b.counts[k] ?? 0))),
    })) ?? [];
  /** The posts behind one bucket of one narrative: same filters, the bucket's own window. */
  const postsHref = (key: string, index: number) => {
    const bucket = data?.buckets[index];
    if (!data || !bucket) return href('posts');
    const end = data.buckets[index + 1]?.start ?? data.to;
    return href('posts', { ...filters, narrative: key, from: bucket.start, to: end });
  };
  const keyOf = (title: string) => data?.keys.find((k) => narrativeTitle(narratives, k) === title) ?? title;
  const manyRows = (data?.buckets.length ?? 0) > 62;
  return (
    <section aria-labelledby="view-title">
      <ViewTitle>Narrative trends</ViewTitle>
      <FilterForm
        key={JSON.stringify(p)}
        active={FILTERS.filter((f) => p[f]).length}
        label="Trend filters"
        onSubmit={(v) => navigate('trends', { ...v, measure, kind })}
      >
        <SelectField
          name="narrative"
          label="Narrative"
          value={p['narrative']}
          options={narrativeOptions(narratives, 'every narrative')}
        />
        <SelectField name="lang" label="Language" value={p['lang']} options={LANGS} />
        <TextField name="channel" label="Channel" value={p['channel']} placeholder="username or id" />
        <SelectField name="forward" label="Forwards" value={p['forward']} options={FORWARD} />
        <TextField name="q" label="Text" value={p['q']} placeholder="words, &quot;phrase&quot;, -not" />
        <SelectField
          name="interval"
          label="Interval"
          value={interval}
          options={[
            { value: 'hour', label: 'hour' },
            { value: 'day', label: 'day' },
            { value: 'week', label: 'week' },
          ]}
        />
        <TextField name="from" label="From" type="date" value={from.slice(0, 10)} />
        <TextField name="to" label="To (exclusive)" type="date" value={to?.slice(0, 10)} />
      </FilterForm>
      <p class="toggles">
        <a href={href('trends', { ...p, measure: measure === 'share' ? 'count' : 'share' })}>
          {measure === 'share' ? 'Show counts' : 'Show share of all posts'}
        </a>
        <a href={href('trends', { ...p, kind: kind === 'bar' ? 'line' : 'bar' })}>
          {kind === 'bar' ? 'Show lines' : 'Show bars'}
        </a>
      </p>
      <Status loading={trends.loading} error={trends.error} />
      {data && (
        <>
          <p class="summary">
            {formatNumber(data.totals.posts)} posts from {formatTime(data.from, tz)} to{' '}
            {formatTime(data.to, tz)} ({tz}),{' '}
            {data.keys
              .map((k) => `${narrativeTitle(narratives, k)}: ${formatNumber(data.totals.counts[k])}`)
              .join(', ')}
          </p>
          <Chart
            label={`${measure === 'share' ? 'Share of all posts' : 'Posts'} per ${interval} for each narrative`}
            categories={categories}
            series={series}
            kind={kind}
            percent={measure === 'share'}
            onPick={(title, index) => {
              location.hash = postsHref(keyOf(title), index);
            }}
          />
          <details class="table-box" open={!manyRows}>
            <summary>Table of the numbers ({data.buckets.length} rows)</summary>
            <div class="scroll-x">
              <table class="trends-table">
                <caption>
                  Posts per {interval} ({tz}); each count opens its posts
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{interval}</th>
                    <th scope="col">all posts</th>
                    {data.keys.map((k) => (
                      <th scope="col" key={k} data-key={k}>
                        {narrativeTitle(narratives, k)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.buckets.map((b, i) => (
                    <tr key={b.start} data-start={b.start}>
                      <th scope="row">{label(b.start)}</th>
                      <td>{formatNumber(b.total)}</td>
                      {data.keys.map((k) => (
                        <td key={k} data-key={k}>
                          {(b.counts[k] ?? 0) > 0 ? (
                            <a href={postsHref(k, i)} data-count={b.counts[k]}>
                              {formatNumber(b.counts[k])}
                              <span class="share"> ({formatShare(b.shares[k] ?? 0)})</span>
                            </a>
                          ) : (
                            <span data-count="0">0</span>
                          )}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
      <PrecisionTable precision={precision.data} narratives={narratives} />
    </section>
  );
}

export function PrecisionTable({
  precision,
  narratives,
}: {
  precision: Precision | undefined;
  narratives: Narrative[] | undefined;
}) {
  if (!precision) return null;
  return (
    <div class="scroll-x">
      <table class="precision">
        <caption>Tagger precision from analysts' verdicts, last 30 days</caption>
        <thead>
          <tr>
            <th scope="col">narrative</th>
            <th scope="col">precision</th>
            <th scope="col">confirmed</th>
            <th scope="col">rejected</th>
            <th scope="col">added (missed)</th>
            <th scope="col">measured on real test passages</th>
            <th scope="col">measured on long real posts</th>
            <th scope="col">measured on real channel posts</th>
          </tr>
        </thead>
        <tbody>
          {precision.narratives.map((n) => {
            const evaluation = narratives?.find((d) => d.id === n.narrative)?.evaluation;
            return (
              <tr key={n.narrative} data-narrative={n.narrative}>
                <th scope="row">{narrativeTitle(narratives, n.narrative)}</th>
                <td>{n.precision === null ? 'no verdicts yet' : formatShare(n.precision)}</td>
                <td>{n.confirmed}</td>
                <td>{n.rejected}</td>
                <td>{n.added}</td>
                <td class="measured">
                  <Measured evaluation={evaluation} />
                </td>
                <td class="measured-long">
                  <Measured evaluation={evaluation} on="long" />
                </td>
                <td class="measured-telegram">
                  <Measured evaluation={evaluation} on="telegram" />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Measured figures of a narrative's tags: on the locked test passages, on the long real posts, or on
 * the test split's whole Telegram channel posts, so a count of tags can be read with its error rate.
 */
function Measured({
  evaluation: e,
  on: set = 'test',
}: {
  evaluation: Narrative['evaluation'];
  on?: 'test' | 'long' | 'telegram';
}) {
  const m = e && { test: e, long: e.longPosts, telegram: e.telegramPosts }[set];
  if (!e || !m) return <>not measured</>;
  const share = (x: number | null) => (x === null ? '–' : formatShare(x));
  const on = 'posts' in m ? `${m.posts} posts` : `${e.passages} passages`;
  return (
    <>
      precision {share(m.precision)}, recall {share(m.recall)} on {on}
      {!e.current && ' (for an earlier model: re-run cw narratives eval)'}
    </>
  );
}
