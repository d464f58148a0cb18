import { get, type Narrative, type PostsPage, type TopChannel, type Trends } from '../api.ts';
import { Chart } from '../chart.tsx';
import { daysAgo, formatDay, formatNumber, formatShare } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { href, navigate, paramsOf, type Route } from '../route.ts';
import { visible } from '../text.tsx';
import {
  FilterForm,
  narrativeOptions,
  narrativeTitle,
  SelectField,
  Status,
  TextField,
  type ViewProps,
  ViewTitle,
} from '../ui.tsx';

// Top channels for a narrative, and a channel's own page: its activity per day, the share of its
// posts carrying each narrative, and the channels it forwards from.

export function Channels({ route, narratives }: { route: Route; narratives: Narrative[] | undefined }) {
  const p = paramsOf(route);
  const query = { narrative: p['narrative'], from: p['from'] ?? daysAgo(30), to: p['to'], limit: 25 };
  const top = useLoad(JSON.stringify(query), () =>
    get<{ narrativePosts: number; channels: TopChannel[] }>('/v1/channels/top', query),
  );
  return (
    <section aria-labelledby="view-title">
      <ViewTitle>Top channels</ViewTitle>
      <FilterForm
        key={JSON.stringify(p)}
        active={Object.keys(p).length}
        label="Channel filters"
        onSubmit={(v) => navigate('channels', v)}
      >
        <SelectField
          name="narrative"
          label="Narrative"
          value={p['narrative']}
          options={narrativeOptions(narratives, 'any narrative')}
        />
        <TextField name="from" label="From" type="date" value={query.from.slice(0, 10)} />
        <TextField name="to" label="To (exclusive)" type="date" value={p['to']?.slice(0, 10)} />
      </FilterForm>
      <Status loading={top.loading} error={top.error} />
      {top.data && (
        <div class="scroll-x">
          <table>
            <caption>
              Channels by posts carrying{' '}
              {p['narrative'] ? narrativeTitle(narratives, p['narrative']) : 'a narrative'} (
              {formatNumber(top.data.narrativePosts)} posts)
            </caption>
            <thead>
              <tr>
                <th scope="col">channel</th>
                <th scope="col">posts</th>
                <th scope="col">share</th>
                <th scope="col">forwards</th>
                <th scope="col">all its posts</th>
              </tr>
            </thead>
            <tbody>
              {top.data.channels.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <a href={href('channel', { channel: c.id })}>{visible(c.title ?? c.username ?? c.id)}</a>
                  </th>
                  <td>
                    <a
                      href={href('posts', {
                        channel: c.id,
                        narrative: p['narrative'],
                        from: query.from,
                        to: p['to'],
                      })}
                    >
                      {formatNumber(c.posts)}
                    </a>
                  </td>
                  <td>{formatShare(c.share)}</td>
                  <td>{formatNumber(c.forwards)}</td>
                  <td>{formatNumber(c.channelPosts)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type Sources = {
  forwards: number;
  sources: { id?: string; username?: string; name?: string; posts: number }[];
};

export function ChannelPage({ route, narratives, tz }: ViewProps) {
  const p = paramsOf(route);
  const channel = p['channel'] ?? '';
  const from = p['from'] ?? daysAgo(30, tz);
  const query = { channel, from, interval: 'day', tz };
  const activity = useLoad(JSON.stringify(query), () => get<Trends>('/v1/trends', query));
  const forwards = useLoad(`fwd|${channel}|${from}`, () =>
    get<Sources>('/v1/channels/forward-sources', { channel, from, limit: 15 }),
  );
  // The channel's name, from its latest post (the id or username is what the address holds).
  const latest = useLoad(`latest|${channel}`, () => get<PostsPage>('/v1/posts', { channel, limit: 1 }));
  const data = activity.data;
  const named = latest.data?.hits[0]?.channel;
  const title = named?.title ?? (named?.username ? `@${named.username}` : channel);
  return (
    <section aria-labelledby="view-title">
      <ViewTitle>Channel {visible(title)}</ViewTitle>
      <p>
        <a href={href('posts', { channel, from })}>All its posts</a>
      </p>
      <Status loading={activity.loading} error={activity.error} />
      {data && (
        <>
          <p class="summary">
            {formatNumber(data.totals.posts)} posts since {formatDay(data.from, tz)};{' '}
            {data.keys
              .map(
                (k) =>
                  `${narrativeTitle(narratives, k)}: ${formatNumber(data.totals.counts[k])} (${formatShare((data.totals.counts[k] ?? 0) / Math.max(1, data.totals.posts))})`,
              )
              .join(', ') || 'no narrative'}
          </p>
          <Chart
            label={`Posts of ${title} per day, all and per narrative`}
            categories={data.buckets.map((b) => formatDay(b.start, tz))}
            series={[
              { name: 'all posts', data: data.buckets.map((b) => b.total) },
              ...data.keys.map((k) => ({
                name: narrativeTitle(narratives, k),
                data: data.buckets.map((b) => b.counts[k] ?? 0),
              })),
            ]}
            kind="bar"
          />
          <details class="table-box">
            <summary>Table of the numbers</summary>
            <div class="scroll-x">
              <table>
                <caption>Posts per day ({tz})</caption>
                <thead>
                  <tr>
                    <th scope="col">day</th>
                    <th scope="col">all posts</th>
                    {data.keys.map((k) => (
                      <th scope="col" key={k}>
                        {narrativeTitle(narratives, k)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.buckets.map((b) => (
                    <tr key={b.start}>
                      <th scope="row">{formatDay(b.start, tz)}</th>
                      <td>{b.total}</td>
                      {data.keys.map((k) => (
                        <td key={k}>
                          {b.counts[k] ?? 0} ({formatShare(b.shares[k] ?? 0)})
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
      <h2>Forwards from</h2>
      <Status loading={forwards.loading} error={forwards.error} />
      {forwards.data && (
        <>
          <p class="muted">{forwards.data.forwards} of its posts in the window are forwards.</p>
          {forwards.data.sources.length === 0 ? (
            <p>It forwarded nothing in the window.</p>
          ) : (
            <ul class="sources">
              {forwards.data.sources.map((s) => {
                const label = s.username ? `@${s.username}` : (s.name ?? s.id ?? 'a hidden source');
                const target = s.id ?? s.username;
                return (
                  <li key={`${s.id ?? ''}|${s.name ?? ''}`}>
                    {target ? (
                      <a href={href('channel', { channel: target })}>{visible(label)}</a>
                    ) : (
                      visible(label)
                    )}
                    {s.name && s.username ? ` (${visible(s.name)})` : ''}: {s.posts}
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
