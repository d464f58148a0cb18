import { get, type Narrative, type Post, type PostsPage, type TopChannel, type Trends } from '../api.ts';
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
      <FilterForm key={JSON.stringify(p)} label="Channel filters" onSubmit={(v) => navigate('channels', v)}>
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

function forwardSources(posts: Post[]) {
  const counts = new Map<string, { label: string; username?: string | undefined; count: number }>();
  for (const post of posts) {
    const f = post.forward;
    if (!f) continue;
    const key = f.fromChannelId ?? f.fromUsername ?? f.fromName ?? 'hidden';
    const entry = counts.get(key) ?? {
      label: f.fromUsername ? `@${f.fromUsername}` : (f.fromName ?? key),
      username: f.fromUsername,
      count: 0,
    };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 15);
}

export function ChannelPage({
  route,
  narratives,
  tz,
}: {
  route: Route;
  narratives: Narrative[] | undefined;
  tz: string;
}) {
  const p = paramsOf(route);
  const channel = p['channel'] ?? '';
  const from = p['from'] ?? daysAgo(30, tz);
  const query = { channel, from, interval: 'day', tz };
  const activity = useLoad(JSON.stringify(query), () => get<Trends>('/v1/trends', query));
  const forwards = useLoad(`fwd|${channel}|${from}`, () =>
    get<PostsPage>('/v1/posts', { channel, from, forward: true, limit: 500 }),
  );
  // The channel's name, from its latest post (the id or username is what the address holds).
  const latest = useLoad(`latest|${channel}`, () => get<PostsPage>('/v1/posts', { channel, limit: 1 }));
  const data = activity.data;
  const named = latest.data?.hits[0]?.channel;
  const title = named?.title ?? (named?.username ? `@${named.username}` : channel);
  const sources = forwardSources(forwards.data?.hits ?? []);
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
          <p class="muted">Among its latest {forwards.data.hits.length} forwarded posts in the window.</p>
          {sources.length === 0 ? (
            <p>It forwarded nothing in the window.</p>
          ) : (
            <ul>
              {sources.map((s) => (
                <li key={s.label}>
                  {s.username ? (
                    <a href={href('channel', { channel: s.username })}>{visible(s.label)}</a>
                  ) : (
                    visible(s.label)
                  )}
                  : {s.count}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
