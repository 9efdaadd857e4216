import Database from 'better-sqlite3';
import { AddressMap } from '../domain/address-map.js';
import type { Cidr } from '../domain/ipv4.js';
import type { NetworkInterface, ResourceType, SecurityGroupRef, Subnet, Tag, Vpc } from '../domain/model.js';
import { sqliteMigrations } from './migrations/sqlite-migrations.js';
import type { AddressHolder, ClientTokenRecord, Store, StoreTx } from './store.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a throwaway state. */
  readonly path: string;
  /** 'normal' survives a process crash (WAL); 'full' also survives power loss, at an fsync per commit. */
  readonly synchronous?: 'normal' | 'full';
}

type Row = Record<string, unknown>;

/**
 * The embedded store: better-sqlite3 (synchronous) behind the async Store interface. Transactions are
 * serialised by a promise chain, because an async transaction that awaits would otherwise let another
 * request's statements run inside it on the one connection.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly maps = new Map<string, AddressMap>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tx: StoreTx;
  private touchedSubnets = new Set<string>();

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.path);
    if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.tx = this.makeTx();
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      this.touchedSubnets = new Set();
      try {
        const result = await fn(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        this.db.exec('ROLLBACK');
        // The cached occupancy saw the rolled-back writes: rebuild it from the rows on next use.
        for (const subnetId of this.touchedSubnets) this.maps.delete(subnetId);
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
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

  private tagsOf(resourceId: string): Tag[] {
    return (this.sql('SELECT key, value FROM tags WHERE resource_id = ? ORDER BY rowid').all(resourceId) as Row[]).map(
      (r) => ({ Key: r.key as string, Value: r.value as string })
    );
  }

  private tagsByResource(resourceType: ResourceType): Map<string, Tag[]> {
    const byResource = new Map<string, Tag[]>();
    for (const r of this.sql('SELECT resource_id, key, value FROM tags WHERE resource_type = ? ORDER BY rowid').all(
      resourceType
    ) as Row[]) {
      const id = r.resource_id as string;
      let tags = byResource.get(id);
      if (!tags) byResource.set(id, (tags = []));
      tags.push({ Key: r.key as string, Value: r.value as string });
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

  private interfaceFrom(r: Row, addresses: Row[], tags: Tag[]): NetworkInterface {
    const privateIpAddresses = [];
    const ipv4Prefixes: number[] = [];
    for (const a of addresses) {
      if (a.kind === 'prefix') {
        if (a.address === a.prefix_base) ipv4Prefixes.push(a.prefix_base as number);
      } else {
        privateIpAddresses.push({ address: a.address as number, primary: a.kind === 'primary' });
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
      sourceDestCheck: r.source_dest_check === 1,
      requesterManaged: r.requester_managed === 1,
      groups: JSON.parse(r.groups_json as string) as SecurityGroupRef[],
      privateIpAddresses,
      ipv4Prefixes,
      tags
    };
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

  private makeTx(): StoreTx {
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
               dhcp_options_id, owner_id, default_security_group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
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
            vpc.defaultSecurityGroupId
          );
        store.replaceTags(vpc.id, 'vpc', vpc.tags);
      },
      async deleteVpc(id) {
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(id);
        store.sql('DELETE FROM vpcs WHERE id = ?').run(id);
      },
      async countSubnetsInVpc(vpcId) {
        return (store.sql('SELECT count(*) AS n FROM subnets WHERE vpc_id = ?').get(vpcId) as Row).n as number;
      },
      async getSubnet(id) {
        const r = store.sql('SELECT * FROM subnets WHERE id = ?').get(id) as Row | undefined;
        return r && store.subnetFrom(r, store.tagsOf(id));
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
        store.sql('DELETE FROM tags WHERE resource_id = ?').run(id);
        store.sql('DELETE FROM subnets WHERE id = ?').run(id);
        store.maps.delete(id);
      },
      async addressMap(subnet) {
        let map = store.maps.get(subnet.id);
        if (!map) {
          map = new AddressMap(subnet.cidr);
          for (const r of store.sql('SELECT address FROM private_ip_addresses WHERE subnet_id = ?').raw().all(subnet.id) as [
            number
          ][]) {
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
        const r = store.sql('SELECT * FROM network_interfaces WHERE id = ?').get(id) as Row | undefined;
        if (!r) return undefined;
        const addresses = store
          .sql('SELECT address, kind, prefix_base FROM private_ip_addresses WHERE network_interface_id = ? ORDER BY seq')
          .all(id) as Row[];
        return store.interfaceFrom(r, addresses, store.tagsOf(id));
      },
      async listNetworkInterfaces() {
        const tags = store.tagsByResource('network-interface');
        const addresses = new Map<string, Row[]>();
        for (const a of store
          .sql('SELECT network_interface_id, address, kind, prefix_base FROM private_ip_addresses ORDER BY seq')
          .all() as Row[]) {
          const id = a.network_interface_id as string;
          let rows = addresses.get(id);
          if (!rows) addresses.set(id, (rows = []));
          rows.push(a);
        }
        return (store.sql('SELECT * FROM network_interfaces ORDER BY rowid').all() as Row[]).map((r) =>
          store.interfaceFrom(r, addresses.get(r.id as string) ?? [], tags.get(r.id as string) ?? [])
        );
      },
      async insertNetworkInterface(eni) {
        store
          .sql(
            `INSERT INTO network_interfaces (id, subnet_id, vpc_id, availability_zone, description, mac_address, owner_id,
               interface_type, source_dest_check, requester_managed, groups_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
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
            JSON.stringify(eni.groups)
          );
        store.insertAddressRows(eni, [
          ...eni.privateIpAddresses.map((a) => ({ address: a.address, kind: a.primary ? ('primary' as const) : ('secondary' as const) })),
          ...eni.ipv4Prefixes.flatMap(prefixRows)
        ]);
        store.replaceTags(eni.id, 'network-interface', eni.tags);
      },
      async deleteNetworkInterface(id) {
        const r = store.sql('SELECT subnet_id FROM network_interfaces WHERE id = ?').get(id) as Row | undefined;
        if (!r) return;
        const subnetId = r.subnet_id as string;
        const map = store.cachedMap(subnetId);
        store.touchedSubnets.add(subnetId);
        for (const a of store.sql('SELECT address FROM private_ip_addresses WHERE network_interface_id = ?').raw().all(id) as [
          number
        ][]) {
          map?.release(a[0]);
        }
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
      async setTags(resourceId, resourceType, tags) {
        const upsert = store.sql(
          `INSERT INTO tags (resource_id, resource_type, key, value) VALUES (?, ?, ?, ?)
             ON CONFLICT (resource_id, key) DO UPDATE SET value = excluded.value`
        );
        for (const tag of tags) upsert.run(resourceId, resourceType, tag.Key, tag.Value);
      },
      async getClientToken(action, token) {
        const r = store.sql('SELECT request_hash, resource_id FROM client_tokens WHERE action = ? AND token = ?').get(
          action,
          token
        ) as Row | undefined;
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
      }
    };
  }

  private replaceTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): void {
    this.sql('DELETE FROM tags WHERE resource_id = ?').run(resourceId);
    const insert = this.sql('INSERT INTO tags (resource_id, resource_type, key, value) VALUES (?, ?, ?, ?)');
    for (const tag of tags) insert.run(resourceId, resourceType, tag.Key, tag.Value);
  }
}

function prefixRows(base: number): { address: number; kind: 'prefix'; prefixBase: number }[] {
  return Array.from({ length: 16 }, (_, i) => ({ address: base + i, kind: 'prefix' as const, prefixBase: base }));
}

function cidrFrom(r: Row): Cidr {
  return { base: r.cidr_base as number, prefixLength: r.prefix_length as number };
}
