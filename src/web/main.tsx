import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QiyueApp } from './app';
import { LocaleProvider } from './i18n';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <LocaleProvider>
      <QiyueApp />
    </LocaleProvider>
  </StrictMode>,
);
