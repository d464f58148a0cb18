// First: the Trusted Types policy must exist before any library touches the DOM.
import './trusted-types.ts';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, type Narrative, post } from './api.ts';
import { credential, onAuthChange, signIn, signOut, takeSignInToken } from './auth.ts';
import { setTimeZone, TIME_ZONES, timeZone } from './format.ts';
import { useLoad } from './hooks.ts';
import { href, type Route, useRoute, type View } from './route.ts';
import { Alerts } from './views/alerts.tsx';
import { Campaigns } from './views/campaigns.tsx';
import { ChannelPage, Channels } from './views/channels.tsx';
import { Posts } from './views/posts.tsx';
import { Trends } from './views/trends.tsx';

const NAV: { view: View; label: string }[] = [
  { view: 'trends', label: 'Trends' },
  { view: 'posts', label: 'Posts' },
  { view: 'channels', label: 'Channels' },
  { view: 'alerts', label: 'Alerts' },
  { view: 'campaigns', label: 'Campaigns' },
];

function SignIn({ message }: { message?: string | undefined }) {
  const [error, setError] = useState<string>();
  return (
    <main id="main" class="sign-in">
      <h1>channelwatch workbench</h1>
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      <form
        aria-label="Sign in"
        onSubmit={async (e) => {
          e.preventDefault();
          const key = String(new FormData(e.currentTarget).get('key') ?? '').trim();
          if (!key) return setError('Enter an API key.');
          // Checked before it is kept: a wrong key must not count as a signed-in tab.
          const response = await fetch('/v1/narratives', {
            headers: { authorization: `Bearer ${key}` },
          }).catch(() => undefined);
          if (response?.ok) return signIn(key);
          setError(response?.status === 401 ? 'This key is not accepted.' : 'The API cannot be reached.');
        }}
      >
        <label class="field">
          <span>API key</span>
          <input name="key" type="password" autocomplete="off" required />
        </label>
        <button type="submit">Sign in</button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <p class="hint">
        The key is kept for this browser tab only. `pnpm -s cw demo` prints a one-time sign-in link.
      </p>
    </main>
  );
}

function Shell({ route }: { route: Route }) {
  const narratives = useLoad('narratives', () => get<{ narratives: Narrative[] }>('/v1/narratives'));
  const [tz, setTz] = useState(timeZone());
  const list = narratives.data?.narratives;
  const current = route.view === 'channel' ? 'channels' : route.view;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">channelwatch</span>
        <nav aria-label="Views">
          <ul>
            {NAV.map((n) => (
              <li key={n.view}>
                <a href={href(n.view)} {...(current === n.view ? { 'aria-current': 'page' } : {})}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <label class="field tz">
          <span>Time zone</span>
          <select
            onChange={(e) => {
              setTimeZone(e.currentTarget.value);
              setTz(e.currentTarget.value);
            }}
          >
            {TIME_ZONES.map((z) => (
              <option key={z} value={z} selected={z === tz}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="link" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" key={`${route.view}|${tz}`}>
        {route.view === 'trends' && <Trends route={route} narratives={list} tz={tz} />}
        {route.view === 'posts' && <Posts route={route} narratives={list} tz={tz} />}
        {route.view === 'channels' && <Channels route={route} narratives={list} />}
        {route.view === 'channel' && <ChannelPage route={route} narratives={list} tz={tz} />}
        {route.view === 'alerts' && <Alerts route={route} narratives={list} tz={tz} />}
        {route.view === 'campaigns' && <Campaigns route={route} tz={tz} />}
      </main>
    </>
  );
}

function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => credential() !== null);
  const [message, setMessage] = useState<string>();
  const [pending, setPending] = useState(false);
  useEffect(
    () =>
      onAuthChange((m) => {
        setSignedIn(credential() !== null);
        setMessage(m);
      }),
    [],
  );
  useEffect(() => {
    const token = takeSignInToken();
    if (!token) return;
    setPending(true);
    post<{ session: string }>('/v1/sessions', { token })
      .then((s) => signIn(s.session))
      .catch(() =>
        setMessage(
          'This sign-in link was used already or has expired. Sign in with a key, or ask for a new link.',
        ),
      )
      .finally(() => setPending(false));
  }, []);
  if (pending) return <p role="status">Signing in…</p>;
  return signedIn ? <Shell route={route} /> : <SignIn message={message} />;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
