import { useState } from 'preact/hooks';

type Theme = 'auto' | 'light' | 'dark';
const KEY = 'switchyard.theme';

const stored = (): Theme => {
  const t = localStorage.getItem(KEY);
  return t === 'light' || t === 'dark' ? t : 'auto';
};

/** Sets the page's theme: the system's (auto) unless the user chose light or dark. */
export function applyTheme(t: Theme = stored()): void {
  if (t === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored());
  const next: Record<Theme, Theme> = { auto: 'light', light: 'dark', dark: 'auto' };
  const change = (): void => {
    const t = next[theme];
    if (t === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
    applyTheme(t);
    setTheme(t);
  };
  return <button type="button" class="theme" onClick={change} aria-label={`Theme: ${theme} (change)`}>Theme: {theme}</button>;
}
