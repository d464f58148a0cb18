import { useState } from 'preact/hooks';
import { type Cluster, type ClusterPost, get } from '../api.ts';
import { daysAgo, formatTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { href, navigate, paramsOf, type Route } from '../route.ts';
import { telegramUrl, visible } from '../text.tsx';
import { FilterForm, SelectField, Status, TextField, ViewTitle } from '../ui.tsx';

// Copy-paste clusters across channels, each with every member post and its time.

function Members({ cluster, from, to, tz }: { cluster: Cluster; from: string; to: string; tz: string }) {
  const members = useLoad(cluster.fingerprints.join(','), () =>
    get<{ posts: ClusterPost[] }>('/v1/clusters/posts', {
      fingerprint: cluster.fingerprints.join(','),
      from,
      to,
      forward: 'false',
    }),
  );
  return (
    <>
      <Status loading={members.loading} error={members.error} />
      {members.data && (
        <ol class="members">
          {members.data.posts.map((p) => {
            const link = telegramUrl(p.url);
            return (
              <li key={p.id}>
                <time dateTime={p.postedAt}>{formatTime(p.postedAt, tz)}</time>{' '}
                <a href={href('channel', { channel: p.channel.id })}>
                  {visible(p.channel.username ?? p.channel.id)}
                </a>{' '}
                {link && (
                  <a href={link} rel="noopener noreferrer" target="_blank">
                    t.me<span class="visually-hidden"> post {p.id}</span>
                  </a>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}

/** The member posts are asked for when the analyst opens the list, not for every cluster up front. */
function MembersBox(props: { cluster: Cluster; from: string; to: string; tz: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Every post of it ({props.cluster.posts})</summary>
      {open && <Members {...props} />}
    </details>
  );
}

export function Campaigns({ route, tz }: { route: Route; tz: string }) {
  const p = paramsOf(route);
  const from = p['from'] ?? daysAgo(30, tz);
  // No default `to`: the API's is now, and a moving value here would make a new query each render.
  const query = { from, to: p['to'], minChannels: p['minChannels'] ?? '3', forward: 'false', limit: 20 };
  const found = useLoad(JSON.stringify(query), () =>
    get<{ from: string; to: string; clusters: Cluster[] }>('/v1/clusters', query),
  );
  return (
    <section aria-labelledby="view-title">
      <ViewTitle>Copy-paste campaigns</ViewTitle>
      <FilterForm
        key={JSON.stringify(p)}
        active={Object.keys(p).length}
        label="Campaign filters"
        onSubmit={(v) => navigate('campaigns', v)}
      >
        <TextField name="from" label="From" type="date" value={from.slice(0, 10)} />
        <SelectField
          name="minChannels"
          label="Seen in at least"
          value={query.minChannels}
          options={['2', '3', '5', '10'].map((n) => ({ value: n, label: `${n} channels` }))}
        />
      </FilterForm>
      <Status loading={found.loading} error={found.error} />
      {found.data?.clusters.length === 0 && <p>No copied text in the window.</p>}
      <ol class="clusters">
        {found.data?.clusters.map((c) => (
          <li key={c.fingerprints.join(',')}>
            <article
              aria-label={`Campaign first posted by ${c.first.channel.username ?? c.first.channel.id}`}
            >
              <h2>
                {c.posts} posts in {c.channelCount} channels
              </h2>
              <p>
                First: {visible(c.first.channel.username ?? c.first.channel.id)} at{' '}
                {formatTime(c.first.postedAt, tz)}
              </p>
              <blockquote dir="auto">{visible(c.first.text)}</blockquote>
              <MembersBox cluster={c} from={found.data?.from ?? from} to={found.data?.to ?? ''} tz={tz} />
            </article>
          </li>
        ))}
      </ol>
    </section>
  );
}
