import { StrictMode, startTransition } from 'react';
import { config } from 'zod/v4/core';
import { createRoot } from 'react-dom/client';
import { QiyueApp } from './app';
import { LocaleProvider } from './i18n';

// zod probes for eval (new Function) to compile its parsers; the console's Content-Security-Policy
// forbids eval, and the refused probe shows up as a browser issue. Interpreted parsing is enough.
config({ jitless: true });

/**
 * antd's prebuilt CSS (vite.config.ts, antdStaticStyle), preloaded by index.html: applied before
 * the first render, for antd to see which of its styles it need not write. Without it (the
 * development server, a failed download) antd writes them all, as it always could.
 */
async function applyAntdStyle(): Promise<void> {
  const preload = document.querySelector<HTMLLinkElement>('link[rel="preload"][data-antd-style]');
  if (!preload) return;
  const sheet = document.createElement('link');
  sheet.rel = 'stylesheet';
  sheet.href = preload.href;
  const settled = new Promise<void>((resolve) => {
    sheet.onload = () => resolve();
    sheet.onerror = () => resolve();
  });
  // Where antd puts its own styles, ahead of everything else in the head.
  preload.after(sheet);
  await settled;
}

await applyAntdStyle();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

// A transition renders in slices that yield to the browser every few milliseconds: on a slow
// phone the console's first render of antd is long, and the static header stays on screen meanwhile.
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <LocaleProvider>
        <QiyueApp />
      </LocaleProvider>
    </StrictMode>,
  );
});
