import { useState } from 'preact/hooks';
import { type FeedbackEntry, get, type Post, type PostsPage } from '../api.ts';
import { daysAgo } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { navigate, paramsOf } from '../route.ts';
import {
  FilterForm,
  FORWARD,
  LANGS,
  narrativeOptions,
  SelectField,
  Status,
  TextField,
  type ViewProps,
  ViewTitle,
} from '../ui.tsx';
import { PostCard } from './post-card.tsx';

// The search with its filters; each post with its evidence and the feedback controls.

const FILTERS = [
  'narrative',
  'lang',
  'channel',
  'forward',
  'q',
  'from',
  'to',
  'sort',
  'deleted',
  'edited',
] as const;

export function Posts({ route, narratives, tz }: ViewProps) {
  const p = paramsOf(route);
  const query = Object.fromEntries(FILTERS.map((f) => [f, p[f]]));
  query['from'] ??= daysAgo(30, tz);
  const [pages, setPages] = useState<{ key: string; hits: Post[]; next?: string | undefined }>();
  const key = JSON.stringify(query);
  const first = useLoad(key, async () => {
    const page = await get<PostsPage>('/v1/posts', { ...query, limit: 25 });
    setPages({ key, hits: page.hits, next: page.nextCursor });
    return page;
  });
  const hits = pages?.key === key ? pages.hits : [];
  const ids = hits.map((h) => h.id);
  const feedback = useLoad(`${key}|${ids.length}`, async () =>
    ids.length
      ? (await get<{ feedback: FeedbackEntry[] }>('/v1/feedback', { postId: ids.join(',') })).feedback
      : [],
  );
  const [more, setMore] = useState<{ loading: boolean; error?: string }>({ loading: false });
  const loadMore = async () => {
    if (!pages?.next) return;
    setMore({ loading: true });
    try {
      const page = await get<PostsPage>('/v1/posts', { ...query, limit: 25, cursor: pages.next });
      setPages({ key, hits: [...pages.hits, ...page.hits], next: page.nextCursor });
      setMore({ loading: false });
    } catch (err) {
      setMore({ loading: false, error: String(err) });
    }
  };
  const total = first.data?.total;
  return (
    <section aria-labelledby="view-title">
      <ViewTitle>Posts</ViewTitle>
      <FilterForm
        key={key}
        active={FILTERS.filter((f) => p[f]).length}
        label="Post filters"
        onSubmit={(v) => navigate('posts', v)}
      >
        <TextField name="q" label="Text" value={p['q']} placeholder="words, &quot;phrase&quot;, -not" />
        <SelectField
          name="narrative"
          label="Narrative"
          value={p['narrative']}
          options={narrativeOptions(narratives)}
        />
        <SelectField name="lang" label="Language" value={p['lang']} options={LANGS} />
        <TextField name="channel" label="Channel" value={p['channel']} placeholder="username or id" />
        <SelectField name="forward" label="Forwards" value={p['forward']} options={FORWARD} />
        <SelectField
          name="deleted"
          label="Deleted"
          value={p['deleted']}
          options={[
            { value: '', label: 'all posts' },
            { value: 'true', label: 'deleted only' },
          ]}
        />
        <SelectField
          name="edited"
          label="Edited"
          value={p['edited']}
          options={[
            { value: '', label: 'all posts' },
            { value: 'true', label: 'edited only' },
          ]}
        />
        <TextField
          name="from"
          label="From"
          value={p['from'] ?? query['from']}
          placeholder="2026-11-01 or date-time"
        />
        <TextField name="to" label="To (exclusive)" value={p['to']} placeholder="date or date-time" />
        <SelectField
          name="sort"
          label="Sort"
          value={p['sort']}
          options={[
            { value: '', label: 'newest (or best match)' },
            { value: 'time', label: 'time' },
            { value: 'views', label: 'views' },
            { value: 'forwards', label: 'forwards' },
            { value: 'relevance', label: 'relevance' },
          ]}
        />
      </FilterForm>
      <Status loading={first.loading} error={first.error} />
      {total && (
        <p class="summary" data-total={total.value}>
          {total.exact ? total.value : `more than ${total.value}`} posts
        </p>
      )}
      <ol class="posts">
        {hits.map((h) => (
          <li key={h.id}>
            <PostCard
              post={h}
              narratives={narratives}
              tz={tz}
              feedback={feedback.data?.filter((f) => f.postId === h.id) ?? []}
              onFeedback={feedback.reload}
            />
          </li>
        ))}
      </ol>
      {pages?.next && pages.key === key && (
        <button type="button" onClick={loadMore} disabled={more.loading}>
          {more.loading ? 'Loading…' : 'More posts'}
        </button>
      )}
      {more.error && (
        <p class="error" role="alert">
          {more.error}
        </p>
      )}
    </section>
  );
}
