import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { AddressMap } from '../domain/address-map.js';
import {
  type Cidr,
  cidrContains,
  cidrContainsCidr,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  isReservedInSubnet
} from '../domain/ipv4.js';
import { PARTITION_REGISTRY, registeredPartitions } from './partitions.js';
import { numericTypes, partitionSchema } from './postgres-store.js';

/** One broken invariant of a data folder: which rule, and where. */
export interface Violation {
  readonly rule: string;
  readonly detail: string;
}

export interface CheckReport {
  readonly violations: readonly Violation[];
  readonly counts: {
    readonly subnets: number;
    readonly networkInterfaces: number;
    readonly addressRows: number;
    readonly instances: number;
  };
  /** States checked: the home one and every other account's and region's. */
  readonly partitions: number;
}

/** The folder holds no ec2lite state: a usage error, not a violation. */
export class NoDataError extends Error {}

/** The SQLite file of a data folder, as the emulator names it. */
export function dataFile(dataDir: string): string {
  return join(dataDir, 'ec2lite.sqlite');
}

/** The SQLite file of another account's and region's state (store/partitions.ts) in a data folder. */
export function partitionFile(dataDir: string, accountId: string, region: string): string {
  return join(dataDir, 'accounts', accountId, `${region}.sqlite`);
}

/** The SQLite files of a data folder's other accounts and regions (partitionFile), by "account/region". */
function partitionFiles(dataDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const accounts = join(dataDir, 'accounts');
  if (!existsSync(accounts)) return files;
  for (const account of readdirSync(accounts).sort()) {
    const folder = join(accounts, account);
    if (!statSync(folder).isDirectory()) continue;
    for (const name of readdirSync(folder).sort()) {
      if (name.endsWith('.sqlite')) files.set(`${account}/${name.slice(0, -'.sqlite'.length)}`, join(folder, name));
    }
  }
  return files;
}

/**
 * Checks every invariant of an ec2lite data folder — the home state and every other account's and region's — by
 * reading the SQLite files directly (it writes nothing, so it can run beside a live server and right after a
 * crash): it trusts none of the code that wrote the rows. A violation in another partition names it first.
 */
export async function checkDataFolder(dataDir: string): Promise<CheckReport> {
  const path = dataFile(dataDir);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) throw new NoDataError(`${dataDir} is not a folder`);
  if (!existsSync(path)) throw new NoDataError(`${dataDir} holds no ec2lite state (no ec2lite.sqlite)`);
  const reports: [string | undefined, Omit<CheckReport, 'partitions'>][] = [[undefined, await checkFile(path)]];
  for (const [partition, file] of partitionFiles(dataDir)) reports.push([partition, await checkFile(file)]);
  return merge(reports);
}

/**
 * Checks the state ec2lite keeps in PostgreSQL (`--store`): the URL's schema and every other account's and
 * region's schema beside it, each in one read-only snapshot, so it can run beside live nodes. The database
 * enforces its own constraints; what is checked is that the one on addresses exists, and every rule on the rows.
 */
export async function checkPostgres(url: string): Promise<CheckReport> {
  const client = new pg.Client({ connectionString: url, types: numericTypes() });
  try {
    await client.connect();
  } catch (error) {
    throw new NoDataError(`the database cannot be reached: ${(error as Error).message}`);
  }
  try {
    const home = (await client.query('SELECT current_schema() AS name')).rows[0]?.name as string | null;
    if (!home) throw new NoDataError('the URL names no schema that exists');
    const reports: [string | undefined, Omit<CheckReport, 'partitions'>][] = [
      [undefined, await checkSchema(client, home)]
    ];
    const registry = await client.query(`SELECT value FROM ${pg.escapeIdentifier(home)}.meta WHERE key = $1`, [
      PARTITION_REGISTRY
    ]);
    for (const { accountId, region } of registeredPartitions(registry.rows[0]?.value as string | undefined)) {
      reports.push([`${accountId}/${region}`, await checkSchema(client, partitionSchema(home, accountId, region))]);
    }
    return merge(reports);
  } finally {
    await client.end();
  }
}

async function checkSchema(client: pg.Client, schema: string): Promise<Omit<CheckReport, 'partitions'>> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query(`SET LOCAL search_path = ${pg.escapeIdentifier(schema)}`);
    const all = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await client.query(sql, params)).rows;
    const tables = new Set(
      (await all('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1', [schema])).map(
        (r) => r.name as string
      )
    );
    if (!tables.has('meta')) throw new NoDataError(`schema ${schema} holds no ec2lite state`);
    const rows = await loadRows(tables, (sql) => all(sql));
    const [unique] = await all(
      `SELECT count(*)::int AS n FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
       WHERE s.nspname = $1 AND t.relname = 'private_ip_addresses' AND i.indisunique
         AND (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) = ARRAY['subnet_id', 'address']`,
      [schema]
    );
    const duplicates = await all(
      `SELECT subnet_id, address, string_agg(network_interface_id, ', ') AS holders FROM private_ip_addresses
       GROUP BY subnet_id, address HAVING count(*) > 1`
    );
    return stateReport([], Number(unique?.n) > 0, duplicates, rows);
  } finally {
    await client.query('ROLLBACK');
  }
}

/** One report of several states: a violation outside the home state names its account and region first. */
function merge(reports: readonly [string | undefined, Omit<CheckReport, 'partitions'>][]): CheckReport {
  const sum = (field: keyof CheckReport['counts']): number => reports.reduce((n, [, r]) => n + r.counts[field], 0);
  return {
    violations: reports.flatMap(([partition, r]) =>
      partition === undefined
        ? r.violations
        : r.violations.map((v) => ({ rule: v.rule, detail: `${partition}: ${v.detail}` }))
    ),
    counts: {
      subnets: sum('subnets'),
      networkInterfaces: sum('networkInterfaces'),
      addressRows: sum('addressRows'),
      instances: sum('instances')
    },
    partitions: reports.length
  };
}

async function checkFile(path: string): Promise<Omit<CheckReport, 'partitions'>> {
  let db: Database.Database;
  try {
    // Not opened read-only: a read-only connection leaves empty -wal/-shm files behind. query_only forbids every
    // write; closing the last connection folds a crashed server's WAL into the file, as the next start would.
    db = new Database(path, { fileMustExist: true });
    db.pragma('query_only = ON');
  } catch (error) {
    throw new NoDataError(`${path} cannot be opened: ${(error as Error).message}`);
  }
  try {
    return await checkDatabase(db);
  } finally {
    db.close();
  }
}

type Row = Record<string, unknown>;

interface SubnetRow {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr: Cidr;
}

/**
 * The rows the rules read, the same in both backends' schemas. Optional tables came with later migrations; a
 * data folder from before them has none of those rows.
 */
interface StateRows {
  readonly vpcs: Row[];
  readonly subnets: Row[];
  readonly reservations: Row[];
  readonly interfaces: Row[];
  readonly addresses: Row[];
  readonly instances: Row[];
  readonly elasticIps: Row[];
}

const REQUIRED_TABLES = ['vpcs', 'subnets', 'network_interfaces', 'private_ip_addresses'];

/** Reads the rows the rules check, with `all` running one SELECT; `tables` says which tables exist. */
async function loadRows(tables: ReadonlySet<string>, all: (sql: string) => Row[] | Promise<Row[]>): Promise<StateRows> {
  for (const table of REQUIRED_TABLES) {
    if (!tables.has(table)) throw new NoDataError(`the database has no ${table} table: not ec2lite state`);
  }
  const optional = async (table: string, sql: string): Promise<Row[]> => (tables.has(table) ? all(sql) : []);
  return {
    vpcs: await all('SELECT id, cidr_base, prefix_length FROM vpcs'),
    subnets: await all('SELECT id, vpc_id, cidr_base, prefix_length FROM subnets'),
    reservations: await optional(
      'subnet_cidr_reservations',
      'SELECT id, subnet_id, cidr_base, prefix_length FROM subnet_cidr_reservations'
    ),
    interfaces: await all(
      'SELECT id, subnet_id, vpc_id, attachment_id, instance_id, device_index, network_card_index FROM network_interfaces'
    ),
    addresses: await all(
      'SELECT subnet_id, address, network_interface_id, kind, prefix_base FROM private_ip_addresses ORDER BY seq'
    ),
    instances: await optional('instances', 'SELECT id, state FROM instances'),
    elasticIps: await optional(
      'elastic_ips',
      'SELECT allocation_id, association_id, network_interface_id, private_ip_address FROM elastic_ips'
    )
  };
}

/** The checks of an open SQLite database: the file itself, its constraints, then every rule on its rows. */
async function checkDatabase(db: Database.Database): Promise<Omit<CheckReport, 'partitions'>> {
  const file: Violation[] = [];
  const all = (sql: string, ...params: unknown[]): Row[] => db.prepare(sql).all(...params) as Row[];
  const tables = new Set(all("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name as string));
  const rows = await loadRows(tables, all);

  // The file itself.
  const integrity = all('PRAGMA integrity_check').map((r) => Object.values(r)[0] as string);
  if (integrity.join() !== 'ok') for (const line of integrity) file.push({ rule: 'integrity', detail: line });
  for (const r of all('PRAGMA foreign_key_check')) {
    const detail = `${String(r.table)} row ${String(r.rowid)} refers to a missing ${String(r.parent)} row`;
    file.push({ rule: 'foreign-key', detail });
  }

  const uniqueOnAddress = all('SELECT name FROM pragma_index_list(\'private_ip_addresses\') WHERE "unique" = 1').some(
    (r) =>
      all('SELECT name FROM pragma_index_info(?) ORDER BY seqno', r.name)
        .map((c) => c.name)
        .join() === 'subnet_id,address'
  );
  const duplicates = all(
    `SELECT subnet_id, address, group_concat(network_interface_id, ', ') AS holders FROM private_ip_addresses
     GROUP BY subnet_id, address HAVING count(*) > 1`
  );
  return stateReport(file, uniqueOnAddress, duplicates, rows);
}

/**
 * One state's report, after what only its backend checks (`found`): no address on two interfaces, by the
 * constraint — a unique index on exactly (subnet_id, address) must exist — and by the rows (`duplicates`, one per
 * address held twice, with its `holders`) whether or not it does; then every rule on the rows.
 */
function stateReport(
  found: readonly Violation[],
  uniqueOnAddress: boolean,
  duplicates: readonly Row[],
  rows: StateRows
): Omit<CheckReport, 'partitions'> {
  const violations = [...found];
  if (!uniqueOnAddress)
    violations.push({
      rule: 'unique-constraint',
      detail: 'private_ip_addresses has no UNIQUE (subnet_id, address) constraint'
    });
  for (const r of duplicates) {
    const detail = `${formatIpv4(r.address as number)} in ${String(r.subnet_id)} is held by ${String(r.holders)}`;
    violations.push({ rule: 'duplicate-address', detail });
  }
  const checked = checkRows(rows);
  return { violations: [...violations, ...checked.violations], counts: checked.counts };
}

/** Every rule on the rows of one state, whichever backend they come from; each rule is independent of the others. */
function checkRows(state: StateRows): Omit<CheckReport, 'partitions'> {
  const violations: Violation[] = [];
  const report = (rule: string, detail: string): void => {
    violations.push({ rule, detail });
  };

  // VPCs and subnets: a subnet lies inside its VPC and overlaps no other subnet of it, so an address is unique in
  // its VPC once it is unique in its subnet.
  const vpcs = new Map(state.vpcs.map((r) => [r.id as string, cidrOf(r)]));
  const subnets = new Map<string, SubnetRow>(
    state.subnets.map((r) => [r.id as string, { id: r.id as string, vpcId: r.vpc_id as string, cidr: cidrOf(r) }])
  );
  const byVpc = new Map<string, SubnetRow[]>();
  for (const subnet of subnets.values()) {
    const vpc = vpcs.get(subnet.vpcId);
    if (!vpc) report('subnet', `${subnet.id} belongs to ${subnet.vpcId}, which does not exist`);
    else if (!cidrContainsCidr(vpc, subnet.cidr)) {
      report('subnet', `${subnet.id} (${formatCidr(subnet.cidr)}) lies outside ${subnet.vpcId} (${formatCidr(vpc)})`);
    }
    const siblings = byVpc.get(subnet.vpcId) ?? [];
    for (const other of siblings) {
      if (cidrsOverlap(other.cidr, subnet.cidr)) {
        report('subnet', `${subnet.id} (${formatCidr(subnet.cidr)}) overlaps ${other.id} (${formatCidr(other.cidr)})`);
      }
    }
    siblings.push(subnet);
    byVpc.set(subnet.vpcId, siblings);
  }
  for (const r of state.reservations) {
    const subnet = subnets.get(r.subnet_id as string);
    if (subnet && !cidrContainsCidr(subnet.cidr, cidrOf(r))) {
      report(
        'reservation',
        `${String(r.id)} (${formatCidr(cidrOf(r))}) lies outside ${subnet.id} (${formatCidr(subnet.cidr)})`
      );
    }
  }

  // Interfaces: in an existing subnet of the VPC they name.
  const interfaces = new Map<string, Row>(state.interfaces.map((r) => [r.id as string, r]));
  for (const eni of interfaces.values()) {
    const subnet = subnets.get(eni.subnet_id as string);
    if (!subnet) report('interface', `${String(eni.id)} is in ${String(eni.subnet_id)}, which does not exist`);
    else if (subnet.vpcId !== eni.vpc_id)
      report('interface', `${String(eni.id)} names ${String(eni.vpc_id)} but its subnet is in ${subnet.vpcId}`);
  }

  // Address rows: each inside its subnet, not one of the five reserved, in the subnet of the interface holding it.
  const rows = state.addresses;
  const rowsBySubnet = new Map<string, number[]>();
  const primaries = new Map<string, number>();
  const prefixes = new Map<string, { eni: string; subnetId: string; base: number; addresses: number[] }>();
  const held = new Map<string, Set<number>>();
  for (const r of rows) {
    const address = r.address as number;
    const eniId = r.network_interface_id as string;
    const subnetId = r.subnet_id as string;
    const where = `${formatIpv4(address)} of ${eniId}`;
    const subnet = subnets.get(subnetId);
    const eni = interfaces.get(eniId);
    if (!eni) report('address', `${where}: the interface does not exist`);
    else if (eni.subnet_id !== subnetId)
      report('address', `${where}: row is filed under ${subnetId}, the interface is in ${String(eni.subnet_id)}`);
    if (!subnet) report('address', `${where}: subnet ${subnetId} does not exist`);
    else if (!cidrContains(subnet.cidr, address))
      report('address', `${where} lies outside ${subnetId} (${formatCidr(subnet.cidr)})`);
    else if (isReservedInSubnet(subnet.cidr, address))
      report('address', `${where} is one of the five addresses reserved in ${subnetId}`);
    let list = rowsBySubnet.get(subnetId);
    if (!list) rowsBySubnet.set(subnetId, (list = []));
    list.push(address);
    let set = held.get(eniId);
    if (!set) held.set(eniId, (set = new Set()));
    set.add(address);
    if (r.kind === 'primary') primaries.set(eniId, (primaries.get(eniId) ?? 0) + 1);
    if (r.kind === 'prefix') {
      const base = r.prefix_base as number | null;
      if (base === null) {
        report('prefix', `${where} is a prefix row without a prefix base`);
        continue;
      }
      const key = `${subnetId}/${base}`;
      let block = prefixes.get(key);
      if (!block) prefixes.set(key, (block = { eni: eniId, subnetId, base, addresses: [] }));
      if (block.eni !== eniId)
        report('prefix', `${formatIpv4(base)}/28 in ${subnetId} is split between ${block.eni} and ${eniId}`);
      block.addresses.push(address);
    } else if (r.prefix_base !== null) {
      report('prefix', `${where} is a ${String(r.kind)} address with a prefix base`);
    }
  }

  // Primaries: exactly one per interface.
  for (const id of interfaces.keys()) {
    const n = primaries.get(id) ?? 0;
    if (n !== 1) report('primary', `${id} has ${n} primary addresses`);
  }

  // Prefixes: 16 rows, one per address of an aligned /28 inside the subnet.
  for (const block of prefixes.values()) {
    const name = `${formatIpv4(block.base)}/28 of ${block.eni}`;
    if (block.base % 16 !== 0) report('prefix', `${name} is not aligned on 16 addresses`);
    const expected = Array.from({ length: 16 }, (_, i) => block.base + i).join();
    if ([...block.addresses].sort((a, b) => a - b).join() !== expected) {
      report('prefix', `${name} has ${block.addresses.length} rows, not the 16 addresses of the block`);
    }
    const subnet = subnets.get(block.subnetId);
    if (subnet && !(cidrContains(subnet.cidr, block.base) && cidrContains(subnet.cidr, block.base + 15))) {
      report('prefix', `${name} lies outside ${block.subnetId}`);
    }
  }

  // AvailableIpAddressCount: size − 5 − rows, never negative, and what the server's occupancy map (rebuilt from
  // the same rows on start) reports.
  for (const subnet of subnets.values()) {
    const addresses = rowsBySubnet.get(subnet.id) ?? [];
    const expected = cidrSize(subnet.cidr) - 5 - addresses.length;
    if (expected < 0)
      report('available-count', `${subnet.id} holds ${addresses.length} rows, more than its usable addresses`);
    const map = new AddressMap(subnet.cidr);
    let rebuilt = true;
    for (const address of addresses) {
      if (!cidrContains(subnet.cidr, address) || !map.isFree(address)) {
        rebuilt = false; // already reported above, as outside, reserved or duplicate
        break;
      }
      map.occupy(address);
    }
    if (rebuilt && map.freeCount !== expected) {
      report(
        'available-count',
        `${subnet.id}: AvailableIpAddressCount would be ${map.freeCount}, rows say ${expected}`
      );
    }
  }

  // Attachments: to an existing instance, one interface per (network card, device index), the primary interface
  // of every live instance at card 0 / device 0, nothing attached to a terminated instance.
  const instances = new Map(state.instances.map((r) => [r.id as string, r.state as string]));
  const slots = new Map<string, string>();
  const hasPrimaryInterface = new Set<string>();
  for (const eni of interfaces.values()) {
    const columns = [eni.attachment_id, eni.instance_id, eni.device_index, eni.network_card_index];
    if (columns.every((c) => c === null || c === undefined)) continue;
    if (columns.some((c) => c === null || c === undefined)) {
      report('attachment', `${String(eni.id)} has a partial attachment record`);
      continue;
    }
    const instanceId = eni.instance_id as string;
    const state = instances.get(instanceId);
    if (state === undefined)
      report('attachment', `${String(eni.id)} is attached to ${instanceId}, which does not exist`);
    else if (state === 'terminated')
      report('attachment', `${String(eni.id)} is still attached to ${instanceId}, which is terminated`);
    const slot = `${instanceId} card ${String(eni.network_card_index)} device ${String(eni.device_index)}`;
    const other = slots.get(slot);
    if (other) report('attachment', `${other} and ${String(eni.id)} both sit at ${slot}`);
    slots.set(slot, eni.id as string);
    if (eni.device_index === 0 && eni.network_card_index === 0) hasPrimaryInterface.add(instanceId);
  }
  for (const [id, state] of instances) {
    if (state !== 'terminated' && !hasPrimaryInterface.has(id))
      report('attachment', `${id} (${state}) has no interface at device index 0`);
  }

  // Elastic IPs: an association is whole, and points at an address the interface holds.
  for (const r of state.elasticIps) {
    const columns = [r.association_id, r.network_interface_id, r.private_ip_address];
    if (columns.every((c) => c === null)) continue;
    const name = String(r.allocation_id);
    if (columns.some((c) => c === null)) {
      report('elastic-ip', `${name} has a partial association record`);
      continue;
    }
    const eniId = r.network_interface_id as string;
    if (!interfaces.has(eniId)) report('elastic-ip', `${name} is associated with ${eniId}, which does not exist`);
    else if (!held.get(eniId)?.has(r.private_ip_address as number)) {
      report(
        'elastic-ip',
        `${name} is associated with ${formatIpv4(r.private_ip_address as number)}, which ${eniId} does not hold`
      );
    }
  }

  return {
    violations,
    counts: {
      subnets: subnets.size,
      networkInterfaces: interfaces.size,
      addressRows: rows.length,
      instances: instances.size
    }
  };
}

function cidrOf(r: Row): Cidr {
  return { base: r.cidr_base as number, prefixLength: r.prefix_length as number };
}
