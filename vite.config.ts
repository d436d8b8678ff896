import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { consoleTheme } from './src/web/theme.js';

const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

/**
 * Writes `.br` and `.gz` beside every text asset at the highest levels, once per build, so the
 * server sends them as they are (@fastify/static `preCompressed`) instead of compressing per request.
 */
function precompress(): Plugin {
  const compressible = /\.(js|mjs|css|html|svg|json|txt|map)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return {
    name: 'qiyue-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!compressible.test(file)) continue;
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

/**
 * antd's CSS for the parts of it the console's usual pages show, rendered once at build time
 * with the console's theme, as `assets/antd-[hash].css`. antd writes its CSS at run time
 * otherwise, part by part on first use, which on a phone is a good share of the first render;
 * the rule antd's cssinjs reads (`.data-ant-cssinjs-cache-path`, as after server rendering)
 * tells it which parts are in the file, and it writes only the others. index.html preloads the
 * file, so that it arrives beside the scripts without holding up the static header; main.tsx
 * applies it before the first render. The development server has none: its class names differ.
 */
function antdStaticStyle(): Plugin {
  // Parts seldom on the page a session opens (uploads, tabs, images…) or loaded after it (the
  // date picker) stay at run time: the first render waits for this file, and parsing it is one
  // task of its own, which should not grow by what most visits never show.
  const components = [
    'Alert', 'Breadcrumb', 'Button', 'Card', 'Checkbox', 'Col', 'Descriptions', 'Drawer', 'Dropdown', 'Empty',
    'Flex', 'Form', 'Input', 'Layout', 'List', 'Menu', 'Modal', 'Popconfirm', 'Result', 'Row', 'Select', 'Skeleton', 'Space',
    'Spin', 'Steps', 'Table', 'Tag', 'Timeline', 'Tooltip', 'Typography',
  ];
  let reference: string | undefined;
  const render = () => {
    // antd's CommonJS build and the React it requires: one instance of each, as in the browser.
    const require = createRequire(import.meta.url);
    const React = require('react') as typeof import('react');
    const { renderToString } = require('react-dom/server') as typeof import('react-dom/server');
    const antd = require('antd') as Record<string, import('react').ComponentType> & typeof import('antd');
    const { createCache, extractStyle, StyleProvider } = require('@ant-design/cssinjs') as typeof import('@ant-design/cssinjs');
    const cache = createCache();
    const h = React.createElement;
    const parts = [
      ...components.map((name) => h(antd[name] as import('react').ComponentType, { key: name })),
      // Parts with styles of their own: a search box, buttons side by side, the status and colour tags, the side menu's frame.
      h(antd.Input.Search, { key: 'search' }),
      h(antd.Space.Compact, { key: 'compact' }, h(antd.Button)),
      h(antd.Tag, { key: 'status', color: 'success' }),
      h(antd.Tag, { key: 'preset', color: 'blue' }),
      h(antd.Layout.Sider, { key: 'sider' }),
    ];
    renderToString(h(StyleProvider, { cache }, h(antd.ConfigProvider, { theme: consoleTheme }, h(antd.App, null, ...parts))));
    // Component styles only: the theme's CSS variables are written at run time either way.
    return extractStyle(cache, { plain: true, types: ['style'] });
  };
  return {
    name: 'qiyue-antd-static-style',
    apply: 'build',
    buildStart() {
      reference = this.emitFile({ type: 'asset', name: 'antd.css', source: render() });
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const asset = Object.values(context.bundle ?? {}).find((output) => output.type === 'asset' && /(^|\/)antd-[\w-]+\.css$/.test(output.fileName));
        if (!reference || !asset) throw new Error('antd.css was not emitted');
        // First among the page's requests, beside the title.
        return html.replace('</title>', `</title>\n    <link rel="preload" as="style" href="/${asset.fileName}" data-antd-style />`);
      },
    },
  };
}

// The console: sources in src/web, built into dist/web, which the Fastify server serves.
// In development, `npx vite` proxies /api to the server on port 3000.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  plugins: [react(), antdStaticStyle(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // Pages load on demand (React.lazy); what stays large is PDF.js and exceljs, loaded only when used.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Fewer, larger files where that costs nothing: over HTTP/1.1 a phone fetches six at a
          // time, and each small file is a round trip. The libraries every page starts with were
          // spread over some twenty files (one holding React and antd's core named after i18n);
          // they make one. The icons, a few hundred bytes each in a file of their own per page,
          // make one too (14 KB gzip).
          groups: [
            { name: 'vendor', tags: ['$initial'], test: /node_modules[\\/]/, priority: 2 },
            { name: 'icons', test: /node_modules[\\/]@ant-design[\\/]icons[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  preview: {
    host: '127.0.0.1',
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
