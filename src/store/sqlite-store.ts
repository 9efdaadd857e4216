import Database from 'better-sqlite3';
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
import { sqliteMigrations } from './migrations/sqlite-migrations.js';
import type { AddressHolder, ClientTokenRecord, MetadataJournalEnds, ResourceTag, Store, StoreTx } from './store.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a throwaway state. */
  readonly path: string;
  /** 'normal' survives a process crash (WAL); 'full' also survives power loss, at an fsync per commit. */
  readonly synchronous?: 'normal' | 'full';
}

type Row = Record<string, unknown>;

/** A network interface without its addresses: what the store keeps of it between transactions. */
type InterfaceHead = Omit<NetworkInterface, 'privateIpAddresses' | 'ipv4Prefixes'>;

/** Rows each cache keeps: the interfaces and subnets in use, not a copy of a large state. */
const ROW_CACHE_SIZE = 4096;

/**
 * The embedded store: better-sqlite3 (synchronous) behind the async Store interface. Transactions are
 * serialised by a promise chain, because an async transaction that awaits would otherwise let another
 * request's statements run inside it on the one connection.
 *
 * Group commit: each transaction runs inside a SAVEPOINT of a batch that stays open until the event loop has
 * nothing more queued, then one COMMIT makes the whole batch durable. A transaction's promise settles only
 * after that COMMIT, so no caller ever sees a result that could still be lost; a failed transaction rolls back
 * to its savepoint alone. One COMMIT (a WAL write) per batch instead of per request is most of the cost of a
 * write under load (`npm run bench`).
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rawStatements = new Map<string, { statement: Database.Statement; names: string[] }>();
  private readonly maps = new Map<string, AddressMap>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tx: StoreTx;
  private readonly touchedSubnets = new Set<string>();
  /**
   * Subnets, and interfaces without their addresses, as last read: every assign or unassign reads them, and only
   * this store's own writes change them (a data folder belongs to one process, as the occupancy maps assume too).
   * A write to a row or its tags drops the entry (`changed`); a rolled-back transaction drops what it wrote, a lost
   * batch everything. Addresses are always read from the rows.
   */
  private readonly subnetCache = new Map<string, Subnet>();
  private readonly interfaceCache = new Map<string, InterfaceHead>();
  /** Ids whose cached row or tags the running transaction changed. */
  private readonly touchedRows = new Set<string>();
  /** Transactions released into the open batch, waiting for its COMMIT. */
  private uncommitted: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private running = false;
  private commitScheduled = false;

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.path);
    if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.tx = this.makeTx();
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<{ result: T; committed: Promise<void> }> => {
      // Prepared once (sql() caches): exec() would compile these statements again on every request.
      if (!this.db.inTransaction) this.sql('BEGIN IMMEDIATE').run();
      this.sql('SAVEPOINT tx').run();
      this.running = true;
      this.touchedSubnets.clear();
      this.touchedRows.clear();
      try {
        const result = await fn(this.tx);
        this.sql('RELEASE tx').run();
        const committed = new Promise<void>((resolve, reject) => this.uncommitted.push({ resolve, reject }));
        return { result, committed };
      } catch (error) {
        if (this.db.inTransaction) {
          this.db.exec('ROLLBACK TO tx');
          this.db.exec('RELEASE tx');
          // The cached occupancy saw the rolled-back writes: rebuild it from the rows on next use.
          for (const subnetId of this.touchedSubnets) this.maps.delete(subnetId);
          // So did the cached rows it wrote, and any it read back afterwards.
          for (const id of this.touchedRows) this.forgetRow(id);
        } else {
          // SQLite rolled the whole batch back by itself: nothing released into it survives.
          this.abandonBatch(error);
        }
        throw error;
      } finally {
        this.running = false;
        this.scheduleCommit();
      }
    };
    const ran = this.queue.then(run, run);
    // The next transaction starts once this one is released into the batch, not once it is committed.
    this.queue = ran.catch(() => undefined);
    return ran.then(async ({ result, committed }) => {
      await committed;
      return result;
    });
  }

  /** Commits the open batch once the queue has run dry (setImmediate runs after the pending promise jobs). */
  private scheduleCommit(): void {
    if (this.commitScheduled || !this.db.inTransaction) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      // A transaction awaiting foreign work holds the batch open; its end schedules the commit again.
      if (!this.running) this.commit();
    });
  }

  private commit(): void {
    if (!this.db.inTransaction) return;
    const waiting = this.uncommitted;
    this.uncommitted = [];
    try {
      this.sql('COMMIT').run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.uncommitted = waiting;
      this.abandonBatch(error);
      return;
    }
    for (const w of waiting) w.resolve();
  }

  /** The open batch is lost: its transactions fail, and every cached occupancy and row is read again. */
  private abandonBatch(error: unknown): void {
    this.maps.clear();
    this.subnetCache.clear();
    this.interfaceCache.clear();
    const waiting = this.uncommitted;
    this.uncommitted = [];
    for (const w of waiting) w.reject(error);
  }

  async close(): Promise<void> {
    await this.queue;
    this.commit();
    this.db.close();
  }

  async reset(): Promise<void> {
    await this.transaction(async () => {
      // Foreign keys are checked at COMMIT, so the tables can be emptied in any order.
      this.db.pragma('defer_foreign_keys = ON');
      const tables = this.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations') AND name NOT LIKE 'sqlite_%'"
        )
        .all() as Row[];
      for (const { name } of tables) this.db.prepare(`DELETE FROM "${String(name)}"`).run();
      // Every table is empty, so nothing is left to check: the rest of the batch checks its keys at once again.
      this.db.pragma('defer_foreign_keys = OFF');
      for (const subnetId of [...this.maps.keys()]) this.touchedSubnets.add(subnetId);
      // At once: the transactions after this one in the batch must not see the rows it deleted.
      this.subnetCache.clear();
      this.interfaceCache.clear();
    });
    this.maps.clear();
  }

  private migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)'
    );
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number)
    );
    for (const step of sqliteMigrations) {
      if (applied.has(step.version)) continue;
      this.db.transaction(() => {
        this.db.exec(step.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(step.version, step.name, new Date().toISOString());
      })();
    }
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Every row of a listing query as an object, built here from the raw arrays: better-sqlite3 builds its row objects
   * a property at a time, which costs as much again as the query itself in a listing of thousands.
   */
  private rows(text: string, ...params: unknown[]): Row[] {
    // Raw mode sticks to a statement, so raw statements have a cache of their own: one SQL text can serve both
    // rows() and sql() without either seeing the other's mode.
    let raw = this.rawStatements.get(text);
    if (!raw) {
      const statement = this.db.prepare(text).raw();
      raw = { statement, names: statement.columns().map((c) => c.name) };
      this.rawStatements.set(text, raw);
    }
    const { statement, names } = raw;
    return (statement.all(...params) as unknown[][]).map((values) => {
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      return row;
    });
  }

  private tagsOf(resourceId: string): Tag[] {
    return (this.sql('SELECT key, value FROM tags WHERE resource_id = ? ORDER BY rowid').all(resourceId) as Row[]).map(
      (r) => ({ Key: r.key as string, Value: r.value as string })
    );
  }

  private tagsByResource(resourceType: ResourceType): Map<string, Tag[]> {
    const byResource = new Map<string, Tag[]>();
    for (const [id, key, value] of this.sql(
      'SELECT resource_id, key, value FROM tags WHERE resource_type = ? ORDER BY rowid'
    )
      .raw()
      .all(resourceType) as [string, string, string][]) {
      let tags = byResource.get(id);
      if (!tags) byResource.set(id, (tags = []));
      tags.push({ Key: key, Value: value });
    }
    return byResource;
  }

  private vpcFrom(r: Row, tags: Tag[]): Vpc {
    return {
      id: r.id as string,
      cidr: cidrFrom(r),
      cidrAssociationId: r.cidr_association_id as string,
      isDefault: r.is_default === 1,
      instanceTenancy: r.instance_tenancy as string,
      dhcpOptionsId: r.dhcp_options_id as string,
      ownerId: r.owner_id as string,
      defaultSecurityGroupId: r.default_security_group_id as string,
      enableDnsSupport: r.enable_dns_support === 1,
      enableDnsHostnames: r.enable_dns_hostnames === 1,
      enableNetworkAddressUsageMetrics: r.enable_network_address_usage_metrics === 1,
      tags
    };
  }

  private subnetFrom(r: Row, tags: Tag[]): Subnet {
    return {
      id: r.id as string,
      vpcId: r.vpc_id as string,
      cidr: cidrFrom(r),
      availabilityZone: r.availability_zone as string,
      availabilityZoneId: r.availability_zone_id as string,
      defaultForAz: r.default_for_az === 1,
      mapPublicIpOnLaunch: r.map_public_ip_on_launch === 1,
      ownerId: r.owner_id as string,
      tags
    };
  }

  /** An interface row with its tags: everything of the interface but its addresses. */
  private interfaceHead(r: Row, tags: Tag[], groupsCache?: Map<string, SecurityGroupRef[]>): InterfaceHead {
    return {
      id: r.id as string,
      subnetId: r.subnet_id as string,
      vpcId: r.vpc_id as string,
      availabilityZone: r.availability_zone as string,
      description: r.description as string,
      macAddress: r.mac_address as string,
      ownerId: r.owner_id as string,
      interfaceType: r.interface_type as string,
      sourceDestCheck: r.source_dest_check === 1,
      requesterManaged: r.requester_managed === 1,
      groups: groupsFrom(r.groups_json as string, groupsCache),
      tags,
      ...(r.attachment_id ? { attachment: attachmentFrom(r) } : {})
    };
  }

  private interfaceFrom(head: InterfaceHead, addresses: Row[]): NetworkInterface {
    const privateIpAddresses = [];
    const ipv4Prefixes: number[] = [];
    let primaryFirst = true;
    for (const a of addresses) {
      if (a.kind === 'prefix') {
        if (a.address === a.prefix_base) ipv4Prefixes.push(a.prefix_base as number);
      } else {
        const primary = a.kind === 'primary';
        if (primary && privateIpAddresses.length > 0) primaryFirst = false;
        privateIpAddresses.push({ address: a.address as number, primary });
      }
    }
    // Primary first, then the secondaries in assignment order (rows come in seq order). The primary's row is
    // nearly always the interface's first, so the (stable) sort is seldom needed.
    if (!primaryFirst) privateIpAddresses.sort((x, y) => Number(y.primary) - Number(x.primary));
    return {
      id: head.id,
      subnetId: head.subnetId,
      vpcId: head.vpcId,
      availabilityZone: head.availabilityZone,
      description: head.description,
      macAddress: head.macAddress,
      ownerId: head.ownerId,
      interfaceType: head.interfaceType,
      sourceDestCheck: head.sourceDestCheck,
      requesterManaged: head.requesterManaged,
      groups: head.groups,
      privateIpAddresses,
      ipv4Prefixes,
      tags: head.tags,
      ...(head.attachment ? { attachment: head.attachment } : {})
    };
  }

  private instanceFrom(r: Row, tags: Tag[], groupsCache?: Map<string, SecurityGroupRef[]>): Instance {
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
      launchTime: new Date(r.launch_time as string),
      amiLaunchIndex: r.ami_launch_index as number,
      ...(r.client_token ? { clientToken: r.client_token as string } : {}),
      groups: groupsFrom(r.groups_json as string, groupsCache),
      metadataOptions: {
        httpTokens: r.http_tokens as Instance['metadataOptions']['httpTokens'],
        httpEndpoint: r.http_endpoint as Instance['metadataOptions']['httpEndpoint'],
        httpPutResponseHopLimit: r.http_put_response_hop_limit as number
      },
      tags,
      ...launchFields(r.launch_json)
    };
  }

  private elasticIpFrom(r: Row, tags: Tag[]): ElasticIp {
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
      tags
    };
  }

  private reservationFrom(r: Row, tags: Tag[]): SubnetCidrReservation {
    return {
      id: r.id as string,
      subnetId: r.subnet_id as string,
      cidr: cidrFrom(r),
      reservationType: r.reservation_type as SubnetCidrReservation['reservationType'],
      description: r.description as string,
      ownerId: r.owner_id as string,
      tags
    };
  }

  private interfacesWhere(where: string, ...params: unknown[]): NetworkInterface[] {
    const rows = this.sql(`SELECT * FROM network_interfaces ${where}`).all(...params) as Row[];
    return rows.map((r) => {
      const id = r.id as string;
      const addresses = this.rows(
        'SELECT address, kind, prefix_base FROM private_ip_addresses WHERE network_interface_id = ? ORDER BY seq',
        id
      );
      return this.interfaceFrom(this.interfaceHead(r, this.tagsOf(id)), addresses);
    });
  }

  private insertAddressRows(
    eni: NetworkInterface,
    rows: readonly { address: number; kind: 'primary' | 'secondary' | 'prefix'; prefixBase?: number }[]
  ): void {
    const map = this.cachedMap(eni.subnetId);
    const insert = this.sql(
      'INSERT INTO private_ip_addresses (subnet_id, address, network_interface_id, kind, prefix_base) VALUES (?, ?, ?, ?, ?)'
    );
    this.touchedSubnets.add(eni.subnetId);
    for (const row of rows) {
      insert.run(eni.subnetId, row.address, eni.id, row.kind, row.prefixBase ?? null);
      map?.occupy(row.address);
    }
  }

  private cachedMap(subnetId: string): AddressMap | undefined {
    return this.maps.get(subnetId);
  }

  /** Keeps a row read for the next transactions; the oldest entry goes once the cache is full. */
  private remember<T>(cache: Map<string, T>, id: string, value: T): T {
    if (cache.size >= ROW_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(id, value);
    return value;
  }

  /** A subnet's or an interface's row, or a resource's tags, is being written: its cached copy is stale. */
  private changed(id: string): void {
    this.forgetRow(id);
    this.touchedRows.add(id);
  }

  private forgetRow(id: string): void {
    this.subnetCache.delete(id);
    this.interfaceCache.delete(id);
  }

  private makeTx(): StoreTx {
    // The transaction object's methods are plain functions over this store's statements and caches.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    return {
      async getVpc(id) {
        const r = store.sql('SELECT * FROM vpcs WHERE id = ?').get(id) as Row | undefined;
        return r && store.vpcFrom(r, store.tagsOf(id));
      },
      async listVpcs() {
        const tags = store.tagsByResource('vpc');
        return (store.sql('SELECT * FROM vpcs ORDER BY rowid').all() as Row[]).map((r) =>
          store.vpcFrom(r, tags.get(r.id as string) ?? [])
        );
      },
      async insertVpc(vpc) {
        store
          .sql(
            `INSERT INTO vpcs (id, cidr_base, prefix_length, cidr_association_id, is_default, instance_tenancy,
               dhcp_options_id, owner_id, default_security_group_id, enable_dns_support, enable_dns_hostnames,
               enable_network_address_usage_metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(
            vpc.id,
            vpc.cidr.base,
            vpc.cidr.prefixLength,
            vpc.cidrAssociationId,
            vpc.isDefault ? 1 : 0,
            vpc.instanceTenancy,
            vpc.dhcpOptionsId,
            vpc.ownerId,
            vpc.defaultSecurityGroupId,
            vpc.enableDnsSupport ? 1 : 0,
            vpc.enableDnsHostnames ? 1 : 0,
            vpc.enableNetworkAddressUsageMetrics ? 1 : 0
          );
        store.replaceTags(vpc.id, 'vpc', vpc.tags);
      },
      async updateVpcAttributes(vpc) {
        store
          .sql(
            `UPDATE vpcs SET enable_dns_support = ?, enable_dns_hostnames = ?, enable_network_address_usage_metrics = ?
             WHERE id = ?`
          )
          .run(
            vpc.enableDnsSupport ? 1 : 0,
            vpc.enableDnsHostnames ? 1 : 0,
            vpc.enableNetworkAddressUsageMetrics ? 1 : 0,
            vpc.id
          );
      },
      async deleteVpc(id) {
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(id);
        store.sql('DELETE FROM vpcs WHERE id = ?').run(id);
      },
      async countSubnetsInVpc(vpcId) {
        return (store.sql('SELECT count(*) AS n FROM subnets WHERE vpc_id = ?').get(vpcId) as Row).n as number;
      },
      async getSubnet(id) {
        const cached = store.subnetCache.get(id);
        if (cached) return cached;
        const r = store.sql('SELECT * FROM subnets WHERE id = ?').get(id) as Row | undefined;
        if (!r) return undefined;
        return store.remember(store.subnetCache, id, store.subnetFrom(r, store.tagsOf(id)));
      },
      async listSubnets() {
        const tags = store.tagsByResource('subnet');
        return (store.sql('SELECT * FROM subnets ORDER BY rowid').all() as Row[]).map((r) =>
          store.subnetFrom(r, tags.get(r.id as string) ?? [])
        );
      },
      async insertSubnet(subnet) {
        store
          .sql(
            `INSERT INTO subnets (id, vpc_id, cidr_base, prefix_length, availability_zone, availability_zone_id,
               default_for_az, map_public_ip_on_launch, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(
            subnet.id,
            subnet.vpcId,
            subnet.cidr.base,
            subnet.cidr.prefixLength,
            subnet.availabilityZone,
            subnet.availabilityZoneId,
            subnet.defaultForAz ? 1 : 0,
            subnet.mapPublicIpOnLaunch ? 1 : 0,
            subnet.ownerId
          );
        store.replaceTags(subnet.id, 'subnet', subnet.tags);
      },
      async deleteSubnet(id) {
        store.changed(id);
        // Terminated instances EC2 still lists go with their subnet: DeleteSubnet has already refused live ones.
        const gone = store
          .sql("SELECT id FROM instances WHERE subnet_id = ? AND state = 'terminated'")
          .raw()
          .all(id) as [string][];
        for (const [instanceId] of gone) {
          store.changed(instanceId);
          store.sql('DELETE FROM tags WHERE resource_id = ?').run(instanceId);
          store.sql('DELETE FROM instance_metadata_journal WHERE instance_id = ?').run(instanceId);
        }
        store.sql("DELETE FROM instances WHERE subnet_id = ? AND state = 'terminated'").run(id);
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(id);
        store.sql('DELETE FROM subnets WHERE id = ?').run(id);
        store.maps.delete(id);
      },
      async addressMap(subnet) {
        let map = store.maps.get(subnet.id);
        if (!map) {
          map = new AddressMap(subnet.cidr);
          for (const r of store
            .sql('SELECT address FROM private_ip_addresses WHERE subnet_id = ?')
            .raw()
            .all(subnet.id) as [number][]) {
            map.occupy(r[0]);
          }
          store.maps.set(subnet.id, map);
        }
        return map;
      },
      async countNetworkInterfacesInSubnet(subnetId) {
        return (store.sql('SELECT count(*) AS n FROM network_interfaces WHERE subnet_id = ?').get(subnetId) as Row)
          .n as number;
      },
      async getNetworkInterface(id) {
        let head = store.interfaceCache.get(id);
        if (!head) {
          // Raw rows, as the listings read them: better-sqlite3's row objects cost as much as the queries here.
          const r = store.rows('SELECT * FROM network_interfaces WHERE id = ?', id)[0];
          if (!r) return undefined;
          head = store.remember(store.interfaceCache, id, store.interfaceHead(r, store.tagsOf(id)));
        }
        const addresses = store.rows(
          'SELECT address, kind, prefix_base FROM private_ip_addresses WHERE network_interface_id = ? ORDER BY seq',
          id
        );
        return store.interfaceFrom(head, addresses);
      },
      async listNetworkInterfaces() {
        const tags = store.tagsByResource('network-interface');
        const addresses = new Map<string, Row[]>();
        for (const a of store.rows(
          'SELECT network_interface_id, address, kind, prefix_base FROM private_ip_addresses ORDER BY seq'
        )) {
          const id = a.network_interface_id as string;
          let rows = addresses.get(id);
          if (!rows) addresses.set(id, (rows = []));
          rows.push(a);
        }
        const groups = new Map<string, SecurityGroupRef[]>();
        return store
          .rows('SELECT * FROM network_interfaces ORDER BY rowid')
          .map((r) =>
            store.interfaceFrom(
              store.interfaceHead(r, tags.get(r.id as string) ?? [], groups),
              addresses.get(r.id as string) ?? []
            )
          );
      },
      async insertNetworkInterface(eni) {
        store.changed(eni.id);
        store
          .sql(
            `INSERT INTO network_interfaces (id, subnet_id, vpc_id, availability_zone, description, mac_address, owner_id,
               interface_type, source_dest_check, requester_managed, groups_json, attachment_id, instance_id, device_index,
               network_card_index, attach_time, delete_on_termination)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(
            eni.id,
            eni.subnetId,
            eni.vpcId,
            eni.availabilityZone,
            eni.description,
            eni.macAddress,
            eni.ownerId,
            eni.interfaceType,
            eni.sourceDestCheck ? 1 : 0,
            eni.requesterManaged ? 1 : 0,
            JSON.stringify(eni.groups),
            ...attachmentColumns(eni.attachment)
          );
        store.insertAddressRows(eni, [
          ...eni.privateIpAddresses.map((a) => ({
            address: a.address,
            kind: a.primary ? ('primary' as const) : ('secondary' as const)
          })),
          ...eni.ipv4Prefixes.flatMap(prefixRows)
        ]);
        store.replaceTags(eni.id, 'network-interface', eni.tags);
      },
      async deleteNetworkInterface(id) {
        store.changed(id);
        const r = store.sql('SELECT subnet_id FROM network_interfaces WHERE id = ?').get(id) as Row | undefined;
        if (!r) return;
        const subnetId = r.subnet_id as string;
        const map = store.cachedMap(subnetId);
        store.touchedSubnets.add(subnetId);
        for (const a of store
          .sql('SELECT address FROM private_ip_addresses WHERE network_interface_id = ?')
          .raw()
          .all(id) as [number][]) {
          map?.release(a[0]);
        }
        // Elastic IPs on its addresses are disassociated with it.
        store
          .sql(
            'UPDATE elastic_ips SET association_id = NULL, network_interface_id = NULL, private_ip_address = NULL WHERE network_interface_id = ?'
          )
          .run(id);
        store.sql('DELETE FROM private_ip_addresses WHERE network_interface_id = ?').run(id);
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(id);
        store.sql('DELETE FROM network_interfaces WHERE id = ?').run(id);
      },
      async addressHolders(subnetId, addresses) {
        const holders = new Map<number, AddressHolder>();
        const select = store.sql(
          'SELECT network_interface_id, kind, prefix_base FROM private_ip_addresses WHERE subnet_id = ? AND address = ?'
        );
        for (const address of addresses) {
          const r = select.get(subnetId, address) as Row | undefined;
          if (!r) continue;
          holders.set(address, {
            networkInterfaceId: r.network_interface_id as string,
            primary: r.kind === 'primary',
            ...(r.kind === 'prefix' ? { prefixBase: r.prefix_base as number } : {})
          });
        }
        return holders;
      },
      async addSecondaryAddresses(eni, addresses) {
        store.insertAddressRows(
          eni,
          addresses.map((address) => ({ address, kind: 'secondary' as const }))
        );
      },
      async removeSecondaryAddresses(eni, addresses) {
        const remove = store.sql(
          "DELETE FROM private_ip_addresses WHERE subnet_id = ? AND address = ? AND network_interface_id = ? AND kind = 'secondary'"
        );
        const map = store.cachedMap(eni.subnetId);
        store.touchedSubnets.add(eni.subnetId);
        for (const address of addresses) {
          if (remove.run(eni.subnetId, address, eni.id).changes !== 1) {
            throw new Error(`address ${address} is not a secondary address of ${eni.id}`);
          }
          map?.release(address);
        }
      },
      async addPrefixes(eni, bases) {
        store.insertAddressRows(eni, bases.flatMap(prefixRows));
      },
      async removePrefixes(eni, bases) {
        const remove = store.sql(
          "DELETE FROM private_ip_addresses WHERE subnet_id = ? AND prefix_base = ? AND network_interface_id = ? AND kind = 'prefix'"
        );
        const map = store.cachedMap(eni.subnetId);
        store.touchedSubnets.add(eni.subnetId);
        for (const base of bases) {
          if (remove.run(eni.subnetId, base, eni.id).changes !== 16) {
            throw new Error(`prefix ${base} is not delegated to ${eni.id}`);
          }
          for (let i = 0; i < 16; i++) map?.release(base + i);
        }
      },
      async updateNetworkInterface(eni) {
        store.changed(eni.id);
        store
          .sql(
            `UPDATE network_interfaces SET description = ?, source_dest_check = ?, groups_json = ?, attachment_id = ?,
               instance_id = ?, device_index = ?, network_card_index = ?, attach_time = ?, delete_on_termination = ?
             WHERE id = ?`
          )
          .run(
            eni.description,
            eni.sourceDestCheck ? 1 : 0,
            JSON.stringify(eni.groups),
            ...attachmentColumns(eni.attachment),
            eni.id
          );
      },
      async listAttachedNetworkInterfaces(instanceId) {
        return store.interfacesWhere('WHERE instance_id = ? ORDER BY network_card_index, device_index', instanceId);
      },
      async findAttachment(attachmentId) {
        const r = store.sql('SELECT * FROM network_interfaces WHERE attachment_id = ?').get(attachmentId) as
          Row | undefined;
        return r && { networkInterfaceId: r.id as string, attachment: attachmentFrom(r) };
      },
      async getInstance(id) {
        const r = store.sql('SELECT * FROM instances WHERE id = ?').get(id) as Row | undefined;
        return r && store.instanceFrom(r, store.tagsOf(id));
      },
      async listInstances() {
        const tags = store.tagsByResource('instance');
        const groups = new Map<string, SecurityGroupRef[]>();
        return store
          .rows('SELECT * FROM instances ORDER BY rowid')
          .map((r) => store.instanceFrom(r, tags.get(r.id as string) ?? [], groups));
      },
      async insertInstance(instance) {
        store
          .sql(
            `INSERT INTO instances (id, reservation_id, image_id, instance_type, subnet_id, vpc_id, availability_zone, owner_id,
               state, state_transition_reason, launch_time, ami_launch_index, client_token, groups_json, http_tokens,
               http_endpoint, http_put_response_hop_limit, launch_json)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(
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
            instance.launchTime.toISOString(),
            instance.amiLaunchIndex,
            instance.clientToken ?? null,
            JSON.stringify(instance.groups),
            instance.metadataOptions.httpTokens,
            instance.metadataOptions.httpEndpoint,
            instance.metadataOptions.httpPutResponseHopLimit,
            launchJson(instance)
          );
        store.replaceTags(instance.id, 'instance', instance.tags);
      },
      async updateInstance(instance) {
        store
          .sql(
            `UPDATE instances SET state = ?, state_transition_reason = ?, http_tokens = ?, http_endpoint = ?,
               http_put_response_hop_limit = ? WHERE id = ?`
          )
          .run(
            instance.state,
            instance.stateTransitionReason,
            instance.metadataOptions.httpTokens,
            instance.metadataOptions.httpEndpoint,
            instance.metadataOptions.httpPutResponseHopLimit,
            instance.id
          );
      },
      async countInstancesInSubnet(subnetId, states) {
        const placeholders = states.map(() => '?').join(', ');
        return (
          store
            .sql(`SELECT count(*) AS n FROM instances WHERE subnet_id = ? AND state IN (${placeholders || "''"})`)
            .get(subnetId, ...states) as Row
        ).n as number;
      },
      async getElasticIp(allocationId) {
        const r = store.sql('SELECT * FROM elastic_ips WHERE allocation_id = ?').get(allocationId) as Row | undefined;
        return r && store.elasticIpFrom(r, store.tagsOf(allocationId));
      },
      async getElasticIpByPublicIp(publicIp) {
        const r = store.sql('SELECT * FROM elastic_ips WHERE public_ip = ?').get(publicIp) as Row | undefined;
        return r && store.elasticIpFrom(r, store.tagsOf(r.allocation_id as string));
      },
      async listElasticIps() {
        const tags = store.tagsByResource('elastic-ip');
        return (store.sql('SELECT * FROM elastic_ips ORDER BY rowid').all() as Row[]).map((r) =>
          store.elasticIpFrom(r, tags.get(r.allocation_id as string) ?? [])
        );
      },
      async insertElasticIp(eip) {
        store
          .sql(
            `INSERT INTO elastic_ips (allocation_id, public_ip, owner_id, association_id, network_interface_id, private_ip_address)
             VALUES (?, ?, ?, ?, ?, ?)`
          )
          .run(
            eip.allocationId,
            eip.publicIp,
            eip.ownerId,
            eip.association?.associationId ?? null,
            eip.association?.networkInterfaceId ?? null,
            eip.association?.privateIpAddress ?? null
          );
        store.replaceTags(eip.allocationId, 'elastic-ip', eip.tags);
      },
      async deleteElasticIp(allocationId) {
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(allocationId);
        store.sql('DELETE FROM elastic_ips WHERE allocation_id = ?').run(allocationId);
      },
      async setElasticIpAssociation(allocationId, association) {
        store
          .sql(
            'UPDATE elastic_ips SET association_id = ?, network_interface_id = ?, private_ip_address = ? WHERE allocation_id = ?'
          )
          .run(
            association?.associationId ?? null,
            association?.networkInterfaceId ?? null,
            association?.privateIpAddress ?? null,
            allocationId
          );
      },
      async lockPublicIpPool() {
        // A data folder belongs to one process, which runs the pool's users one at a time (Action.takesPublicIps).
      },
      async elasticIpsOnInterface(networkInterfaceId) {
        return (
          store
            .sql('SELECT * FROM elastic_ips WHERE network_interface_id = ? ORDER BY rowid')
            .all(networkInterfaceId) as Row[]
        ).map((r) => store.elasticIpFrom(r, store.tagsOf(r.allocation_id as string)));
      },
      async getSubnetCidrReservation(id) {
        const r = store.sql('SELECT * FROM subnet_cidr_reservations WHERE id = ?').get(id) as Row | undefined;
        return r && store.reservationFrom(r, store.tagsOf(id));
      },
      async listSubnetCidrReservations(subnetId) {
        const rows = (
          subnetId === undefined
            ? store.sql('SELECT * FROM subnet_cidr_reservations ORDER BY rowid').all()
            : store.sql('SELECT * FROM subnet_cidr_reservations WHERE subnet_id = ? ORDER BY rowid').all(subnetId)
        ) as Row[];
        return rows.map((r) => store.reservationFrom(r, store.tagsOf(r.id as string)));
      },
      async insertSubnetCidrReservation(reservation) {
        store
          .sql(
            `INSERT INTO subnet_cidr_reservations (id, subnet_id, cidr_base, prefix_length, reservation_type, description, owner_id)
             VALUES (?, ?, ?, ?, ?, ?, ?)`
          )
          .run(
            reservation.id,
            reservation.subnetId,
            reservation.cidr.base,
            reservation.cidr.prefixLength,
            reservation.reservationType,
            reservation.description,
            reservation.ownerId
          );
        store.replaceTags(reservation.id, 'subnet-cidr-reservation', reservation.tags);
      },
      async deleteSubnetCidrReservation(id) {
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(id);
        store.sql('DELETE FROM subnet_cidr_reservations WHERE id = ?').run(id);
      },
      async deleteTags(resourceId, tags) {
        store.changed(resourceId);
        if (tags === undefined) {
          store.sql('DELETE FROM tags WHERE resource_id = ?').run(resourceId);
          return;
        }
        for (const tag of tags) {
          if (tag.Value === undefined)
            store.sql('DELETE FROM tags WHERE resource_id = ? AND key = ?').run(resourceId, tag.Key);
          else
            store
              .sql('DELETE FROM tags WHERE resource_id = ? AND key = ? AND value = ?')
              .run(resourceId, tag.Key, tag.Value);
        }
      },
      async tagsOf(resourceId) {
        return store.tagsOf(resourceId);
      },
      async listTags() {
        return (
          store.sql('SELECT resource_id, resource_type, key, value FROM tags ORDER BY resource_id, key').all() as Row[]
        ).map((r): ResourceTag => ({
          resourceId: r.resource_id as string,
          resourceType: r.resource_type as ResourceType,
          key: r.key as string,
          value: r.value as string
        }));
      },
      async setTags(resourceId, resourceType, tags) {
        store.changed(resourceId);
        const upsert = store.sql(
          `INSERT INTO tags (resource_id, resource_type, key, value) VALUES (?, ?, ?, ?)
             ON CONFLICT (resource_id, key) DO UPDATE SET value = excluded.value`
        );
        for (const tag of tags) upsert.run(resourceId, resourceType, tag.Key, tag.Value);
      },
      async getClientToken(action, token) {
        const r = store
          .sql('SELECT request_hash, resource_id FROM client_tokens WHERE action = ? AND token = ?')
          .get(action, token) as Row | undefined;
        return r && { requestHash: r.request_hash as string, resourceId: r.resource_id as string };
      },
      async putClientToken(action, token, record: ClientTokenRecord) {
        store
          .sql('INSERT INTO client_tokens (action, token, request_hash, resource_id) VALUES (?, ?, ?, ?)')
          .run(action, token, record.requestHash, record.resourceId);
      },
      async getMeta(key) {
        const r = store.sql('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
        return r?.value as string | undefined;
      },
      async setMeta(key, value) {
        store
          .sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
          .run(key, value);
      },
      async appendMetadataJournal(instanceId, effectiveAt, snapshot) {
        store
          .sql('INSERT INTO instance_metadata_journal (instance_id, effective_at, snapshot) VALUES (?, ?, ?)')
          .run(instanceId, effectiveAt, snapshot);
      },
      async listMetadataJournal(instanceId) {
        return (
          store
            .sql('SELECT seq, effective_at, snapshot FROM instance_metadata_journal WHERE instance_id = ? ORDER BY seq')
            .all(instanceId) as Row[]
        ).map((r) => ({
          seq: r.seq as number,
          instanceId,
          effectiveAt: r.effective_at as number,
          snapshot: r.snapshot as string
        }));
      },
      async metadataJournalEnds(instanceId, now) {
        const r = store
          .sql(
            // The entry before the oldest one still pending: found from the oldest end, past the few already due.
            `SELECT seq, effective_at, snapshot,
               (SELECT min(seq) FROM instance_metadata_journal WHERE instance_id = @instanceId) AS first_seq,
               (SELECT max(seq) FROM instance_metadata_journal WHERE instance_id = @instanceId AND seq < coalesce(
                  (SELECT seq FROM instance_metadata_journal WHERE instance_id = @instanceId AND effective_at > @now
                   ORDER BY seq LIMIT 1), 9223372036854775807)) AS due_seq
             FROM instance_metadata_journal WHERE instance_id = @instanceId ORDER BY seq DESC LIMIT 1`
          )
          .get({ instanceId, now }) as Row | undefined;
        return journalEndsFrom(instanceId, r);
      },
      async pruneMetadataJournal(instanceId, belowSeq) {
        store.sql('DELETE FROM instance_metadata_journal WHERE instance_id = ? AND seq < ?').run(instanceId, belowSeq);
      }
    };
  }

  private replaceTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): void {
    this.changed(resourceId);
    this.sql('DELETE FROM tags WHERE resource_id = ?').run(resourceId);
    const insert = this.sql('INSERT INTO tags (resource_id, resource_type, key, value) VALUES (?, ?, ?, ?)');
    for (const tag of tags) insert.run(resourceId, resourceType, tag.Key, tag.Value);
  }
}

function journalEndsFrom(instanceId: string, r: Row | undefined): MetadataJournalEnds {
  if (!r) return { last: undefined, firstSeq: undefined, dueSeq: undefined };
  return {
    last: { seq: r.seq as number, instanceId, effectiveAt: r.effective_at as number, snapshot: r.snapshot as string },
    firstSeq: r.first_seq as number,
    dueSeq: (r.due_seq as number | null) ?? undefined
  };
}

function attachmentFrom(r: Row): Attachment {
  return {
    attachmentId: r.attachment_id as string,
    instanceId: r.instance_id as string,
    deviceIndex: r.device_index as number,
    networkCardIndex: r.network_card_index as number,
    attachTime: new Date(r.attach_time as string),
    deleteOnTermination: r.delete_on_termination === 1
  };
}

function attachmentColumns(a: Attachment | undefined): unknown[] {
  return a
    ? [
        a.attachmentId,
        a.instanceId,
        a.deviceIndex,
        a.networkCardIndex,
        a.attachTime.toISOString(),
        a.deleteOnTermination ? 1 : 0
      ]
    : [null, null, null, null, null, null];
}

function prefixRows(base: number): { address: number; kind: 'prefix'; prefixBase: number }[] {
  return Array.from({ length: 16 }, (_, i) => ({ address: base + i, kind: 'prefix' as const, prefixBase: base }));
}

/** A groups_json column; a listing passes a cache, since its rows mostly hold the same few sets of groups. */
function groupsFrom(json: string, cache?: Map<string, SecurityGroupRef[]>): SecurityGroupRef[] {
  let groups = cache?.get(json);
  if (groups === undefined) {
    groups = JSON.parse(json) as SecurityGroupRef[];
    cache?.set(json, groups);
  }
  return groups;
}

function cidrFrom(r: Row): Cidr {
  return { base: r.cidr_base as number, prefixLength: r.prefix_length as number };
}
