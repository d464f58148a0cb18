import { type Alert, get } from '../api.ts';
import { formatNumber, formatShare, formatTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { href, navigate, paramsOf } from '../route.ts';
import { telegramUrl, visible } from '../text.tsx';
import {
  FilterForm,
  narrativeOptions,
  narrativeTitle,
  SelectField,
  Status,
  type ViewProps,
  ViewTitle,
} from '../ui.tsx';

// Alerts as a timeline, each explaining itself: observed against expected in its window (local
// time), the channels and posts behind it, and whether one channel or one copied text drives it.

const normalised = (t: string) =>
  t
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .trim();

export function drivers(alert: Alert): string[] {
  const out: string[] = [];
  const top = alert.topChannels?.[0];
  if (top && alert.observed > 0 && top.count / alert.observed >= 0.6) {
    out.push(
      `One channel drives it: ${visible(top.title ?? top.username ?? top.id)} has ${top.count} of ${alert.observed} posts.`,
    );
  }
  const texts = new Map<string, number>();
  for (const p of alert.topPosts ?? []) {
    const t = normalised(p.text).slice(0, 120);
    if (t) texts.set(t, (texts.get(t) ?? 0) + 1);
  }
  const copied = Math.max(0, ...texts.values());
  if (copied >= 2) out.push(`One copied text drives it: ${copied} of its example posts carry the same text.`);
  if (out.length === 0) out.push('Spread over several channels and texts.');
  return out;
}

export function Alerts({ route, narratives, tz }: ViewProps) {
  const p = paramsOf(route);
  const alerts = useLoad(JSON.stringify(p), () =>
    get<{ alerts: Alert[] }>('/v1/alerts', { narrative: p['narrative'], status: p['status'], limit: 50 }),
  );
  return (
    <section aria-labelledby="view-title">
      <ViewTitle>Alerts</ViewTitle>
      <FilterForm
        key={JSON.stringify(p)}
        active={Object.keys(p).length}
        label="Alert filters"
        onSubmit={(v) => navigate('alerts', v)}
      >
        <SelectField
          name="narrative"
          label="Narrative"
          value={p['narrative']}
          options={narrativeOptions(narratives)}
        />
        <SelectField
          name="status"
          label="Status"
          value={p['status']}
          options={[
            { value: '', label: 'any status' },
            { value: 'open', label: 'open' },
            { value: 'resolved', label: 'resolved' },
          ]}
        />
      </FilterForm>
      <Status loading={alerts.loading} error={alerts.error} />
      {alerts.data?.alerts.length === 0 && <p>No alert has been raised.</p>}
      <ol class="timeline">
        {alerts.data?.alerts.map((a) => (
          <li key={a.id}>
            <article class="alert" aria-label={`Alert ${narrativeTitle(narratives, a.narrative)}`}>
              <h2>
                {narrativeTitle(narratives, a.narrative)}: {a.observed} posts where {a.expected.toFixed(1)}{' '}
                were expected
              </h2>
              <p>
                Window {formatTime(a.windowStart, tz)} – {formatTime(a.windowEnd, tz)} ({tz}); status{' '}
                {a.status}; score {a.score.toFixed(1)}
                {a.share !== undefined && a.expectedShare !== undefined
                  ? `; share of all posts ${formatShare(a.share)} against ${formatShare(a.expectedShare)}`
                  : ''}
              </p>
              <ul class="drivers">
                {drivers(a).map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
              {a.topChannels && a.topChannels.length > 0 && (
                <p>
                  Top channels:{' '}
                  {a.topChannels.map((c, i) => (
                    <span key={c.id}>
                      {i > 0 && ', '}
                      <a href={href('channel', { channel: c.id })}>
                        {visible(c.title ?? c.username ?? c.id)}
                      </a>{' '}
                      ({formatNumber(c.count)})
                    </span>
                  ))}
                </p>
              )}
              {a.topPosts && a.topPosts.length > 0 && (
                <details>
                  <summary>Example posts ({a.topPosts.length})</summary>
                  <ul>
                    {a.topPosts.map((post) => {
                      const link = telegramUrl(post.url);
                      return (
                        <li key={post.id}>
                          <q dir="auto">{visible(post.text.slice(0, 300))}</q>{' '}
                          {link && (
                            <a href={link} rel="noopener noreferrer" target="_blank">
                              t.me<span class="visually-hidden"> post {post.id}</span>
                            </a>
                          )}
                        </li>
                      );
                    })}
                  </ul>
                </details>
              )}
              <p>
                <a href={href('posts', { narrative: a.narrative, from: a.windowStart, to: a.windowEnd })}>
                  All posts of the window
                </a>
              </p>
            </article>
          </li>
        ))}
      </ol>
    </section>
  );
}
