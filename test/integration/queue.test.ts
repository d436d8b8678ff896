import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodicTasks } from '../../src/server/db/schema/index.js';
import { runIfDue } from '../../src/server/queue/periodic.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

// The periodic tasks share the claim-and-lease of the outbox and the contract jobs: a task is
// run by one instance per interval, a failed run is due again, a dead holder's lease runs out.
describe('periodic tasks on the shared queue', () => {
  it('runs a task once per interval, whichever instance asks, and again at once after a failure', async () => {
    const db = t.app.ctx.db;
    let runs = 0;
    const task = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    // Two instances whose timers fire together: one runs it.
    const both = await Promise.all([runIfDue(db, 'test-once', 60_000, task), runIfDue(db, 'test-once', 60_000, task)]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    expect(await runIfDue(db, 'test-once', 60_000, task)).toBe(false);
    expect(runs).toBe(1);

    // A run that fails is due again at the next tick.
    await expect(runIfDue(db, 'test-failing', 60_000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await runIfDue(db, 'test-failing', 60_000, task)).toBe(true);
    expect(runs).toBe(2);
  });

  it('takes over a task whose holder died once its lease has run out, not before', async () => {
    const db = t.app.ctx.db;
    let runs = 0;
    const task = async () => {
      runs += 1;
    };
    await db.insert(periodicTasks).values({ name: 'test-dead', nextRunAt: sql`now() - interval '1 minute'`, claimedUntil: sql`now() + interval '1 minute'`, claimToken: crypto.randomUUID() });
    expect(await runIfDue(db, 'test-dead', 1000, task)).toBe(false);
    await db.update(periodicTasks).set({ claimedUntil: sql`now() - interval '1 second'` }).where(eq(periodicTasks.name, 'test-dead'));
    expect(await runIfDue(db, 'test-dead', 1000, task)).toBe(true);
    expect(runs).toBe(1);
    const [row] = await db.select().from(periodicTasks).where(eq(periodicTasks.name, 'test-dead'));
    expect(row!.claimedUntil).toBeNull();
    expect(row!.lastRunAt).not.toBeNull();
  });
});
