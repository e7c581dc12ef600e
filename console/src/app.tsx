import { useEffect, useRef, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { api, ApiError, onUnauthorized, session } from './api';
import { WhoContext, type Who } from './ui/session';
import { Problem } from './ui/parts';
import { SignIn } from './pages/sign-in';
import { pages } from './pages';
import { ThemeToggle } from './ui/theme';

function Nav({ who, onSignOut }: { who: Who; onSignOut: () => void }) {
  const { path } = useLocation();
  const current = (href: string): boolean => (href === '/console/' ? path === '/console/' || path === '/console' : path.startsWith(href));
  return (
    <header class="top">
      <a class="brand" href="/console/">Switchyard</a>
      <nav aria-label="Console pages">
        <ul>
          {pages.filter((p) => p.nav !== undefined).map((p) => (
            <li key={p.path}><a href={p.nav!.href} aria-current={current(p.nav!.href) ? 'page' : undefined}>{p.nav!.label}</a></li>
          ))}
        </ul>
      </nav>
      <div class="top-tools">
        <ThemeToggle />
        {who.auth === 'key' && <button type="button" onClick={onSignOut}>Sign out</button>}
      </div>
    </header>
  );
}

/** The console: asks the server what the session's key may do, then shows the pages it allows. */
export function App() {
  const [who, setWho] = useState<Who | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [needKey, setNeedKey] = useState(false);
  // On a move to another page (not a new query on the same page), focus goes to its content, as
  // a full page load would put a keyboard or screen-reader user at its start.
  const shownPath = useRef(location.pathname);
  const routed = (url: string): void => {
    const p = url.split('?')[0];
    if (p === shownPath.current) return;
    shownPath.current = p ?? '';
    document.getElementById('main')?.focus();
  };

  const check = (): void => {
    api<Who>('/v1/whoami').then((w) => {
      setWho(w);
      setNeedKey(false);
      setError(undefined);
    }, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) {
        session.clear();
        setWho(undefined);
        setNeedKey(true);
      } else setError(e instanceof Error ? e : new Error(String(e)));
    });
  };
  useEffect(check, []);
  useEffect(() => onUnauthorized(() => {
    session.clear();
    setWho(undefined);
    setNeedKey(true);
  }), []);

  const signOut = (): void => {
    session.clear();
    setWho(undefined);
    setNeedKey(true);
  };

  if (error !== undefined) return <main id="main" class="page"><h1>Switchyard</h1><Problem error={error} /></main>;
  if (needKey) return <SignIn onSignedIn={(w) => { setWho(w); setNeedKey(false); }} />;
  if (who === undefined) return <main id="main" class="page" aria-busy="true"><p>Loading…</p></main>;
  return (
    <WhoContext.Provider value={who}>
      <LocationProvider scope="/console">
        <a class="skip" href="#main">Skip to content</a>
        <Nav who={who} onSignOut={signOut} />
        <main id="main" class="page" tabIndex={-1}>
          <Router onRouteChange={routed}>
            {pages.map((p) => <Route key={p.path} path={p.path} component={p.component} />)}
            <Route default component={NotFound} />
          </Router>
        </main>
      </LocationProvider>
    </WhoContext.Provider>
  );
}

function NotFound() {
  return <><h1>Not found</h1><p>This page does not exist. <a href="/console/">Back to the overview</a>.</p></>;
}
