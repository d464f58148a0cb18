import { useState } from 'preact/hooks';
import {
  type FeedbackEntry,
  get,
  type Narrative,
  type Post,
  type PostVersion,
  put,
  type Verdict,
} from '../api.ts';
import { formatNumber, formatTime } from '../format.ts';
import { href } from '../route.ts';
import { PostText, telegramUrl, visible } from '../text.tsx';
import { narrativeTitle } from '../ui.tsx';

// One post: where and when, its numbers, the text with the evidence marked, what tagged it and
// why, its history, and the analyst's verdict per narrative. Every string from the post is a text
// node; the only links made are to t.me and to this page.

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

function channelName(c: Post['channel']) {
  return visible(c.title ?? (c.username ? `@${c.username}` : c.id));
}

function Evidence({ post, narratives }: { post: Post; narratives: Narrative[] | undefined }) {
  return (
    <ul class="evidence">
      {post.narrativeEvidence.map((e) => (
        <li key={e.narrative} data-narrative={e.narrative}>
          <strong>{narrativeTitle(narratives, e.narrative)}</strong>
          {e.signals.length > 0 && (
            <span>
              {' '}
              rule terms:{' '}
              {e.signals.map((s, i) => (
                <span key={i}>
                  {i > 0 && ', '}
                  <mark class="term">{visible(s.matched)}</mark>
                  <span class="muted"> ({visible(s.group)})</span>
                </span>
              ))}
            </span>
          )}
          {e.classifier && (
            <span class="classifier">
              {' '}
              classifier score {e.classifier.score.toFixed(2)} (threshold {e.classifier.threshold.toFixed(2)})
              {e.classifier.stance !== undefined && `, stance ${e.classifier.stance.toFixed(2)}`}
              {e.classifier.paragraphs && `, read in paragraphs ${e.classifier.paragraphs.join(' and ')}`}
            </span>
          )}
          {e.nearest && e.nearest.length > 0 && (
            <details>
              <summary>Nearest labelled passages ({e.nearest.length})</summary>
              <ul>
                {e.nearest.map((n, i) => {
                  const safe = /^https:\/\//.test(n.url) ? n.url : undefined;
                  return (
                    <li key={i}>
                      <q>{visible(n.text)}</q>{' '}
                      <span class="muted">
                        similarity {n.similarity.toFixed(2)}; {n.narratives.join(', ') || 'no narrative'}
                      </span>{' '}
                      {safe && (
                        <a href={safe} rel="noopener noreferrer" target="_blank">
                          source<span class="visually-hidden"> of labelled passage {i + 1}</span>
                        </a>
                      )}
                    </li>
                  );
                })}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}

function History({ post, tz }: { post: Post; tz: string }) {
  const [versions, setVersions] = useState<PostVersion[] | string>();
  if (!post.isEdited) return null;
  return (
    <div class="history">
      <button
        type="button"
        aria-expanded={Array.isArray(versions)}
        onClick={async () => {
          if (Array.isArray(versions)) return setVersions(undefined);
          try {
            setVersions(
              (await get<{ versions: PostVersion[] }>(`/v1/posts/${encodeURIComponent(post.id)}`)).versions,
            );
          } catch (err) {
            setVersions(String(err));
          }
        }}
      >
        {Array.isArray(versions) ? 'Hide earlier versions' : 'Show earlier versions'}
      </button>
      {typeof versions === 'string' && <p class="error">{versions}</p>}
      {Array.isArray(versions) && (
        <ol class="versions">
          {versions.length === 0 && <li>No earlier version was kept.</li>}
          {versions.map((v) => (
            <li key={v.version}>
              <span class="muted">
                {v.editedAt ? `edited ${formatTime(v.editedAt, tz)}` : 'first version'}
              </span>
              <PostText text={v.text} evidence={[]} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

const VERDICT_WORD: Record<Verdict, string> = { confirm: 'confirmed', reject: 'rejected', add: 'added' };

function Feedback(props: {
  post: Post;
  narratives: Narrative[] | undefined;
  feedback: FeedbackEntry[];
  onSaved: () => void;
}) {
  const { post } = props;
  const [state, setState] = useState<{ saving?: boolean; message?: string; error?: string }>({});
  const untagged = (props.narratives ?? []).filter((n) => !post.narratives.includes(n.id));
  const noteId = `note-${post.id}`;
  const send = async (narrative: string, verdict: Verdict, form: HTMLFormElement) => {
    const note = String(new FormData(form).get('note') ?? '');
    setState({ saving: true });
    try {
      await put('/v1/feedback', { postId: post.id, narrative, verdict, ...(note.trim() ? { note } : {}) });
      setState({
        message: `Saved: ${narrativeTitle(props.narratives, narrative)} ${VERDICT_WORD[verdict]}.`,
      });
      props.onSaved();
    } catch (err) {
      setState({ error: String(err instanceof Error ? err.message : err) });
    }
  };
  return (
    <form class="feedback" aria-label={`Feedback on post ${post.id}`} onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Is the tagging right?</legend>
        {props.feedback.length > 0 && (
          <ul class="verdicts">
            {props.feedback.map((f) => (
              <li key={`${f.key}|${f.narrative}`} data-verdict={f.verdict} data-narrative={f.narrative}>
                {f.key}: {narrativeTitle(props.narratives, f.narrative)} {VERDICT_WORD[f.verdict]}
                {f.note ? ` (${visible(f.note)})` : ''}
              </li>
            ))}
          </ul>
        )}
        <label class="field">
          <span>Note (optional)</span>
          <input id={noteId} name="note" maxLength={2000} />
        </label>
        <div class="buttons">
          {post.narratives.map((n) => (
            <span class="pair" key={n}>
              <button
                type="button"
                disabled={state.saving}
                onClick={(e) => send(n, 'confirm', e.currentTarget.form as HTMLFormElement)}
              >
                Confirm {narrativeTitle(props.narratives, n)}
              </button>
              <button
                type="button"
                class="reject"
                disabled={state.saving}
                onClick={(e) => send(n, 'reject', e.currentTarget.form as HTMLFormElement)}
              >
                Reject {narrativeTitle(props.narratives, n)}
              </button>
            </span>
          ))}
          {untagged.map((n) => (
            <button
              type="button"
              key={n.id}
              disabled={state.saving}
              onClick={(e) => send(n.id, 'add', e.currentTarget.form as HTMLFormElement)}
            >
              Add {n.title}
            </button>
          ))}
        </div>
        <p role="status" class={state.error ? 'error' : 'status'}>
          {state.error ?? state.message ?? ''}
        </p>
      </fieldset>
    </form>
  );
}

export function PostCard(props: {
  post: Post;
  narratives: Narrative[] | undefined;
  tz: string;
  feedback: FeedbackEntry[];
  onFeedback: () => void;
}) {
  const { post, tz } = props;
  const link = telegramUrl(post.url);
  const fwd = post.forward;
  const fwdUser = fwd?.fromUsername && USERNAME.test(fwd.fromUsername) ? fwd.fromUsername : undefined;
  return (
    <article
      class={`post${post.isDeleted ? ' deleted' : ''}`}
      data-post-id={post.id}
      aria-label={`Post ${post.id}`}
    >
      <header>
        <a href={href('channel', { channel: post.channel.id })}>{channelName(post.channel)}</a>{' '}
        <time dateTime={post.postedAt}>{formatTime(post.postedAt, tz)}</time>
        <span class="muted">
          {' '}
          · {formatNumber(post.metrics?.views)} views · {formatNumber(post.metrics?.forwards)} forwards · lang{' '}
          {post.lang}
        </span>
      </header>
      <p class="marks">
        {post.narratives.map((n) => (
          <span class="tag" key={n} data-narrative={n}>
            {narrativeTitle(props.narratives, n)}
          </span>
        ))}
        {post.isEdited && (
          <span class="badge">edited{post.editedAt ? ` ${formatTime(post.editedAt, tz)}` : ''}</span>
        )}
        {post.isDeleted && (
          <span class="badge deleted-mark">
            deleted{post.deletedAt ? ` ${formatTime(post.deletedAt, tz)}` : ''}
          </span>
        )}
      </p>
      {fwd && (
        <p class="forward">
          Forwarded from{' '}
          {fwdUser ? (
            <a
              href={`https://t.me/${fwdUser}${fwd.fromMessageId ? `/${fwd.fromMessageId}` : ''}`}
              rel="noopener noreferrer"
              target="_blank"
            >
              @{fwdUser}
            </a>
          ) : (
            visible(fwd.fromName ?? fwd.fromChannelId ?? 'a hidden source')
          )}
          {fwd.postedAt ? `, posted ${formatTime(fwd.postedAt, tz)}` : ''}
        </p>
      )}
      <PostText text={post.text} evidence={post.narrativeEvidence} />
      {post.narrativeEvidence.length > 0 && <Evidence post={post} narratives={props.narratives} />}
      <History post={post} tz={tz} />
      <p>
        {link ? (
          <a href={link} rel="noopener noreferrer" target="_blank">
            Open on t.me<span class="visually-hidden"> (post {post.id})</span>
          </a>
        ) : (
          <span class="muted">no t.me link</span>
        )}
      </p>
      <Feedback
        post={post}
        narratives={props.narratives}
        feedback={props.feedback}
        onSaved={props.onFeedback}
      />
    </article>
  );
}
