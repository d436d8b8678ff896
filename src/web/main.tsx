import 'virtual:antd-static.css';
import { StrictMode, startTransition } from 'react';
import { config } from 'zod/v4/core';
import { createRoot } from 'react-dom/client';
import { QiyueApp } from './app';
import { LocaleProvider } from './i18n';

// zod probes for eval (new Function) to compile its parsers; the console's Content-Security-Policy
// forbids eval, and the refused probe shows up as a browser issue. Interpreted parsing is enough.
config({ jitless: true });

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
