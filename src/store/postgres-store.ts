import { createHash } from 'node:crypto';
import pg from 'pg';
import { AddressMap } from '../domain/address-map.js';
import type { Cidr } from '../domain/ipv4.js';
import type {
  Attachment,
  ElasticIp,
  Instance,
  NetworkInterface,
  ResourceType,
  SecurityGroupRef,
  Subnet,
  SubnetCidrReservation,
  Tag,
  Vpc
} from '../domain/model.js';
import { launchFields, launchJson } from './instance-launch.js';
import { postgresMigrations } from './migrations/postgres-migrations.js';
import type {
  AddressHolder,
  ClientTokenRecord,
  MetadataJournalEnds,
  MetadataJournalEntry,
  ResourceTag,
  Store,
  StoreTx,
  TransactionOptions
} from './store.js';

export interface PostgresStoreOptions {
  /** A libpq-style URL: postgres://user:password@host:port/database (or a socket folder as the host). */
  readonly url: string;
  /** Schema holding the tables, created when missing; without it, the connection's search_path (public). */
  readonly schema?: string;
  /** Connections of this node's pool (default 10). */
  readonly poolSize?: number;
  /**
   * Whether a commit waits for PostgreSQL to flush its WAL to disk (default true, PostgreSQL's own default). Without
   * it a commit survives a crash of ec2lite but not of PostgreSQL or the machine, like SQLite's synchronous=NORMAL;
   * each commit then costs no fsync while the subnet's lock is held.
   */
  readonly synchronousCommit?: boolean;
}

type Row = Record<string, any>;

/** True for a URL the PostgreSQL store takes: postgres:// or postgresql://. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** A cached occupancy and the subnet version it is true for. */
interface CachedMap {
  version: number;
  readonly map: AddressMap;
}

/**
 * A transaction read a row without the lock that guards it, and the row changed before it could take the lock:
 * the transaction runs again from the start.
 */
class StaleReadError extends Error {
  readonly code = 'ec2lite-stale-read';
}

/** Serialization failure and deadlock: PostgreSQL asks for the transaction to be run again. */
const RETRY_ALWAYS = new Set(['40001', '40P01', 'ec2lite-stale-read']);
/** A foreign key that a concurrent commit broke between a read and a write: worth one more run, not many. */
const RETRY_ONCE = new Set(['23503']);
const MAX_ATTEMPTS = 10;

/** Node-local caches are bounded: past this many entries they start afresh (they are only shortcuts). */
const CACHE_LIMIT = 100_000;

/** bigint (addresses, counts, versions) read as a number: every value ec2lite stores fits in 2^53. */
export function numericTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (text: string) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new Error(`bigint ${text} does not fit a JavaScript number`);
    return value;
  });
  return types;
}

/**
 * The schema of another account's and region's state (store/partitions.ts), beside the home schema:
 * `<home>_<account>_<region>`, or `ec2lite_<account>_<region>` beside `public`.
 */
export function partitionSchema(homeSchema: string, accountId: string, region: string): string {
  const base = homeSchema !== 'public' ? homeSchema : 'ec2lite';
  // Account and region names are checked by Partitions: digits, lower-case letters and '-'.
  const schema = `${base}_${accountId}_${region.replaceAll('-', '_')}`;
  // PostgreSQL cuts longer names to 63 bytes, which could make two partitions one.
  if (Buffer.byteLength(schema) > 63) throw new Error(`schema name too long for PostgreSQL: ${schema}`);
  return schema;
}

/** The advisory lock that migrations run under, whatever the schema (one namespace for the whole database). */
const MIGRATION_LOCK = 'ec2lite:migrations';

/**
 * The PostgreSQL store: several ec2lite nodes share one database with the behaviour of a single node.
 *
 * Concurrency, in one paragraph: write transactions run at READ COMMITTED, so each statement sees everything
 * committed before it began, and take transaction-scoped advisory locks before they read what the lock guards,
 * held to the end (two-phase locking). The lock of a subnet guards its occupied addresses, its interfaces and its
 * CIDR reservations: allocations in one subnet take turns across every node while different subnets proceed in
 * parallel. An instance's lock guards its state, its attachments and its metadata journal; one lock guards the
 * Elastic IPs, one the adding and deleting of subnets; a VPC's lock is shared by readers and exclusive for its
 * deletion; client tokens and meta keys each have their own. Lists of subnets and instances are read without a
 * lock and checked again under it before a write that may depend on them (the transaction runs again if they
 * changed); a foreign key broken by a concurrent commit also makes it run again. Read-only transactions take no
 * lock: they read one REPEATABLE READ snapshot. Deadlocks (detected by PostgreSQL after its deadlock_timeout) and
 * serialization failures make `transaction` run `fn` again, after a short random backoff.
 *
 * The occupancy bitmap of a subnet is cached per node together with the subnet's `version`, which every change to
 * the subnet's addresses sets to a value never used before (a sequence). A transaction that holds the subnet's lock
 * reads the version and uses the cached map only when it matches; otherwise it rebuilds the map from the rows. So an
 * address freed through node A is assignable through node B at once, and no node decides on a stale map.
 */
export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  /** The schema the tables are in: advisory locks are per database, so their keys include it. */
  private namespace: string;

  /** The schema the tables are in (known once open). */
  get schema(): string {
    return this.namespace;
  }
  /** Occupancy bitmaps by subnet id, each with the version it is true for. */
  readonly maps = new Map<string, CachedMap>();
  /** Interface id → subnet id, and reservation id → subnet id: fixed for the life of the record. */
  private readonly subnetOfRecord = new Map<string, string>();
  private readonly lockKeys = new Map<string, string>();
  private readonly statementNames = new Map<string, string>();
  private active = 0;
  private idle: (() => void) | undefined;
  /** Retries, by cause: how often transactions ran again (for tests and the benchmark). */
  readonly retries = new Map<string, number>();

  private constructor(options: PostgresStoreOptions) {
    const types = numericTypes();
    this.namespace = options.schema ?? '';
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types });
    // Session settings, sent before anything else on every new connection (options given in the URL stay as they are).
    const settings = [
      ...(options.schema ? [`SET search_path = ${pg.escapeIdentifier(options.schema)}`] : []),
      ...(options.synchronousCommit === false ? ['SET synchronous_commit = off'] : [])
    ].join('; ');
    if (settings !== '') {
      this.pool.on('connect', (client) => {
        client
          .query(settings)
          .catch((error: Error) => console.error('ec2lite: PostgreSQL session settings failed:', error.message));
      });
    }
    // An idle connection that breaks (the server restarted) must not take the process down; the next use reconnects.
    this.pool.on('error', (error) => console.error('ec2lite: PostgreSQL connection lost:', error.message));
  }

  /** Connects, applies the migrations this database lacks (one node at a time), and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.migrate(options.schema);
    } catch (error) {
      await store.pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(schema: string | undefined): Promise<void> {
    const client = await this.pool.connect();
    try {
      // Session lock, taken before anything is read: a node that starts while another migrates waits, then sees
      // the steps as applied.
      await client.query('SELECT pg_advisory_lock($1::bigint)', [this.lockKey(MIGRATION_LOCK, true)]);
      try {
        if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
        this.namespace = (await client.query('SELECT current_schema() AS name')).rows[0]?.name ?? '';
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)'
        );
        const applied = new Set(
          (await client.query('SELECT version FROM schema_migrations')).rows.map((r: Row) => r.version as number)
        );
        for (const step of postgresMigrations) {
          if (applied.has(step.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(step.sql);
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
              step.version,
              step.name
            ]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.lockKey(MIGRATION_LOCK, true)]);
      }
    } finally {
      client.release();
    }
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.active++;
    try {
      for (let attempt = 1; ; attempt++) {
        const client = await this.pool.connect();
        const tx = new PgTx(this, client, options.readOnly === true);
        let broken: Error | undefined;
        // A connection that breaks while checked out (the server went away) reports here instead of crashing the node.
        const onError = (error: Error): void => {
          broken = error;
          tx.failure ??= error;
        };
        client.on('error', onError);
        try {
          const result = await fn(tx);
          // A database error that fn caught and ignored still aborted the transaction: never report it committed.
          if (tx.failure) throw tx.failure;
          // BEGIN went out with the transaction's first statement; one that ran none has nothing to commit.
          if (tx.begun) await client.query('COMMIT');
          return result;
        } catch (error) {
          tx.forgetChanges();
          try {
            if (tx.begun) await client.query('ROLLBACK');
          } catch (rollbackError) {
            broken = rollbackError as Error;
          }
          const cause = tx.failure ?? error;
          const code = (cause as { code?: unknown }).code;
          const retry =
            typeof code === 'string' &&
            (RETRY_ALWAYS.has(code) ? attempt < MAX_ATTEMPTS : RETRY_ONCE.has(code) && attempt < 3);
          if (!retry) throw error;
          this.retries.set(code, (this.retries.get(code) ?? 0) + 1);
          // Random backoff, growing with each attempt, so that the transactions that collided do not collide again.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
        } finally {
          client.off('error', onError);
          client.release(broken);
        }
      }
    } finally {
      this.active--;
      if (this.active === 0) this.idle?.();
    }
  }

  /**
   * Deletes every resource in one transaction, for every node sharing the database (the control API's reset with
   * `state`). Cached maps need no word to the other nodes: the subnets they were for are gone.
   */
  async reset(): Promise<void> {
    await this.transaction((tx) => (tx as PgTx).truncateAll());
    this.maps.clear();
  }

  async close(): Promise<void> {
    if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.pool.end();
  }

  /** A 64-bit advisory lock key for a name, within this store's schema unless `global`. */
  lockKey(name: string, global = false): string {
    const scoped = global ? name : `${this.namespace}\u0000${name}`;
    let key = this.lockKeys.get(scoped);
    if (key === undefined) {
      key = BigInt.asIntN(64, createHash('sha256').update(scoped).digest().readBigUInt64BE(0)).toString();
      if (this.lockKeys.size >= CACHE_LIMIT) this.lockKeys.clear();
      this.lockKeys.set(scoped, key);
    }
    return key;
  }

  /**
   * lockKey computed by PostgreSQL from a text expression (`sqlName`), for a lock whose name is only known in the
   * database: the same first 64 bits of the same SHA-256, read as a signed bigint. The NUL that separates the schema
   * from the name is joined as bytes, since a text value cannot hold it.
   */
  lockKeySql(sqlName: string): string {
    return (
      `('x' || encode(substr(sha256(convert_to(${pg.escapeLiteral(this.namespace)}, 'UTF8') || '\\x00'::bytea || ` +
      `convert_to(${sqlName}, 'UTF8')), 1, 8), 'hex'))::bit(64)::bigint`
    );
  }

  /** A stable name per SQL text, so that each connection prepares a statement once. */
  statementName(text: string): string {
    let name = this.statementNames.get(text);
    if (name === undefined) {
      name = `ec2lite_${this.statementNames.size + 1}`;
      this.statementNames.set(text, name);
    }
    return name;
  }

  knownSubnetOf(recordId: string): string | undefined {
    return this.subnetOfRecord.get(recordId);
  }

  rememberSubnetOf(recordId: string, subnetId: string): void {
    if (this.subnetOfRecord.size >= CACHE_LIMIT) this.subnetOfRecord.clear();
    this.subnetOfRecord.set(recordId, subnetId);
  }
}

type LockMode = 'shared' | 'exclusive';

/** The tags of the row aliased `r` (its id in `column`), as a JSON array in insertion order. */
function tagsOf(column: string): string {
  return `coalesce((SELECT json_agg(json_build_object('Key', t.key, 'Value', t.value) ORDER BY t.seq) FROM tags t
    WHERE t.resource_id = ${column}), '[]'::json) AS tags`;
}

/** An interface row with its addresses (in assignment order) and tags. */
const INTERFACE_COLUMNS = `n.*,
  coalesce((SELECT json_agg(json_build_object('address', a.address, 'kind', a.kind, 'prefix_base', a.prefix_base) ORDER BY a.seq)
    FROM private_ip_addresses a WHERE a.network_interface_id = n.id), '[]'::json) AS addresses,
  ${tagsOf('n.id')}`;

const SUBNETS_LOCK = 'subnets';
const ELASTIC_IPS_LOCK = 'elastic-ips';

/** One transaction on one pooled connection. */
class PgTx implements StoreTx {
  /** The first database error the transaction met: it aborted the transaction, whatever fn did with it. */
  failure: Error | undefined;
  private readonly held = new Map<string, LockMode>();
  /** The occupancy maps this transaction works on, by subnet id. */
  private readonly maps = new Map<string, CachedMap>();
  /** Subnets whose version this transaction has already moved on. */
  private readonly bumped = new Set<string>();
  /** What lists read without a lock, to check under the lock before a write that may depend on it. */
  private subnetsSeen: { count: number; maxSeq: number } | undefined;
  private readonly instancesSeen = new Map<string, string>();
  /**
   * Rows read together with a subnet's lock (getNetworkInterface), still true while this transaction holds it:
   * what an action on an interface reads next, without another round trip. Any write to them drops them.
   */
  private readonly prefetched = {
    subnets: new Map<string, Row | undefined>(),
    versions: new Map<string, number>(),
    reservations: new Map<string, Row[]>(),
    elasticIps: new Map<string, Row[]>()
  };

  private forgetPrefetched(): void {
    this.prefetched.subnets.clear();
    this.prefetched.versions.clear();
    this.prefetched.reservations.clear();
    this.prefetched.elasticIps.clear();
  }

  constructor(
    private readonly store: PostgresStore,
    private readonly client: pg.PoolClient,
    private readonly readOnly: boolean
  ) {}

  /** Whether BEGIN has gone out: it travels with the first statement, saving a round trip. */
  begun = false;

  private get beginStatement(): string {
    return this.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
  }

  /** One statement, prepared once per connection. */
  private async q(text: string, values: unknown[] = []): Promise<Row[]> {
    try {
      if (!this.begun) {
        this.begun = true;
        await this.client.query(this.beginStatement);
      }
      const result = await this.client.query({ name: this.store.statementName(text), text, values });
      return result.rows as Row[];
    } catch (error) {
      this.failure ??= error as Error;
      throw error;
    }
  }

  /**
   * Several statements in one round trip (simple protocol, values inlined as literals), each with its own snapshot:
   * a read placed after a lock sees everything committed before the lock was granted. Returns each one's rows.
   */
  private async batch(statements: readonly string[]): Promise<Row[][]> {
    const all = this.begun ? statements : [this.beginStatement, ...statements];
    this.begun = true;
    try {
      const results = (await this.client.query(all.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
      const list = Array.isArray(results) ? results : [results];
      return list.slice(all.length - statements.length).map((r) => r.rows as Row[]);
    } catch (error) {
      this.failure ??= error as Error;
      throw error;
    }
  }

  /**
   * Takes advisory locks (exclusive unless said otherwise) for the rest of the transaction, in one statement and in
   * key order. A read-only transaction takes none: it reads its snapshot.
   */
  private async lock(names: readonly string[], mode: LockMode = 'exclusive'): Promise<void> {
    if (this.readOnly) return;
    const wanted = names.filter((name) => {
      const held = this.held.get(name);
      return held !== 'exclusive' && held !== mode;
    });
    if (wanted.length === 0) return;
    await this.batch([this.lockStatement(wanted, mode)]);
    for (const name of wanted) this.held.set(name, mode);
  }

  /** The statement that takes the locks, in key order (keys are numbers: inlined as they are). */
  private lockStatement(names: readonly string[], mode: LockMode): string {
    const keys = [...new Set(names.map((name) => this.store.lockKey(name)))];
    const fn = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
    if (keys.length === 1) return `SELECT ${fn}(${keys[0]!}::bigint)`;
    return `SELECT ${fn}(k) FROM (SELECT unnest(ARRAY[${keys.join(', ')}]::bigint[]) AS k ORDER BY 1) AS keys`;
  }

  private lockSubnets(subnetIds: readonly string[]): Promise<void> {
    return this.lock(subnetIds.map((id) => `subnet:${id}`));
  }

  /** The subnet an interface or reservation lives in (fixed for its life), from the node's memory or the table. */
  private async subnetOf(
    table: 'network_interfaces' | 'subnet_cidr_reservations',
    id: string
  ): Promise<string | undefined> {
    const known = this.store.knownSubnetOf(id);
    if (known !== undefined) return known;
    const [r] = await this.q(`SELECT subnet_id FROM ${table} WHERE id = $1`, [id]);
    if (r) this.store.rememberSubnetOf(id, r.subnet_id as string);
    return r?.subnet_id as string | undefined;
  }

  /**
   * Locks the subnet of an interface before its row is read, and before that the instance it is attached to.
   * Returns false for an unknown interface.
   */
  private async lockInterface(id: string): Promise<boolean> {
    if (this.readOnly) return true;
    const subnetId = await this.subnetOf('network_interfaces', id);
    if (subnetId === undefined) return false;
    if (this.held.get(`subnet:${subnetId}`) === 'exclusive') return true;
    const [attachedTo] = await this.batch([
      this.attachedInstanceLockStatement(id),
      this.lockStatement([`subnet:${subnetId}`], 'exclusive')
    ]);
    this.holdAttachedInstance(attachedTo!);
    this.held.set(`subnet:${subnetId}`, 'exclusive');
    return true;
  }

  /**
   * The statement that locks the instance an interface is attached to, as committed now, and returns its id; it
   * goes before the interface's subnet lock. Instances are locked before subnets everywhere else (RunInstances,
   * TerminateInstances, AttachNetworkInterface), so an assignment on an attached interface, which records the
   * instance's metadata after reading the interface, cannot deadlock with the termination of its instance. Should
   * the attachment change before the subnet lock is ours, the new instance is locked after it: a rare deadlock that
   * running the transaction again resolves, as any other.
   */
  private attachedInstanceLockStatement(interfaceId: string): string {
    return (
      `SELECT n.instance_id, pg_advisory_xact_lock(${this.store.lockKeySql("'instance:' || n.instance_id")}) ` +
      `FROM network_interfaces n WHERE n.id = ${pg.escapeLiteral(interfaceId)} AND n.instance_id IS NOT NULL`
    );
  }

  private holdAttachedInstance(rows: readonly Row[]): void {
    const instanceId = rows[0]?.instance_id as string | undefined;
    if (instanceId !== undefined) this.held.set(`instance:${instanceId}`, 'exclusive');
  }

  /** A read went stale before its lock was taken: the transaction must run again, whatever fn does with the error. */
  private stale(message: string): StaleReadError {
    const error = new StaleReadError(message);
    this.failure ??= error;
    return error;
  }

  /** The transaction failed: cached maps it may have changed are dropped (their version never committed anyway). */
  forgetChanges(): void {
    for (const [subnetId, entry] of this.maps) {
      if (this.store.maps.get(subnetId) === entry) this.store.maps.delete(subnetId);
    }
  }

  /**
   * Runs a change to the subnet's address rows: the first one in the transaction also sets the subnet's version to
   * a new value, in the same statement, and stamps this transaction's map with it before the map changes.
   * `change` is a data-modifying statement over $1 (the subnet id) and its own parameters, RETURNING address.
   */
  private async changeAddresses(subnetId: string, change: string, values: unknown[]): Promise<number[]> {
    if (this.readOnly) throw new Error('a read-only transaction cannot change addresses');
    await this.lockSubnets([subnetId]);
    const bump = !this.bumped.has(subnetId);
    const rows = await this.q(
      bump
        ? `WITH v AS (UPDATE subnets s SET version = nextval('subnet_versions')
               FROM (SELECT version AS old FROM subnets WHERE id = $1) AS o WHERE s.id = $1 RETURNING o.old, s.version),
             c AS (${change})
           SELECT (SELECT old FROM v) AS old_version, (SELECT version FROM v) AS version,
             coalesce((SELECT array_agg(address) FROM c), '{}') AS addresses`
        : `WITH c AS (${change}) SELECT NULL::bigint AS old_version, NULL::bigint AS version,
             coalesce((SELECT array_agg(address) FROM c), '{}') AS addresses`,
      [subnetId, ...values]
    );
    const row = rows[0]!;
    if (bump) {
      this.bumped.add(subnetId);
      this.prefetched.versions.delete(subnetId);
      let entry = this.maps.get(subnetId);
      const cached = this.store.maps.get(subnetId);
      // The node's cached map, true up to this change, follows it: the next transaction here need not rebuild it.
      if (!entry && cached && row.old_version !== null && cached.version === row.old_version) {
        entry = cached;
        this.maps.set(subnetId, cached);
      }
      if (entry && row.version !== null) entry.version = row.version as number;
    }
    return (row.addresses as (string | number)[]).map(Number);
  }

  private mapInUse(subnetId: string): AddressMap | undefined {
    return this.maps.get(subnetId)?.map;
  }

  private async insertAddressRows(
    eni: NetworkInterface,
    rows: readonly { address: number; kind: 'primary' | 'secondary' | 'prefix'; prefixBase?: number }[]
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.changeAddresses(
      eni.subnetId,
      `INSERT INTO private_ip_addresses (subnet_id, address, network_interface_id, kind, prefix_base)
         SELECT $1, x.address, $2, x.kind, x.prefix_base
         FROM unnest($3::bigint[], $4::text[], $5::bigint[]) WITH ORDINALITY AS x(address, kind, prefix_base, n)
         ORDER BY x.n
       RETURNING address`,
      [eni.id, rows.map((r) => r.address), rows.map((r) => r.kind), rows.map((r) => r.prefixBase ?? null)]
    );
    const map = this.mapInUse(eni.subnetId);
    for (const row of rows) map?.occupy(row.address);
  }

  private async replaceTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): Promise<void> {
    await this.q('DELETE FROM tags WHERE resource_id = $1', [resourceId]);
    if (tags.length > 0) await this.upsertTags(resourceId, resourceType, tags);
  }

  private async upsertTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): Promise<void> {
    // One row per key, in the order keys first appear, with the last value given: what one upsert per tag leaves.
    const byKey = new Map<string, string>();
    for (const tag of tags) byKey.set(tag.Key, tag.Value);
    await this.q(
      `INSERT INTO tags (resource_id, resource_type, key, value)
         SELECT $1, $2, x.key, x.value FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(key, value, n) ORDER BY x.n
       ON CONFLICT (resource_id, key) DO UPDATE SET value = excluded.value`,
      [resourceId, resourceType, [...byKey.keys()], [...byKey.values()]]
    );
  }

  /** Empties every table but schema_migrations; TRUNCATE waits for the transactions using them to end. */
  async truncateAll(): Promise<void> {
    const tables = await this.q(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY 1"
    );
    if (tables.length > 0)
      await this.q(`TRUNCATE ${tables.map((t) => pg.escapeIdentifier(t.tablename as string)).join(', ')}`);
    this.forgetPrefetched();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // VPCs

  async getVpc(id: string, options?: { readonly forUpdate?: boolean }): Promise<Vpc | undefined> {
    await this.lock([`vpc:${id}`], options?.forUpdate ? 'exclusive' : 'shared');
    const [r] = await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM vpcs r WHERE r.id = $1`, [id]);
    return r && vpcFrom(r);
  }

  async listVpcs(): Promise<Vpc[]> {
    return (await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM vpcs r ORDER BY r.seq`)).map(vpcFrom);
  }

  async insertVpc(vpc: Vpc): Promise<void> {
    await this.lock([`vpc:${vpc.id}`]);
    await this.q(
      `INSERT INTO vpcs (id, cidr_base, prefix_length, cidr_association_id, is_default, instance_tenancy, dhcp_options_id,
         owner_id, default_security_group_id, enable_dns_support, enable_dns_hostnames,
         enable_network_address_usage_metrics) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        vpc.id,
        vpc.cidr.base,
        vpc.cidr.prefixLength,
        vpc.cidrAssociationId,
        vpc.isDefault,
        vpc.instanceTenancy,
        vpc.dhcpOptionsId,
        vpc.ownerId,
        vpc.defaultSecurityGroupId,
        vpc.enableDnsSupport,
        vpc.enableDnsHostnames,
        vpc.enableNetworkAddressUsageMetrics
      ]
    );
    await this.replaceTags(vpc.id, 'vpc', vpc.tags);
  }

  async updateVpcAttributes(vpc: Vpc): Promise<void> {
    // Exclusive, as for deletion; held already when the VPC was read for update (getVpc).
    await this.lock([`vpc:${vpc.id}`]);
    await this.q(
      `UPDATE vpcs SET enable_dns_support = $1, enable_dns_hostnames = $2, enable_network_address_usage_metrics = $3
       WHERE id = $4`,
      [vpc.enableDnsSupport, vpc.enableDnsHostnames, vpc.enableNetworkAddressUsageMetrics, vpc.id]
    );
  }

  async deleteVpc(id: string): Promise<void> {
    await this.lock([`vpc:${id}`]);
    await this.q('DELETE FROM tags WHERE resource_id = $1', [id]);
    await this.q('DELETE FROM vpcs WHERE id = $1', [id]);
  }

  async countSubnetsInVpc(vpcId: string): Promise<number> {
    // No lock: deleting the VPC takes its lock exclusively, after which a subnet added since fails the foreign key.
    return (await this.q('SELECT count(*) AS n FROM subnets WHERE vpc_id = $1', [vpcId]))[0]!.n as number;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Subnets

  async getSubnet(id: string): Promise<Subnet | undefined> {
    // No lock: a subnet's row never changes, and whatever is written under it takes the subnet's lock itself.
    if (this.prefetched.subnets.has(id)) {
      const r = this.prefetched.subnets.get(id);
      return r && subnetFrom(r);
    }
    const [r] = await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM subnets r WHERE r.id = $1`, [id]);
    return r && subnetFrom(r);
  }

  async listSubnets(): Promise<Subnet[]> {
    const rows = await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM subnets r ORDER BY r.seq`);
    if (!this.readOnly && !this.held.has(SUBNETS_LOCK)) {
      this.subnetsSeen ??= { count: rows.length, maxSeq: rows.reduce((max, r) => Math.max(max, r.seq as number), 0) };
    }
    return rows.map(subnetFrom);
  }

  async insertSubnet(subnet: Subnet): Promise<void> {
    await this.lockSubnetSet();
    await this.lockSubnets([subnet.id]);
    await this.q(
      `INSERT INTO subnets (id, vpc_id, cidr_base, prefix_length, availability_zone, availability_zone_id, default_for_az,
         map_public_ip_on_launch, owner_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        subnet.id,
        subnet.vpcId,
        subnet.cidr.base,
        subnet.cidr.prefixLength,
        subnet.availabilityZone,
        subnet.availabilityZoneId,
        subnet.defaultForAz,
        subnet.mapPublicIpOnLaunch,
        subnet.ownerId
      ]
    );
    await this.replaceTags(subnet.id, 'subnet', subnet.tags);
  }

  async deleteSubnet(id: string): Promise<void> {
    await this.lockSubnetSet();
    await this.lockSubnets([id]);
    this.forgetPrefetched();
    // Terminated instances EC2 still lists go with their subnet: DeleteSubnet has already refused live ones.
    await this.q(
      "DELETE FROM tags WHERE resource_id IN (SELECT id FROM instances WHERE subnet_id = $1 AND state = 'terminated')",
      [id]
    );
    await this.q(
      `DELETE FROM instance_metadata_journal
       WHERE instance_id IN (SELECT id FROM instances WHERE subnet_id = $1 AND state = 'terminated')`,
      [id]
    );
    await this.q("DELETE FROM instances WHERE subnet_id = $1 AND state = 'terminated'", [id]);
    await this.q('DELETE FROM tags WHERE resource_id = $1', [id]);
    await this.q('DELETE FROM subnets WHERE id = $1', [id]);
    this.maps.delete(id);
    this.store.maps.delete(id);
  }

  /**
   * Adding or deleting a subnet takes the set's lock. A list of subnets read earlier in this transaction, without
   * it, is checked now that no other node can change the set: nothing added or deleted since (every addition takes
   * a larger seq, so the count and the largest seq tell). Otherwise the transaction runs again.
   */
  private async lockSubnetSet(): Promise<void> {
    const hadLock = this.held.has(SUBNETS_LOCK);
    await this.lock([SUBNETS_LOCK]);
    if (hadLock || this.subnetsSeen === undefined || this.readOnly) return;
    const [now] = await this.q('SELECT count(*) AS count, coalesce(max(seq), 0) AS max_seq FROM subnets');
    if (now!.count !== this.subnetsSeen.count || now!.max_seq !== this.subnetsSeen.maxSeq)
      throw this.stale('subnets changed');
  }

  async addressMap(subnet: Subnet): Promise<AddressMap> {
    await this.lockSubnets([subnet.id]);
    const mine = this.maps.get(subnet.id);
    if (mine) return mine.map;
    const cached = this.store.maps.get(subnet.id);
    if (cached && this.prefetched.versions.get(subnet.id) === cached.version) {
      this.maps.set(subnet.id, cached);
      return cached.map;
    }
    // The rows come back only when the cached map is not for the current version: one round trip either way.
    const [r] = await this.q(
      `SELECT version, CASE WHEN version = $2 THEN NULL
         ELSE array(SELECT address FROM private_ip_addresses WHERE subnet_id = $1) END AS addresses
       FROM subnets WHERE id = $1`,
      [subnet.id, cached?.version ?? -1]
    );
    if (!r) return new AddressMap(subnet.cidr);
    let entry: CachedMap;
    if (r.addresses === null && cached) {
      entry = cached;
    } else {
      const map = new AddressMap(subnet.cidr);
      for (const address of r.addresses as (string | number)[]) map.occupy(Number(address));
      entry = { version: r.version as number, map };
      // A reader installs what it built only where nothing is cached: a writer's map may be newer than its snapshot.
      if (!this.readOnly || !this.store.maps.has(subnet.id)) this.store.maps.set(subnet.id, entry);
    }
    if (this.readOnly) {
      // Without the lock, a writer on this node may change the cached map while this reader still looks at it.
      entry = { version: entry.version, map: entry.map.clone() };
    }
    this.maps.set(subnet.id, entry);
    return entry.map;
  }

  async countNetworkInterfacesInSubnet(subnetId: string): Promise<number> {
    await this.lockSubnets([subnetId]);
    return (await this.q('SELECT count(*) AS n FROM network_interfaces WHERE subnet_id = $1', [subnetId]))[0]!
      .n as number;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Network interfaces and their addresses

  async getNetworkInterface(id: string): Promise<NetworkInterface | undefined> {
    const subnetId = this.readOnly ? undefined : await this.subnetOf('network_interfaces', id);
    if (!this.readOnly && subnetId === undefined) return undefined;
    if (subnetId === undefined || this.held.get(`subnet:${subnetId}`) === 'exclusive') {
      const [r] = await this.q(`SELECT ${INTERFACE_COLUMNS} FROM network_interfaces n WHERE n.id = $1`, [id]);
      return r && interfaceFrom(r);
    }
    // The locks of its instance and its subnet, then the interface and what an action on it reads next, in one
    // round trip.
    const [attachedTo, , interfaces, subnets, reservations, elasticIps] = await this.batch([
      this.attachedInstanceLockStatement(id),
      this.lockStatement([`subnet:${subnetId}`], 'exclusive'),
      `SELECT ${INTERFACE_COLUMNS} FROM network_interfaces n WHERE n.id = ${pg.escapeLiteral(id)}`,
      `SELECT r.*, ${tagsOf('r.id')} FROM subnets r WHERE r.id = ${pg.escapeLiteral(subnetId)}`,
      `SELECT r.*, ${tagsOf('r.id')} FROM subnet_cidr_reservations r WHERE r.subnet_id = ${pg.escapeLiteral(subnetId)} ORDER BY r.seq`,
      `SELECT r.*, ${tagsOf('r.allocation_id')} FROM elastic_ips r WHERE r.network_interface_id = ${pg.escapeLiteral(id)} ORDER BY r.seq`
    ]);
    this.holdAttachedInstance(attachedTo!);
    this.held.set(`subnet:${subnetId}`, 'exclusive');
    const subnet = subnets![0];
    this.prefetched.subnets.set(subnetId, subnet);
    if (subnet) this.prefetched.versions.set(subnetId, subnet.version as number);
    this.prefetched.reservations.set(subnetId, reservations!);
    this.prefetched.elasticIps.set(id, elasticIps!);
    const r = interfaces![0];
    return r && interfaceFrom(r);
  }

  async listNetworkInterfaces(): Promise<NetworkInterface[]> {
    return (await this.q(`SELECT ${INTERFACE_COLUMNS} FROM network_interfaces n ORDER BY n.seq`)).map(interfaceFrom);
  }

  async insertNetworkInterface(eni: NetworkInterface): Promise<void> {
    await this.lockSubnets([eni.subnetId]);
    if (eni.attachment) await this.lock([`instance:${eni.attachment.instanceId}`]);
    await this.q(
      `INSERT INTO network_interfaces (id, subnet_id, vpc_id, availability_zone, description, mac_address, owner_id,
         interface_type, source_dest_check, requester_managed, groups_json, attachment_id, instance_id, device_index,
         network_card_index, attach_time, delete_on_termination)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        eni.id,
        eni.subnetId,
        eni.vpcId,
        eni.availabilityZone,
        eni.description,
        eni.macAddress,
        eni.ownerId,
        eni.interfaceType,
        eni.sourceDestCheck,
        eni.requesterManaged,
        JSON.stringify(eni.groups),
        ...attachmentColumns(eni.attachment)
      ]
    );
    this.store.rememberSubnetOf(eni.id, eni.subnetId);
    await this.insertAddressRows(eni, [
      ...eni.privateIpAddresses.map((a) => ({
        address: a.address,
        kind: a.primary ? ('primary' as const) : ('secondary' as const)
      })),
      ...eni.ipv4Prefixes.flatMap(prefixRows)
    ]);
    await this.replaceTags(eni.id, 'network-interface', eni.tags);
  }

  async deleteNetworkInterface(id: string): Promise<void> {
    if (!(await this.lockInterface(id))) return;
    this.forgetPrefetched();
    const [r] = await this.q(
      `SELECT subnet_id, instance_id, EXISTS (SELECT 1 FROM elastic_ips e WHERE e.network_interface_id = n.id) AS has_eips
       FROM network_interfaces n WHERE id = $1`,
      [id]
    );
    if (!r) return;
    const subnetId = r.subnet_id as string;
    if (r.instance_id) await this.lock([`instance:${r.instance_id as string}`]);
    if (r.has_eips) {
      // Elastic IPs on its addresses are disassociated with it.
      await this.lock([ELASTIC_IPS_LOCK]);
      await this.q(
        'UPDATE elastic_ips SET association_id = NULL, network_interface_id = NULL, private_ip_address = NULL WHERE network_interface_id = $1',
        [id]
      );
    }
    const released = await this.changeAddresses(
      subnetId,
      'DELETE FROM private_ip_addresses WHERE subnet_id = $1 AND network_interface_id = $2 RETURNING address',
      [id]
    );
    const map = this.mapInUse(subnetId);
    for (const address of released) map?.release(address);
    await this.q('DELETE FROM tags WHERE resource_id = $1', [id]);
    await this.q('DELETE FROM network_interfaces WHERE id = $1', [id]);
  }

  async addressHolders(subnetId: string, addresses: readonly number[]): Promise<Map<number, AddressHolder>> {
    await this.lockSubnets([subnetId]);
    const holders = new Map<number, AddressHolder>();
    if (addresses.length === 0) return holders;
    const rows = await this.q(
      `SELECT address, network_interface_id, kind, prefix_base FROM private_ip_addresses
       WHERE subnet_id = $1 AND address = ANY($2::bigint[])`,
      [subnetId, [...addresses]]
    );
    for (const r of rows) {
      holders.set(r.address as number, {
        networkInterfaceId: r.network_interface_id as string,
        primary: r.kind === 'primary',
        ...(r.kind === 'prefix' ? { prefixBase: r.prefix_base as number } : {})
      });
    }
    return holders;
  }

  async addSecondaryAddresses(eni: NetworkInterface, addresses: readonly number[]): Promise<void> {
    await this.insertAddressRows(
      eni,
      addresses.map((address) => ({ address, kind: 'secondary' as const }))
    );
  }

  async removeSecondaryAddresses(eni: NetworkInterface, addresses: readonly number[]): Promise<void> {
    if (addresses.length === 0) return;
    const removed = await this.changeAddresses(
      eni.subnetId,
      `DELETE FROM private_ip_addresses WHERE subnet_id = $1 AND network_interface_id = $2 AND kind = 'secondary'
         AND address = ANY($3::bigint[]) RETURNING address`,
      [eni.id, [...addresses]]
    );
    const gone = new Set(removed);
    const missing = addresses.find((address) => !gone.has(address));
    if (missing !== undefined || removed.length !== addresses.length) {
      throw new Error(`address ${missing ?? addresses[0]} is not a secondary address of ${eni.id}`);
    }
    const map = this.mapInUse(eni.subnetId);
    for (const address of removed) map?.release(address);
  }

  async addPrefixes(eni: NetworkInterface, bases: readonly number[]): Promise<void> {
    await this.insertAddressRows(eni, bases.flatMap(prefixRows));
  }

  async removePrefixes(eni: NetworkInterface, bases: readonly number[]): Promise<void> {
    if (bases.length === 0) return;
    const removed = await this.changeAddresses(
      eni.subnetId,
      `DELETE FROM private_ip_addresses WHERE subnet_id = $1 AND network_interface_id = $2 AND kind = 'prefix'
         AND prefix_base = ANY($3::bigint[]) RETURNING address`,
      [eni.id, [...bases]]
    );
    const perBase = new Map<number, number>();
    for (const address of removed)
      perBase.set(address - (address % 16), (perBase.get(address - (address % 16)) ?? 0) + 1);
    for (const base of bases) {
      if (perBase.get(base) !== 16) throw new Error(`prefix ${base} is not delegated to ${eni.id}`);
    }
    const map = this.mapInUse(eni.subnetId);
    for (const address of removed) map?.release(address);
  }

  async updateNetworkInterface(eni: NetworkInterface): Promise<void> {
    await this.lockInterface(eni.id);
    const [current] = await this.q('SELECT instance_id FROM network_interfaces WHERE id = $1', [eni.id]);
    // An attachment changes what both the old and the new instance have attached.
    const instances = [current?.instance_id as string | null, eni.attachment?.instanceId].filter(
      (i): i is string => !!i
    );
    await this.lock(instances.map((i) => `instance:${i}`));
    await this.q(
      `UPDATE network_interfaces SET description = $1, source_dest_check = $2, groups_json = $3, attachment_id = $4,
         instance_id = $5, device_index = $6, network_card_index = $7, attach_time = $8, delete_on_termination = $9
       WHERE id = $10`,
      [eni.description, eni.sourceDestCheck, JSON.stringify(eni.groups), ...attachmentColumns(eni.attachment), eni.id]
    );
  }

  async listAttachedNetworkInterfaces(instanceId: string): Promise<NetworkInterface[]> {
    await this.lock([`instance:${instanceId}`]);
    const rows = await this.q(
      `SELECT ${INTERFACE_COLUMNS} FROM network_interfaces n WHERE n.instance_id = $1 ORDER BY n.network_card_index, n.device_index`,
      [instanceId]
    );
    return rows.map(interfaceFrom);
  }

  async findAttachment(
    attachmentId: string
  ): Promise<{ networkInterfaceId: string; attachment: Attachment } | undefined> {
    const find = async (): Promise<Row | undefined> =>
      (await this.q('SELECT * FROM network_interfaces WHERE attachment_id = $1', [attachmentId]))[0];
    let r = await find();
    if (r && !this.readOnly) {
      // Read again under the interface's locks: the attachment may have changed before they were ours.
      await this.lockInterface(r.id as string);
      r = await find();
    }
    return r && { networkInterfaceId: r.id as string, attachment: attachmentFrom(r) };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Instances

  async getInstance(id: string): Promise<Instance | undefined> {
    await this.lock([`instance:${id}`]);
    const [r] = await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM instances r WHERE r.id = $1`, [id]);
    this.instancesSeen.delete(id);
    return r && instanceFrom(r);
  }

  async listInstances(): Promise<Instance[]> {
    const rows = await this.q(
      `SELECT r.*, r.xmin::text AS row_version, ${tagsOf('r.id')} FROM instances r ORDER BY r.seq`
    );
    if (!this.readOnly) {
      // Read without the instances' locks: updateInstance checks that the row is still the one read here.
      for (const r of rows)
        if (!this.held.has(`instance:${r.id as string}`))
          this.instancesSeen.set(r.id as string, r.row_version as string);
    }
    return rows.map(instanceFrom);
  }

  async insertInstance(instance: Instance): Promise<void> {
    await this.lock([`instance:${instance.id}`]);
    await this.q(
      `INSERT INTO instances (id, reservation_id, image_id, instance_type, subnet_id, vpc_id, availability_zone, owner_id,
         state, state_transition_reason, launch_time, ami_launch_index, client_token, groups_json, http_tokens,
         http_endpoint, http_put_response_hop_limit, launch_json)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        instance.id,
        instance.reservationId,
        instance.imageId,
        instance.instanceType,
        instance.subnetId,
        instance.vpcId,
        instance.availabilityZone,
        instance.ownerId,
        instance.state,
        instance.stateTransitionReason,
        instance.launchTime,
        instance.amiLaunchIndex,
        instance.clientToken ?? null,
        JSON.stringify(instance.groups),
        instance.metadataOptions.httpTokens,
        instance.metadataOptions.httpEndpoint,
        instance.metadataOptions.httpPutResponseHopLimit,
        launchJson(instance)
      ]
    );
    await this.replaceTags(instance.id, 'instance', instance.tags);
  }

  async updateInstance(instance: Instance): Promise<void> {
    await this.lock([`instance:${instance.id}`]);
    const seen = this.instancesSeen.get(instance.id);
    const rows = await this.q(
      `UPDATE instances SET state = $1, state_transition_reason = $2, http_tokens = $3, http_endpoint = $4,
         http_put_response_hop_limit = $5 WHERE id = $6 AND ($7::text IS NULL OR xmin::text = $7) RETURNING id`,
      [
        instance.state,
        instance.stateTransitionReason,
        instance.metadataOptions.httpTokens,
        instance.metadataOptions.httpEndpoint,
        instance.metadataOptions.httpPutResponseHopLimit,
        instance.id,
        seen ?? null
      ]
    );
    if (seen !== undefined) {
      if (rows.length === 0) throw this.stale(`instance ${instance.id} changed since it was listed`);
      this.instancesSeen.delete(instance.id);
    }
  }

  async countInstancesInSubnet(subnetId: string, states: readonly string[]): Promise<number> {
    await this.lockSubnets([subnetId]);
    return (
      await this.q('SELECT count(*) AS n FROM instances WHERE subnet_id = $1 AND state = ANY($2::text[])', [
        subnetId,
        [...states]
      ])
    )[0]!.n as number;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Elastic IPs: one lock for all of them (allocation checks the quota and the pool), plus the subnet lock of an
  // interface whose addresses gain or lose an association.

  async getElasticIp(allocationId: string): Promise<ElasticIp | undefined> {
    await this.lock([ELASTIC_IPS_LOCK]);
    const [r] = await this.q(`SELECT r.*, ${tagsOf('r.allocation_id')} FROM elastic_ips r WHERE r.allocation_id = $1`, [
      allocationId
    ]);
    return r && elasticIpFrom(r);
  }

  async getElasticIpByPublicIp(publicIp: number): Promise<ElasticIp | undefined> {
    await this.lock([ELASTIC_IPS_LOCK]);
    const [r] = await this.q(`SELECT r.*, ${tagsOf('r.allocation_id')} FROM elastic_ips r WHERE r.public_ip = $1`, [
      publicIp
    ]);
    return r && elasticIpFrom(r);
  }

  async listElasticIps(): Promise<ElasticIp[]> {
    await this.lock([ELASTIC_IPS_LOCK]);
    return (await this.q(`SELECT r.*, ${tagsOf('r.allocation_id')} FROM elastic_ips r ORDER BY r.seq`)).map(
      elasticIpFrom
    );
  }

  async insertElasticIp(eip: ElasticIp): Promise<void> {
    await this.lock([ELASTIC_IPS_LOCK]);
    this.forgetPrefetched();
    if (eip.association) await this.lockInterface(eip.association.networkInterfaceId);
    await this.q(
      `INSERT INTO elastic_ips (allocation_id, public_ip, owner_id, association_id, network_interface_id, private_ip_address)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        eip.allocationId,
        eip.publicIp,
        eip.ownerId,
        eip.association?.associationId ?? null,
        eip.association?.networkInterfaceId ?? null,
        eip.association?.privateIpAddress ?? null
      ]
    );
    await this.replaceTags(eip.allocationId, 'elastic-ip', eip.tags);
  }

  /** Locks the subnet of the interface an Elastic IP is associated with now, if any. */
  private async lockAssociatedInterface(allocationId: string): Promise<void> {
    await this.lock([ELASTIC_IPS_LOCK]);
    const [r] = await this.q('SELECT network_interface_id FROM elastic_ips WHERE allocation_id = $1', [allocationId]);
    if (r?.network_interface_id) await this.lockInterface(r.network_interface_id as string);
  }

  async deleteElasticIp(allocationId: string): Promise<void> {
    await this.lockAssociatedInterface(allocationId);
    this.forgetPrefetched();
    await this.q('DELETE FROM tags WHERE resource_id = $1', [allocationId]);
    await this.q('DELETE FROM elastic_ips WHERE allocation_id = $1', [allocationId]);
  }

  async setElasticIpAssociation(allocationId: string, association: ElasticIp['association']): Promise<void> {
    await this.lockAssociatedInterface(allocationId);
    this.forgetPrefetched();
    if (association) await this.lockInterface(association.networkInterfaceId);
    await this.q(
      'UPDATE elastic_ips SET association_id = $1, network_interface_id = $2, private_ip_address = $3 WHERE allocation_id = $4',
      [
        association?.associationId ?? null,
        association?.networkInterfaceId ?? null,
        association?.privateIpAddress ?? null,
        allocationId
      ]
    );
  }

  async lockPublicIpPool(): Promise<void> {
    if (this.readOnly) return;
    // Global, not per schema: every account's and region's schema draws from the one pool.
    await this.batch([`SELECT pg_advisory_xact_lock(${this.store.lockKey('public-ip-pool', true)}::bigint)`]);
  }

  async elasticIpsOnInterface(networkInterfaceId: string): Promise<ElasticIp[]> {
    // The interface's subnet lock is enough: every change to an association holds it.
    await this.lockInterface(networkInterfaceId);
    const rows =
      this.prefetched.elasticIps.get(networkInterfaceId) ??
      (await this.q(
        `SELECT r.*, ${tagsOf('r.allocation_id')} FROM elastic_ips r WHERE r.network_interface_id = $1 ORDER BY r.seq`,
        [networkInterfaceId]
      ));
    return rows.map(elasticIpFrom);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Subnet CIDR reservations: under their subnet's lock, since they steer where addresses are picked.

  async getSubnetCidrReservation(id: string): Promise<SubnetCidrReservation | undefined> {
    if (!this.readOnly) {
      const subnetId = await this.subnetOf('subnet_cidr_reservations', id);
      if (subnetId === undefined) return undefined;
      await this.lockSubnets([subnetId]);
    }
    const [r] = await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM subnet_cidr_reservations r WHERE r.id = $1`, [id]);
    return r && reservationFrom(r);
  }

  async listSubnetCidrReservations(subnetId?: string): Promise<SubnetCidrReservation[]> {
    if (subnetId === undefined) {
      return (await this.q(`SELECT r.*, ${tagsOf('r.id')} FROM subnet_cidr_reservations r ORDER BY r.seq`)).map(
        reservationFrom
      );
    }
    await this.lockSubnets([subnetId]);
    const rows =
      this.prefetched.reservations.get(subnetId) ??
      (await this.q(
        `SELECT r.*, ${tagsOf('r.id')} FROM subnet_cidr_reservations r WHERE r.subnet_id = $1 ORDER BY r.seq`,
        [subnetId]
      ));
    return rows.map(reservationFrom);
  }

  async insertSubnetCidrReservation(reservation: SubnetCidrReservation): Promise<void> {
    await this.lockSubnets([reservation.subnetId]);
    this.forgetPrefetched();
    await this.q(
      `INSERT INTO subnet_cidr_reservations (id, subnet_id, cidr_base, prefix_length, reservation_type, description, owner_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        reservation.id,
        reservation.subnetId,
        reservation.cidr.base,
        reservation.cidr.prefixLength,
        reservation.reservationType,
        reservation.description,
        reservation.ownerId
      ]
    );
    this.store.rememberSubnetOf(reservation.id, reservation.subnetId);
    await this.replaceTags(reservation.id, 'subnet-cidr-reservation', reservation.tags);
  }

  async deleteSubnetCidrReservation(id: string): Promise<void> {
    const subnetId = await this.subnetOf('subnet_cidr_reservations', id);
    if (subnetId !== undefined) await this.lockSubnets([subnetId]);
    this.forgetPrefetched();
    await this.q('DELETE FROM tags WHERE resource_id = $1', [id]);
    await this.q('DELETE FROM subnet_cidr_reservations WHERE id = $1', [id]);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tags: the resource's own lock, taken when it was looked up, orders an upsert with the resource's deletion; a
  // subnet, looked up without one, is locked here.

  async setTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): Promise<void> {
    this.forgetPrefetched();
    if (tags.length === 0) return;
    if (resourceType === 'subnet') {
      // A subnet is read without its lock (getSubnet): take it before writing, so that a deletion on another node
      // comes after this transaction or has committed, and then tag only a subnet that is still there.
      await this.lockSubnets([resourceId]);
      if ((await this.q('SELECT 1 FROM subnets WHERE id = $1', [resourceId])).length === 0) return;
    }
    await this.upsertTags(resourceId, resourceType, tags);
  }

  async deleteTags(
    resourceId: string,
    tags?: readonly { readonly Key: string; readonly Value?: string }[]
  ): Promise<void> {
    this.forgetPrefetched();
    if (tags === undefined) {
      await this.q('DELETE FROM tags WHERE resource_id = $1', [resourceId]);
      return;
    }
    for (const tag of tags) {
      if (tag.Value === undefined)
        await this.q('DELETE FROM tags WHERE resource_id = $1 AND key = $2', [resourceId, tag.Key]);
      else
        await this.q('DELETE FROM tags WHERE resource_id = $1 AND key = $2 AND value = $3', [
          resourceId,
          tag.Key,
          tag.Value
        ]);
    }
  }

  async tagsOf(resourceId: string): Promise<Tag[]> {
    const rows = await this.q('SELECT key, value FROM tags WHERE resource_id = $1 ORDER BY seq', [resourceId]);
    return rows.map((r) => ({ Key: r.key as string, Value: r.value as string }));
  }

  async listTags(): Promise<ResourceTag[]> {
    const rows = await this.q('SELECT resource_id, resource_type, key, value FROM tags ORDER BY resource_id, key');
    return rows.map((r): ResourceTag => ({
      resourceId: r.resource_id as string,
      resourceType: r.resource_type as ResourceType,
      key: r.key as string,
      value: r.value as string
    }));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Client tokens and meta: a lock per token and per key, so that check-then-put runs once across nodes.

  async getClientToken(action: string, token: string): Promise<ClientTokenRecord | undefined> {
    await this.lock([`client-token:${action}:${token}`]);
    const [r] = await this.q('SELECT request_hash, resource_id FROM client_tokens WHERE action = $1 AND token = $2', [
      action,
      token
    ]);
    return r && { requestHash: r.request_hash as string, resourceId: r.resource_id as string };
  }

  async putClientToken(action: string, token: string, record: ClientTokenRecord): Promise<void> {
    await this.lock([`client-token:${action}:${token}`]);
    await this.q('INSERT INTO client_tokens (action, token, request_hash, resource_id) VALUES ($1, $2, $3, $4)', [
      action,
      token,
      record.requestHash,
      record.resourceId
    ]);
  }

  async getMeta(key: string): Promise<string | undefined> {
    await this.lock([`meta:${key}`]);
    const [r] = await this.q('SELECT value FROM meta WHERE key = $1', [key]);
    return r?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.lock([`meta:${key}`]);
    await this.q(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value]
    );
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The instance metadata journal: under the instance's lock, so that one instance's entries commit in seq order.

  async appendMetadataJournal(instanceId: string, effectiveAt: number, snapshot: string): Promise<void> {
    await this.lock([`instance:${instanceId}`]);
    await this.q('INSERT INTO instance_metadata_journal (instance_id, effective_at, snapshot) VALUES ($1, $2, $3)', [
      instanceId,
      effectiveAt,
      snapshot
    ]);
  }

  async listMetadataJournal(instanceId: string): Promise<MetadataJournalEntry[]> {
    await this.lock([`instance:${instanceId}`]);
    const rows = await this.q(
      'SELECT seq, effective_at, snapshot FROM instance_metadata_journal WHERE instance_id = $1 ORDER BY seq',
      [instanceId]
    );
    return rows.map((r) => ({
      seq: r.seq as number,
      instanceId,
      effectiveAt: r.effective_at as number,
      snapshot: r.snapshot as string
    }));
  }

  async metadataJournalEnds(instanceId: string, now: number): Promise<MetadataJournalEnds> {
    await this.lock([`instance:${instanceId}`]);
    const [r] = await this.q(
      // The entry before the oldest one still pending: found from the oldest end, past the few already due.
      `SELECT seq, effective_at, snapshot,
         (SELECT min(seq) FROM instance_metadata_journal WHERE instance_id = $1) AS first_seq,
         (SELECT max(seq) FROM instance_metadata_journal WHERE instance_id = $1 AND seq < coalesce(
            (SELECT seq FROM instance_metadata_journal WHERE instance_id = $1 AND effective_at > $2 ORDER BY seq LIMIT 1),
            9223372036854775807)) AS due_seq
       FROM instance_metadata_journal WHERE instance_id = $1 ORDER BY seq DESC LIMIT 1`,
      [instanceId, now]
    );
    if (!r) return { last: undefined, firstSeq: undefined, dueSeq: undefined };
    return {
      last: { seq: r.seq as number, instanceId, effectiveAt: r.effective_at as number, snapshot: r.snapshot as string },
      firstSeq: r.first_seq as number,
      dueSeq: (r.due_seq as number | null) ?? undefined
    };
  }

  async pruneMetadataJournal(instanceId: string, belowSeq: number): Promise<void> {
    await this.lock([`instance:${instanceId}`]);
    await this.q('DELETE FROM instance_metadata_journal WHERE instance_id = $1 AND seq < $2', [instanceId, belowSeq]);
  }
}

function cidrFrom(r: Row): Cidr {
  return { base: r.cidr_base as number, prefixLength: r.prefix_length as number };
}

function vpcFrom(r: Row): Vpc {
  return {
    id: r.id as string,
    cidr: cidrFrom(r),
    cidrAssociationId: r.cidr_association_id as string,
    isDefault: r.is_default as boolean,
    instanceTenancy: r.instance_tenancy as string,
    dhcpOptionsId: r.dhcp_options_id as string,
    ownerId: r.owner_id as string,
    defaultSecurityGroupId: r.default_security_group_id as string,
    enableDnsSupport: r.enable_dns_support as boolean,
    enableDnsHostnames: r.enable_dns_hostnames as boolean,
    enableNetworkAddressUsageMetrics: r.enable_network_address_usage_metrics as boolean,
    tags: r.tags as Tag[]
  };
}

function subnetFrom(r: Row): Subnet {
  return {
    id: r.id as string,
    vpcId: r.vpc_id as string,
    cidr: cidrFrom(r),
    availabilityZone: r.availability_zone as string,
    availabilityZoneId: r.availability_zone_id as string,
    defaultForAz: r.default_for_az as boolean,
    mapPublicIpOnLaunch: r.map_public_ip_on_launch as boolean,
    ownerId: r.owner_id as string,
    tags: r.tags as Tag[]
  };
}

function interfaceFrom(r: Row): NetworkInterface {
  const privateIpAddresses = [];
  const ipv4Prefixes: number[] = [];
  for (const a of r.addresses as { address: number; kind: string; prefix_base: number | null }[]) {
    if (a.kind === 'prefix') {
      if (a.address === a.prefix_base) ipv4Prefixes.push(a.prefix_base);
    } else {
      privateIpAddresses.push({ address: a.address, primary: a.kind === 'primary' });
    }
  }
  // Primary first, then the secondaries in assignment order (rows come in seq order).
  privateIpAddresses.sort((x, y) => Number(y.primary) - Number(x.primary));
  return {
    id: r.id as string,
    subnetId: r.subnet_id as string,
    vpcId: r.vpc_id as string,
    availabilityZone: r.availability_zone as string,
    description: r.description as string,
    macAddress: r.mac_address as string,
    ownerId: r.owner_id as string,
    interfaceType: r.interface_type as string,
    sourceDestCheck: r.source_dest_check as boolean,
    requesterManaged: r.requester_managed as boolean,
    groups: r.groups_json as SecurityGroupRef[],
    privateIpAddresses,
    ipv4Prefixes,
    tags: r.tags as Tag[],
    ...(r.attachment_id ? { attachment: attachmentFrom(r) } : {})
  };
}

function attachmentFrom(r: Row): Attachment {
  return {
    attachmentId: r.attachment_id as string,
    instanceId: r.instance_id as string,
    deviceIndex: r.device_index as number,
    networkCardIndex: r.network_card_index as number,
    attachTime: r.attach_time as Date,
    deleteOnTermination: r.delete_on_termination as boolean
  };
}

function attachmentColumns(a: Attachment | undefined): unknown[] {
  return a
    ? [a.attachmentId, a.instanceId, a.deviceIndex, a.networkCardIndex, a.attachTime, a.deleteOnTermination]
    : [null, null, null, null, null, null];
}

function instanceFrom(r: Row): Instance {
  return {
    id: r.id as string,
    reservationId: r.reservation_id as string,
    imageId: r.image_id as string,
    instanceType: r.instance_type as string,
    subnetId: r.subnet_id as string,
    vpcId: r.vpc_id as string,
    availabilityZone: r.availability_zone as string,
    ownerId: r.owner_id as string,
    state: r.state as Instance['state'],
    stateTransitionReason: r.state_transition_reason as string,
    launchTime: r.launch_time as Date,
    amiLaunchIndex: r.ami_launch_index as number,
    ...(r.client_token ? { clientToken: r.client_token as string } : {}),
    groups: r.groups_json as SecurityGroupRef[],
    metadataOptions: {
      httpTokens: r.http_tokens as Instance['metadataOptions']['httpTokens'],
      httpEndpoint: r.http_endpoint as Instance['metadataOptions']['httpEndpoint'],
      httpPutResponseHopLimit: r.http_put_response_hop_limit as number
    },
    tags: r.tags as Tag[],
    ...launchFields(r.launch_json)
  };
}

function elasticIpFrom(r: Row): ElasticIp {
  return {
    allocationId: r.allocation_id as string,
    publicIp: r.public_ip as number,
    ownerId: r.owner_id as string,
    ...(r.association_id
      ? {
          association: {
            associationId: r.association_id as string,
            networkInterfaceId: r.network_interface_id as string,
            privateIpAddress: r.private_ip_address as number
          }
        }
      : {}),
    tags: r.tags as Tag[]
  };
}

function reservationFrom(r: Row): SubnetCidrReservation {
  return {
    id: r.id as string,
    subnetId: r.subnet_id as string,
    cidr: cidrFrom(r),
    reservationType: r.reservation_type as SubnetCidrReservation['reservationType'],
    description: r.description as string,
    ownerId: r.owner_id as string,
    tags: r.tags as Tag[]
  };
}

function prefixRows(base: number): { address: number; kind: 'prefix'; prefixBase: number }[] {
  return Array.from({ length: 16 }, (_, i) => ({ address: base + i, kind: 'prefix' as const, prefixBase: base }));
}
