import { formatCidr, formatIpv4 } from '../domain/ipv4.js';
import type { Instance, NetworkInterface, Subnet, Vpc } from '../domain/model.js';
import type { MetadataJournalEntry, Store, StoreTx } from '../store/store.js';

/**
 * The instance metadata service lags the control plane (EC2 API reference, AssignPrivateIpAddresses: "Remapping
 * an IP address is an asynchronous operation … check network/interfaces/macs/mac/local-ipv4s in the instance
 * metadata to confirm that the remapping is complete"). Each write transaction that changes what an instance's
 * metadata shows appends, in that same transaction, a snapshot of the instance's interfaces that becomes visible
 * `delayMs` later. The IMDS serves the latest snapshot already due. Snapshots are persisted, so pending changes
 * keep their time across a restart, and each change keeps its own: a later one never reveals an earlier one
 * early (snapshots are cumulative and their times never decrease) nor hides it late.
 */

/** One attached interface as the instance's metadata shows it (network/interfaces/macs/<mac>/…). */
export interface MetadataInterface {
  readonly id: string;
  readonly mac: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  readonly subnetId: string;
  readonly subnetCidr: string;
  readonly vpcId: string;
  readonly vpcCidrs: readonly string[];
  readonly ownerId: string;
  readonly securityGroupIds: readonly string[];
  /** Dotted quads, primary first. */
  readonly privateIpv4s: readonly string[];
  /** "10.0.1.16/28", in delegation order. */
  readonly ipv4Prefixes: readonly string[];
}

/** What an instance's metadata shows from the entry's effective time on. */
export interface MetadataSnapshot {
  /** By network card, then device index. */
  readonly interfaces: readonly MetadataInterface[];
  /** MACs of interfaces gone from the instance, still listed under macs/ until `until` (ms), every leaf a 404. */
  readonly lingering: readonly { readonly mac: string; readonly until: number }[];
}

export interface MetadataJournalOptions {
  /** How long a change takes to reach the metadata, in ms; 0 shows it at once. */
  readonly delayMs: number;
  /** How long a detached interface's MAC stays listed, in ms, after its detachment shows; 0 for not at all. */
  readonly lingerMs: number;
  /** The clock, ms since the epoch (tests may fix it). */
  readonly now?: () => number;
}

const EMPTY: MetadataSnapshot = { interfaces: [], lingering: [] };

/** The snapshot an instance's metadata shows at `now`: the latest journal entry already due. */
export function snapshotAt(entries: readonly MetadataJournalEntry[], now: number): MetadataSnapshot {
  let due: MetadataJournalEntry | undefined;
  for (const entry of entries) if (entry.effectiveAt <= now) due = entry;
  return due ? (JSON.parse(due.snapshot) as MetadataSnapshot) : EMPTY;
}

/**
 * snapshotAt of the instance's journal, reading only its ends when nothing is pending (the newest entry is due):
 * what the metadata service does on every request, so a quiet instance costs one small read, not its journal.
 */
export async function readSnapshotAt(tx: StoreTx, instanceId: string, now: number): Promise<MetadataSnapshot> {
  const { last, dueSeq } = await tx.metadataJournalEnds(instanceId, now);
  if (dueSeq === undefined) return EMPTY;
  if (dueSeq === last?.seq) return JSON.parse(last.snapshot) as MetadataSnapshot;
  return snapshotAt(await tx.listMetadataJournal(instanceId), now);
}

/** The interfaces attached to an instance now, as its metadata will show them. */
export async function currentInterfaces(
  tx: StoreTx,
  instanceId: string,
  cache: Map<string, Subnet | Vpc | undefined> = new Map()
): Promise<MetadataInterface[]> {
  const load = async <T extends Subnet | Vpc>(
    id: string,
    get: (id: string) => Promise<T | undefined>
  ): Promise<T | undefined> => {
    if (!cache.has(id)) cache.set(id, await get(id));
    return cache.get(id) as T | undefined;
  };
  const attached = await tx.listAttachedNetworkInterfaces(instanceId);
  const interfaces: MetadataInterface[] = [];
  for (const eni of attached) {
    const subnet = await load(eni.subnetId, (id) => tx.getSubnet(id));
    const vpc = await load(eni.vpcId, (id) => tx.getVpc(id));
    interfaces.push(metadataInterface(eni, subnet, vpc));
  }
  return interfaces.sort((a, b) => a.networkCardIndex - b.networkCardIndex || a.deviceIndex - b.deviceIndex);
}

function metadataInterface(eni: NetworkInterface, subnet: Subnet | undefined, vpc: Vpc | undefined): MetadataInterface {
  const primaryFirst = [...eni.privateIpAddresses].sort((x, y) => Number(y.primary) - Number(x.primary));
  return {
    id: eni.id,
    mac: eni.macAddress,
    deviceIndex: eni.attachment?.deviceIndex ?? 0,
    networkCardIndex: eni.attachment?.networkCardIndex ?? 0,
    subnetId: eni.subnetId,
    subnetCidr: subnet ? formatCidr(subnet.cidr) : '',
    vpcId: eni.vpcId,
    vpcCidrs: vpc ? [formatCidr(vpc.cidr)] : [],
    ownerId: eni.ownerId,
    securityGroupIds: eni.groups.map((g) => g.groupId),
    privateIpv4s: primaryFirst.map((a) => formatIpv4(a.address)),
    ipv4Prefixes: eni.ipv4Prefixes.map((base) => `${formatIpv4(base)}/28`)
  };
}

/**
 * Appends the instance's current interfaces to its journal, due at `effectiveAt` or later: never before the
 * entry appended last, so that changes show in the order they were made. Nothing is appended when the
 * interfaces are those of the last entry. Entries superseded by one already due are pruned first.
 */
export async function appendSnapshot(
  tx: StoreTx,
  instanceId: string,
  effectiveAt: number,
  now: number,
  lingerMs: number,
  cache?: Map<string, Subnet | Vpc | undefined>
): Promise<void> {
  // Only the journal's ends: an instance changed often has an entry per change still pending, each a snapshot.
  const { last, firstSeq, dueSeq } = await tx.metadataJournalEnds(instanceId, now);
  const interfaces = await currentInterfaces(tx, instanceId, cache);
  const previous = last ? (JSON.parse(last.snapshot) as MetadataSnapshot) : EMPTY;
  if (last && JSON.stringify(previous.interfaces) === JSON.stringify(interfaces)) return;
  const at = Math.max(effectiveAt, last?.effectiveAt ?? 0);
  const macs = new Set(interfaces.map((i) => i.mac));
  const lingering =
    lingerMs > 0
      ? [
          ...previous.lingering.filter((l) => l.until > at && !macs.has(l.mac)),
          ...previous.interfaces.filter((i) => !macs.has(i.mac)).map((i) => ({ mac: i.mac, until: at + lingerMs }))
        ]
      : [];
  if (dueSeq !== undefined && dueSeq !== firstSeq) await tx.pruneMetadataJournal(instanceId, dueSeq);
  const snapshot: MetadataSnapshot = { interfaces, lingering };
  await tx.appendMetadataJournal(instanceId, at, JSON.stringify(snapshot));
}

/**
 * Gives every instance that has no journal yet (one launched before the journal existed) an entry due at once,
 * so that its first change afterwards lags like any other.
 */
export async function seedMetadataJournal(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    for (const instance of await tx.listInstances()) {
      if (instance.state === 'terminated') continue;
      if ((await tx.listMetadataJournal(instance.id)).length > 0) continue;
      const snapshot: MetadataSnapshot = { interfaces: await currentInterfaces(tx, instance.id), lingering: [] };
      await tx.appendMetadataJournal(instance.id, 0, JSON.stringify(snapshot));
    }
  });
}

/**
 * Which instances a transaction's writes touched, from the interfaces and instances it wrote. It is itself the
 * transaction the actions see: the writes below note what they touch, and every other StoreTx method is a plain
 * delegate installed once on the prototype (one object per transaction, on every request's path).
 */
class ChangeRecorder {
  /** Instances whose metadata view the transaction changed; created on the first change. */
  affected: Set<string> | undefined;
  /** Instances launched in this transaction: they boot with their interfaces in place, so no lag. */
  launched: Set<string> | undefined;

  constructor(readonly inner: StoreTx) {}

  private note(eni: NetworkInterface): void {
    if (eni.attachment) (this.affected ??= new Set()).add(eni.attachment.instanceId);
  }

  /** The attachment the interface had before the write: a detach or a delete changes that instance's view. */
  private async noteStored(id: string): Promise<void> {
    const stored = await this.inner.getNetworkInterface(id);
    if (stored) this.note(stored);
  }

  async insertInstance(instance: Instance): Promise<void> {
    (this.launched ??= new Set()).add(instance.id);
    (this.affected ??= new Set()).add(instance.id);
    await this.inner.insertInstance(instance);
  }

  async insertNetworkInterface(eni: NetworkInterface): Promise<void> {
    this.note(eni);
    await this.inner.insertNetworkInterface(eni);
  }

  async updateNetworkInterface(eni: NetworkInterface): Promise<void> {
    await this.noteStored(eni.id);
    this.note(eni);
    await this.inner.updateNetworkInterface(eni);
  }

  async deleteNetworkInterface(id: string): Promise<void> {
    await this.noteStored(id);
    await this.inner.deleteNetworkInterface(id);
  }

  // Actions pass the interface they loaded in the transaction, attachment included.
  async addSecondaryAddresses(eni: NetworkInterface, addresses: readonly number[]): Promise<void> {
    this.note(eni);
    await this.inner.addSecondaryAddresses(eni, addresses);
  }

  async removeSecondaryAddresses(eni: NetworkInterface, addresses: readonly number[]): Promise<void> {
    this.note(eni);
    await this.inner.removeSecondaryAddresses(eni, addresses);
  }

  async addPrefixes(eni: NetworkInterface, bases: readonly number[]): Promise<void> {
    this.note(eni);
    await this.inner.addPrefixes(eni, bases);
  }

  async removePrefixes(eni: NetworkInterface, bases: readonly number[]): Promise<void> {
    this.note(eni);
    await this.inner.removePrefixes(eni, bases);
  }

  /** Appends a snapshot for each instance whose interfaces changed; launches are due at once. */
  async flush(options: MetadataJournalOptions): Promise<void> {
    if (!this.affected) return;
    const now = (options.now ?? Date.now)();
    const cache = new Map<string, Subnet | Vpc | undefined>();
    for (const instanceId of this.affected) {
      const instance = await this.inner.getInstance(instanceId);
      if (!instance) continue;
      const effectiveAt = this.launched?.has(instanceId) ? now : now + options.delayMs;
      await appendSnapshot(this.inner, instanceId, effectiveAt, now, options.lingerMs, cache);
    }
  }
}

/** Installs, once, a delegate on the recorder's prototype for every StoreTx method it does not override. */
const delegated = new WeakSet<object>();

function delegateTo(tx: StoreTx): void {
  // Once per kind of transaction object: a store's own literal, or a class's prototype.
  const kind = Object.getPrototypeOf(tx) === Object.prototype ? tx : (Object.getPrototypeOf(tx) as object);
  if (delegated.has(kind)) return;
  delegated.add(kind);
  const prototype = ChangeRecorder.prototype as unknown as Record<string, unknown>;
  // A store's transaction may be an object literal or a class instance: take methods from its whole chain.
  const names = new Set<string>();
  for (let o: object | null = tx; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name);
  }
  for (const name of names) {
    if (name in prototype || typeof (tx as unknown as Record<string, unknown>)[name] !== 'function') continue;
    prototype[name] = function (this: ChangeRecorder, ...args: unknown[]): unknown {
      return (this.inner as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
    };
  }
}

/**
 * The store the EC2 actions write through: every transaction also journals, before it commits, the metadata
 * snapshots of the instances it changed. Reads and everything else pass through untouched.
 */
export function journaledStore(store: Store, options: MetadataJournalOptions): Store {
  return {
    transaction: (fn, transactionOptions) =>
      store.transaction(async (tx) => {
        // A read-only transaction writes nothing to journal.
        if (transactionOptions?.readOnly) return fn(tx);
        delegateTo(tx);
        const recorder = new ChangeRecorder(tx);
        const result = await fn(recorder as unknown as StoreTx);
        // Most writes change no instance's interfaces: then there is nothing to flush, not even a promise to await.
        if (recorder.affected) await recorder.flush(options);
        return result;
      }, transactionOptions),
    close: () => store.close()
  };
}
