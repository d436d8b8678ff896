import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Which database the integration suite runs on in this pass. */
export const testDatabaseKind = process.env.QIYUE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/**
 * A fresh, empty database for one test file: an in-memory PGlite, or a new database on the
 * PostgreSQL server of DATABASE_URL that is dropped again by `drop()`.
 */
export async function createTestDatabase(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }> {
  if (testDatabaseKind === 'pglite') return { dataDir: 'memory://', drop: async () => {} };
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('QIYUE_TEST_DB=postgres needs DATABASE_URL');
  const name = `qiyue_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: 'unused',
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      // The app's pool has ended, but its connections may still be closing: forcing the drop
      // now would kill them mid-close and surface as errors of the closed pool.
      for (let i = 0; i < 50; i++) {
        const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
