/**
 * The ceiling for `npm run bench:scale`: a customer's first contract page as a hand-written
 * keyset query on a bare Fastify + pg route, with no session, schema or ORM. Started by
 * bench/scale.ts as its own process; BENCH_DATABASE_URL and PORT from the environment.
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
pool.on('error', (error) => console.error(`bare server: ${error.message}`));

const firstPage = `
  select c.id, c.number, c.kind,
         case when c.status = 'effective' and c.expires_at <= now() then 'expired' else c.status end as status,
         c.framework_id as "frameworkId", c.copies, c.party_a_name as "partyAName",
         to_char(c.effective_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "effectiveAt",
         to_char(c.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "expiresAt",
         c.status_reason as "statusReason",
         (select sr.status from stamping_request_contracts src join stamping_requests sr on sr.id = src.request_id
           where src.contract_id = c.id order by sr.created_at desc, sr.id desc limit 1) as "stampingStatus",
         to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt"
    from contracts c
   where c.account_id = $1
   order by c.created_at desc, c.id desc
   limit $2`;

const app = Fastify();
app.get<{ Querystring: { accountId: string; limit?: string } }>('/contracts', async (request) => {
  const limit = Number(request.query.limit ?? 20);
  const { rows } = await pool.query({ name: 'bare_first_page', text: firstPage, values: [request.query.accountId, limit + 1] });
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? 'next' : null };
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
