import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dumpMigratedDatabase } from '../../src/server/db/client.js';

/** Which database the integration suite runs on in this pass. */
export const testDatabaseKind = process.env.QIYUE_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/**
 * A migrated in-memory database as a dump, made once per set of migrations and PGlite version
 * and kept in the temporary directory: an in-memory PGlite that starts from it skips initdb
 * and the migrations, some 3 s of every test app on two cores (testConfig passes it on).
 */
async function loadPgliteTemplate(): Promise<Blob> {
  const migrations = path.resolve('migrations');
  const hash = createHash('sha256');
  hash.update(readFileSync(path.resolve('node_modules/@electric-sql/pglite/package.json')));
  for (const name of readdirSync(migrations, { recursive: true }).map(String).sort()) {
    const file = path.join(migrations, name);
    if (name.endsWith('.sql') || name.endsWith('.json')) hash.update(name).update(readFileSync(file));
  }
  const file = path.join(tmpdir(), `qiyue-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    // Two workers may both make it: each writes its own file, and the rename is atomic.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await (await dumpMigratedDatabase()).arrayBuffer()));
    renameSync(partial, file);
  }
  return new Blob([readFileSync(file)]);
}

export const pgliteTemplate = await loadPgliteTemplate();

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
