import { isAccountId } from '../domain/ids.js';
import { isRegionName } from '../domain/zones.js';
import type { Store } from './store.js';

/**
 * Every (account, region) has a state of its own, as on AWS: one account's resources do not exist for another,
 * and a region's do not exist in another region (EC2 resources are regional; ids are not looked up across
 * regions). ec2lite keeps each pair in a partition — a store of its own, so that isolation needs no column, no
 * filter and no check in any action: a partition simply holds nothing of the others.
 *
 * The home partition is the configured account and region, the one unsigned requests use; it is opened at start
 * and also holds the registry of the other partitions, which are created on first use and opened again at every
 * start (the metadata service finds instances in all of them).
 */

export interface PartitionKey {
  readonly accountId: string;
  readonly region: string;
}

export interface Partition extends PartitionKey {
  /** The partition's own store. */
  readonly store: Store;
  /** The store the EC2 actions go through (the emulator's journaling wrapper around `store`). */
  readonly actionStore: Store;
}

export interface PartitionsOptions {
  readonly home: PartitionKey;
  /** Other processes share the stores (PostgreSQL) and may add partitions; else this process alone does. */
  readonly shared: boolean;
  /**
   * Opens (creating when missing) the store of a partition: the home one when `home` is undefined, another one
   * beside `home`, the home partition's store.
   */
  open(key: PartitionKey, home?: Store): Promise<Store>;
  /** The store EC2 actions use for a partition's store. */
  actionStore(store: Store): Store;
  /** Readies an opened partition, every time it is opened or wiped: a new account's default VPC, and so on. */
  prepare(partition: Partition): Promise<void>;
}

/** The home store's meta key listing the other partitions (a JSON list of "account/region"). */
export const PARTITION_REGISTRY = 'partitions';
/** The home store's meta key naming the account and region it belongs to. */
const HOME = 'home-partition';

/** The home partition's state belongs to another account or region than the configured one. */
export class PartitionMismatchError extends Error {}

export class Partitions {
  private readonly byKey = new Map<string, Partition>();
  private readonly opening = new Map<string, Promise<Partition>>();

  private constructor(
    private readonly options: PartitionsOptions,
    readonly home: Partition
  ) {
    this.byKey.set(keyOf(home), home);
  }

  /** Opens the home partition, checks that it is the configured account's and region's, then every registered one. */
  static async open(options: PartitionsOptions): Promise<Partitions> {
    checkKey(options.home);
    const store = await options.open(options.home);
    const home: Partition = { ...options.home, store, actionStore: options.actionStore(store) };
    const partitions = new Partitions(options, home);
    try {
      const owner = await store.transaction(async (tx) => {
        const recorded = await tx.getMeta(HOME);
        if (recorded === undefined) await tx.setMeta(HOME, keyOf(home));
        return recorded ?? keyOf(home);
      });
      if (owner !== keyOf(home)) {
        const [accountId, region] = owner.split('/');
        throw new PartitionMismatchError(
          `this state belongs to account ${accountId} in ${region}, not to account ${home.accountId} in ${home.region}: ` +
            `start with --account-id ${accountId} --region ${region}, or use another data folder or database`
        );
      }
      await options.prepare(home);
      await partitions.openRegistered();
    } catch (error) {
      await partitions.close();
      throw error;
    }
    return partitions;
  }

  /**
   * The partition of an account and region, created and readied on first use. Synchronous once open, so that the
   * request path awaits nothing for it.
   */
  get(accountId: string, region: string): Partition | Promise<Partition> {
    const key = `${accountId}/${region}`;
    return this.byKey.get(key) ?? this.openPartition({ accountId, region }, true);
  }

  /**
   * Every partition, including those another node sharing the state has created since this one last looked. Safe
   * inside a transaction of any partition: a store of this process alone is not read again.
   */
  async all(): Promise<Partition[]> {
    if (this.options.shared) await this.openRegistered();
    return [...this.byKey.values()];
  }

  private async openRegistered(): Promise<void> {
    const registered = await this.home.store.transaction((tx) => tx.getMeta(PARTITION_REGISTRY), { readOnly: true });
    for (const key of registeredPartitions(registered)) {
      if (!this.byKey.has(keyOf(key))) await this.openPartition(key, false);
    }
  }

  /** Wipes every partition and readies each again (the control API's reset). */
  async reset(): Promise<void> {
    const all = [...this.byKey.values()];
    for (const partition of all) await partition.store.reset?.();
    await this.home.store.transaction(async (tx) => {
      await tx.setMeta(HOME, keyOf(this.home));
      await tx.setMeta(PARTITION_REGISTRY, JSON.stringify(all.filter((p) => p !== this.home).map(keyOf)));
    });
    for (const partition of all) await this.options.prepare(partition);
  }

  /** Whether every store can be wiped (the control API offers a reset only then). */
  get resettable(): boolean {
    return this.home.store.reset !== undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.opening.values());
    const stores = [...this.byKey.values()].map((p) => p.store);
    this.byKey.clear();
    await Promise.all(stores.map((store) => store.close()));
  }

  private openPartition(key: PartitionKey, register: boolean): Promise<Partition> {
    const name = keyOf(key);
    let pending = this.opening.get(name);
    if (!pending) {
      pending = this.create(key, register).finally(() => this.opening.delete(name));
      this.opening.set(name, pending);
    }
    return pending;
  }

  private async create(key: PartitionKey, register: boolean): Promise<Partition> {
    checkKey(key);
    const store = await this.options.open(key, this.home.store);
    const partition: Partition = { ...key, store, actionStore: this.options.actionStore(store) };
    try {
      await this.options.prepare(partition);
      if (register) {
        await this.home.store.transaction(async (tx) => {
          const known = registeredPartitions(await tx.getMeta(PARTITION_REGISTRY)).map(keyOf);
          if (!known.includes(keyOf(key))) await tx.setMeta(PARTITION_REGISTRY, JSON.stringify([...known, keyOf(key)]));
        });
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    this.byKey.set(keyOf(key), partition);
    return partition;
  }
}

function keyOf(key: PartitionKey): string {
  return `${key.accountId}/${key.region}`;
}

/** Only well-formed names reach a file or schema name; the gate refuses others before (sigv4.ts). */
function checkKey(key: PartitionKey): void {
  if (!isAccountId(key.accountId) || !isRegionName(key.region)) {
    throw new Error(`not an account and region: '${key.accountId}' '${key.region}'`);
  }
}

/** The partitions the home store's registry (its PARTITION_REGISTRY meta value) names. */
export function registeredPartitions(text: string | undefined): PartitionKey[] {
  if (text === undefined) return [];
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is string => typeof v === 'string')
    .map((name) => {
      const [accountId = '', region = ''] = name.split('/');
      return { accountId, region };
    });
}
