import { useState } from 'preact/hooks';
import { api, session } from '../../api';
import { Problem } from '../../ui/parts';
import type { Who } from '../../ui/session';

/** Sign-in with an API key: checked with the server, kept in sessionStorage (this tab only). */
export function SignIn({ onSignedIn }: { onSignedIn: (who: Who) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<Error | undefined>(undefined);
  const submit = (e: Event): void => {
    e.preventDefault();
    api<Who>('/v1/whoami', { key }).then((who) => {
      session.set(key);
      onSignedIn(who);
    }, (err: unknown) => setError(err instanceof Error ? err : new Error(String(err))));
  };
  return (
    <main id="main" class="page signin">
      <h1>Sign in to Switchyard</h1>
      <p>This server requires an API key. It is kept for this browser tab only.</p>
      <form onSubmit={submit}>
        <label class="field" for="api-key"><span>API key</span>
          <input id="api-key" type="password" autocomplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} required />
        </label>
        <button type="submit" class="primary">Sign in</button>
      </form>
      <Problem error={error} />
    </main>
  );
}
