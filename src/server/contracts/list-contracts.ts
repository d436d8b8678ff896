import { and, desc, eq, inArray, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { type ContractList, type ContractListQuery, type ContractStatus, contractCountLimit } from '../../shared/schemas/contract.js';
import type { StampingStatus } from '../../shared/schemas/stamping.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { contains, containsPattern, decodeCursor, foldsCase, keysetPage, keysetTime } from '../db/keyset.js';
import { rowStatement } from '../db/row-statement.js';
import { contracts } from '../db/schema/index.js';

const param = (name: string) => sql.placeholder(name);

// ISO text as Date.toISOString() writes it, made by PostgreSQL: no Date parsed per cell.
const isoTime = (column: AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function statusCondition(status: ContractListQuery['status']): SQL | undefined {
  if (status === 'effective') return and(eq(contracts.status, 'effective'), sql`${contracts.expiresAt} > now()`);
  if (status === 'expired') return or(eq(contracts.status, 'expired'), and(eq(contracts.status, 'effective'), sql`${contracts.expiresAt} <= now()`));
  return status ? eq(contracts.status, status) : undefined;
}

/** The columns a list row shows, and the latest stamping request's status, in the same query. */
const listColumns = {
  id: contracts.id,
  number: contracts.number,
  kind: contracts.kind,
  // A contract past its term is expired wherever it is shown, even before the sweep wrote it.
  status: sql<ContractStatus>`case when ${contracts.status} in ('effective', 'scheduled') and ${contracts.expiresAt} <= now() then 'expired'
    when ${contracts.status} = 'scheduled' and ${contracts.effectiveAt} <= now() then 'effective' else ${contracts.status} end`,
  frameworkId: contracts.frameworkId,
  copies: contracts.copies,
  partyAName: contracts.partyAName,
  effectiveAt: isoTime(contracts.effectiveAt),
  expiresAt: isoTime(contracts.expiresAt),
  statusReason: contracts.statusReason,
  remark: contracts.remark,
  hidden: contracts.hidden,
  // Qualified by hand: drizzle writes a lone table's columns unqualified, and a bare "id" would
  // bind to stamping_requests inside the subquery.
  stampingStatus: sql<StampingStatus | null>`(select sr.status from stamping_request_contracts src
      join stamping_requests sr on sr.id = src.request_id
      where src.contract_id = "contracts"."id" order by sr.created_at desc, sr.id desc limit 1)`,
  createdAt: isoTime(contracts.createdAt),
  keysetAt: keysetTime(contracts.createdAt),
};

type Shape = {
  isOperator: boolean;
  kind: boolean;
  status: ContractListQuery['status'];
  frameworkId: boolean;
  q: boolean;
  /** The search text has letters with case (foldsCase). */
  qFolds: boolean;
  cursor: boolean;
  includeHidden: boolean;
  from: boolean;
  to: boolean;
};

/**
 * A search by part of the number or of Party A's name. Across all accounts (an operator) the
 * trigram indexes find the rows. Within one account they are the wrong way round: a common
 * fragment such as `0000001` is in tens of thousands of numbers platform-wide, which the planner
 * reads from the trigram index and intersects with the account's hundred rows (8 ms a query at a
 * million contracts). The account's own rows, read by its index and filtered, take 0.1 ms: the
 * `|| ''` makes the condition one no index can serve.
 */
function searchCondition(isOperator: boolean, ignoreCase: boolean): SQL | undefined {
  const like = param('like');
  if (isOperator) return or(contains(contracts.number, like, ignoreCase), contains(contracts.partyAName, like, ignoreCase));
  return sql`(${contains(sql`(${contracts.number} || '')`, like, ignoreCase)} or ${contains(sql`(${contracts.partyAName} || '')`, like, ignoreCase)})`;
}

/** What a list's filters select, without its page: shared by the page and its count. */
function filters(shape: Shape): SQL | undefined {
  return and(
        shape.isOperator ? undefined : eq(contracts.accountId, param('accountId')),
        shape.kind ? eq(contracts.kind, param('kind')) : undefined,
        // Hidden rows are few (ended contracts a customer tidied away): a filter on the same
        // index range, not an index of its own; the literal lets a plan show it as a Filter.
        shape.includeHidden ? undefined : sql`not ${contracts.hidden}`,
        shape.frameworkId ? eq(contracts.frameworkId, param('frameworkId')) : undefined,
        statusCondition(shape.status),
        shape.q ? searchCondition(shape.isOperator, shape.qFolds) : undefined,
        // Days in China time, on the keyset index's own column: a range narrows the same index scan.
        shape.from ? sql`${contracts.createdAt} >= (${param('from')}::date::timestamp at time zone 'Asia/Shanghai')` : undefined,
        shape.to ? sql`${contracts.createdAt} < ((${param('to')}::date + 1)::timestamp at time zone 'Asia/Shanghai')` : undefined,
  );
}

/**
 * A page, newest first. The first page also counts the matches, reading at most one more than
 * the limit (an index range, never the table), as a subquery of the same statement: one round
 * trip, not two, on the list's most frequent request.
 */
function prepareList(db: Database, shape: Shape, name: string, options: { count: boolean } = { count: !shape.cursor }) {
  const total = sql<number>`(select count(*)::int from (select 1 from ${contracts} where ${filters(shape)} limit ${contractCountLimit + 1}) as matching)`;
  // A customer's later pages (see unseen). An operator's page is a range of the whole table,
  // whose best plan does depend on the limit.
  const planned = shape.cursor && !shape.isOperator ? unseen : (value: SQL) => value;
  const query = db
    .select(options.count ? { ...listColumns, total } : listColumns)
    .from(contracts)
    .where(
      and(
        filters(shape),
        shape.cursor ? sql`(${contracts.createdAt}, ${contracts.id}) < (${planned(sql`${param('at')}::timestamptz`)}, ${planned(sql`${param('id')}::uuid`)})` : undefined,
      ),
    )
    .orderBy(desc(contracts.createdAt), desc(contracts.id))
    // drizzle writes any SQL it is given here (its type admits only a number or a placeholder).
    .limit(planned(sql`${param('limit')}::int`) as unknown as Placeholder);
  return rowStatement(db, query, name);
}

/**
 * A customer's later page's cursor and limit, read through sub-selects, which the planner
 * cannot look into. PostgreSQL keeps a named statement's generic plan only while it costs no
 * more than the plans it makes for the values it is given. It guesses a LIMIT $n at a tenth of
 * the rows, and sees from a cursor near a list's end that few rows remain; so every plan for
 * the values looked cheaper, and each later page was planned anew: some 0.4 ms of PostgreSQL's
 * CPU a request, more than a whole first page costs. Unseen, the values cost every plan the
 * same, and the generic one is kept: within one account, whatever the guess, the backward range
 * scan of the account's keyset index. Across every account (an operator) the guess of a tenth
 * of a million rows makes the generic plan read and sort them, so there the values stay seen.
 */
const unseen = (value: SQL) => sql`(select ${value})`;

/**
 * An operator's first page of a search, from one trigram scan instead of two: the matches (at
 * most one more than the count shows) are read once, counted, and the page is the newest of
 * them. Exact only while the matches fit under the cap; past it `listContracts` asks for the
 * page again without a count. Unnamed, as every operator search (see `listStatement`).
 */
function prepareSearchFirstPage(db: Database, shape: Shape) {
  const matching = db
    .$with('matching')
    .as(db.select({ matchId: contracts.id, matchAt: contracts.createdAt }).from(contracts).where(filters(shape)).limit(contractCountLimit + 1));
  const newest = db
    .$with('newest')
    .as(db.select({ pageId: matching.matchId }).from(matching).orderBy(desc(matching.matchAt), desc(matching.matchId)).limit(param('limit')));
  const query = db
    .with(matching, newest)
    .select({ ...listColumns, total: sql<number>`(select count(*)::int from ${matching})` })
    .from(contracts)
    .where(inArray(contracts.id, db.select({ id: newest.pageId }).from(newest)))
    .orderBy(desc(contracts.createdAt), desc(contracts.id));
  return rowStatement(db, query, '');
}

type PreparedList = ReturnType<typeof prepareList>;

const shapeKey = (shape: Shape) =>
  [
    shape.isOperator ? 'op' : 'cu',
    shape.kind ? 'k' : '',
    shape.status ?? '',
    shape.frameworkId ? 'f' : '',
    shape.q ? (shape.qFolds ? 'qi' : 'q') : '',
    shape.cursor ? 'c' : '',
    shape.includeHidden ? 'h' : '',
    shape.from ? 'from' : '',
    shape.to ? 'to' : '',
  ].join('_');

// One prepared statement per combination of filters (at most a few dozen), per database:
// the SQL is built once, and PostgreSQL plans it once per connection.
const prepared = new WeakMap<Database, Map<string, PreparedList>>();

type Statement = 'page' | 'uncounted' | 'searchFirstPage';

/**
 * `page`: the page, with the first page's count; `uncounted`: the first page without it;
 * `searchFirstPage`: an operator's search (prepareSearchFirstPage).
 */
function listStatement(db: Database, shape: Shape, which: Statement = 'page'): PreparedList {
  const byShape = prepared.get(db) ?? new Map<string, PreparedList>();
  prepared.set(db, byShape);
  const key = `${shapeKey(shape)}:${which}`;
  // An operator's search stays an unnamed statement, planned for each pattern: PostgreSQL's
  // generic plan of a named one cannot tell a rare company name from a common one, and may walk
  // the whole created_at index looking for 20 matches. A customer's search reads the account's
  // own rows whatever the pattern (searchCondition), so its plan is the same every time.
  const name = shape.q && shape.isOperator ? '' : `contracts_list_${shapeKey(shape)}${which === 'uncounted' ? '_u' : ''}`;
  const statement =
    byShape.get(key) ??
    (which === 'searchFirstPage' ? prepareSearchFirstPage(db, shape) : prepareList(db, shape, name, which === 'uncounted' ? { count: false } : undefined));
  byShape.set(key, statement);
  return statement;
}

/** The count a first page's statement answered with its rows (0 when there are none). */
const totalOf = (rows: object[]) => (rows[0] as { total?: number } | undefined)?.total ?? 0;

// A list whose count reached the cap (the desk's unfiltered list of a million contracts) is
// not counted again for a minute: its count reads 10,001 rows each time, and it is most
// unlikely to fall under the cap in that time. Keyed by the filters and their values.
const cappedCounts = new WeakMap<Database, LRUCache<string, true>>();

function cappedCountsOf(db: Database) {
  const capped = cappedCounts.get(db) ?? new LRUCache<string, true>({ max: 1000, ttl: 60_000 });
  cappedCounts.set(db, capped);
  return capped;
}

/** Newest first, keyset-paginated; customers see their own account, operators every account. */
export async function listContracts(
  db: Database,
  options: { viewer: Pick<SessionUser, 'role' | 'accountId'>; query: ContractListQuery },
): Promise<ContractList> {
  const { query, viewer } = options;
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const isOperator = viewer.role === 'operator';
  const shape: Shape = {
    isOperator,
    kind: Boolean(query.kind),
    status: query.status,
    frameworkId: Boolean(query.frameworkId),
    q: Boolean(query.q),
    qFolds: query.q ? foldsCase(query.q) : false,
    cursor: Boolean(cursor),
    includeHidden: query.hidden === 'include',
    from: Boolean(query.from),
    to: Boolean(query.to),
  };
  const values = {
    accountId: isOperator ? undefined : (viewer.accountId ?? '00000000-0000-0000-0000-000000000000'),
    kind: query.kind,
    frameworkId: query.frameworkId,
    like: query.q ? containsPattern(query.q) : undefined,
    from: query.from,
    to: query.to,
  };
  const parameters = { ...values, at: cursor?.at, id: cursor?.id, limit: query.limit + 1 };
  let rows: Awaited<ReturnType<PreparedList['execute']>>;
  // How many match, as far as the count reads (at most one past the cap); first pages only.
  let counted: number | undefined;
  const capped = cappedCountsOf(db);
  const cappedKey = cursor ? undefined : `${shapeKey(shape)}:${JSON.stringify(values)}`;
  const countedBefore = cappedKey !== undefined && capped.has(cappedKey);
  if (countedBefore) {
    rows = await listStatement(db, shape, 'uncounted').execute(parameters);
    counted = contractCountLimit + 1;
  } else if (shape.isOperator && shape.q && !cursor) {
    rows = await listStatement(db, shape, 'searchFirstPage').execute(parameters);
    counted = totalOf(rows);
    // More matches than the cap: the newest may lie outside those read; the plain page finds them.
    if (counted > contractCountLimit) rows = await listStatement(db, shape, 'uncounted').execute(parameters);
  } else {
    rows = await listStatement(db, shape).execute(parameters);
    counted = totalOf(rows);
  }
  const { page, nextCursor } = keysetPage(rows, query.limit);
  // The first page also says how many there are; later pages leave the count to it.
  let total: ContractList['total'];
  if (!cursor) {
    const count = page.length < query.limit ? page.length : (counted ?? 0);
    total = count > contractCountLimit ? { count: contractCountLimit, atLeast: true } : { count, atLeast: false };
    if (total.atLeast && cappedKey && !countedBefore) capped.set(cappedKey, true);
  }
  return {
    ...(total ? { total } : {}),
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      status: r.status,
      ...(r.frameworkId ? { frameworkId: r.frameworkId } : {}),
      copies: r.copies,
      partyAName: r.partyAName,
      effectiveAt: r.effectiveAt,
      expiresAt: r.expiresAt,
      ...(r.statusReason ? { statusReason: r.statusReason } : {}),
      ...(r.stampingStatus ? { stampingStatus: r.stampingStatus } : {}),
      ...(r.remark ? { remark: r.remark } : {}),
      ...(r.hidden ? { hidden: true } : {}),
      createdAt: r.createdAt,
    })),
    nextCursor,
  };
}
