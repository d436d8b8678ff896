// Builds the console before `npm start` when dist/web is missing or older than its sources,
// so that a start after the first build is fast.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const index = 'dist/web/index.html';
const newest = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const p = path.join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);

const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
const sourcesAt = Math.max(newest('src/web'), newest('src/shared'), fs.statSync('vite.config.ts').mtimeMs);
if (builtAt < sourcesAt) {
  console.log('Building the console (first start only)…');
  execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
}
