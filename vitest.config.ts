import { defineConfig } from 'vitest/config';
import SuiteSequencer from './test/helpers/sequencer.js';

const integration = (name: string, db: 'pglite' | 'postgres') => ({
  test: {
    name,
    include: ['test/integration/**/*.test.ts'],
    env: { QIYUE_TEST_DB: db },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    // Vitest's default on two cores is one file at a time; most integration and e2e files spend
    // their time waiting on child servers, PostgreSQL, Chromium and timers, so two overlap well.
    maxWorkers: 2,
    // The browser files spread through the run, one at a time (see the e2e project).
    sequence: { sequencer: SuiteSequencer },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      integration('integration-pglite', 'pglite'),
      // The same suite on a real PostgreSQL server when one is configured (CI sets DATABASE_URL).
      ...(process.env.DATABASE_URL ? [integration('integration-postgres', 'postgres')] : []),
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // One browser file at a time, beside the other projects' files rather than after them.
          setupFiles: ['test/helpers/one-browser-file-at-a-time.ts'],
        },
      },
    ],
  },
});
