import { formatCidr, formatIpv4 } from '../domain/ipv4.js';
import type { NetworkInterface, Subnet, Vpc } from '../domain/model.js';
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
  const entries = await tx.listMetadataJournal(instanceId);
  const interfaces = await currentInterfaces(tx, instanceId, cache);
  const last = entries.at(-1);
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
  let due: MetadataJournalEntry | undefined;
  for (const entry of entries) if (entry.effectiveAt <= now) due = entry;
  if (due && due !== entries[0]) await tx.pruneMetadataJournal(instanceId, due.seq);
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

/** Which instances a transaction's writes touched, from the interfaces and instances it wrote. */
class ChangeRecorder {
  readonly affected = new Set<string>();
  /** Instances launched in this transaction: they boot with their interfaces in place, so no lag. */
  readonly launched = new Set<string>();
  readonly tx: StoreTx;

  constructor(private readonly inner: StoreTx) {
    const note = (eni: NetworkInterface): void => {
      if (eni.attachment) this.affected.add(eni.attachment.instanceId);
    };
    // The attachment the interface had before the write: a detach or a delete changes that instance's view.
    const noteStored = async (id: string): Promise<void> => {
      const stored = await inner.getNetworkInterface(id);
      if (stored) note(stored);
    };
    const overrides: Partial<StoreTx> = {
      insertInstance: async (instance) => {
        this.launched.add(instance.id);
        this.affected.add(instance.id);
        await inner.insertInstance(instance);
      },
      insertNetworkInterface: async (eni) => {
        note(eni);
        await inner.insertNetworkInterface(eni);
      },
      updateNetworkInterface: async (eni) => {
        await noteStored(eni.id);
        note(eni);
        await inner.updateNetworkInterface(eni);
      },
      deleteNetworkInterface: async (id) => {
        await noteStored(id);
        await inner.deleteNetworkInterface(id);
      },
      // Actions pass the interface they loaded in the transaction, attachment included.
      addSecondaryAddresses: async (eni, addresses) => {
        note(eni);
        await inner.addSecondaryAddresses(eni, addresses);
      },
      removeSecondaryAddresses: async (eni, addresses) => {
        note(eni);
        await inner.removeSecondaryAddresses(eni, addresses);
      },
      addPrefixes: async (eni, bases) => {
        note(eni);
        await inner.addPrefixes(eni, bases);
      },
      removePrefixes: async (eni, bases) => {
        note(eni);
        await inner.removePrefixes(eni, bases);
      }
    };
    // Bound once per transaction, not on every call: this wrapper sits on every request's path.
    const bound = new Map<PropertyKey, unknown>();
    this.tx = new Proxy(inner, {
      get(target, property, receiver) {
        if (Object.hasOwn(overrides, property)) return overrides[property as keyof StoreTx];
        let value = bound.get(property);
        if (value === undefined) {
          value = Reflect.get(target, property, receiver);
          if (typeof value === 'function') value = (value as (...args: unknown[]) => unknown).bind(target);
          bound.set(property, value);
        }
        return value;
      }
    });
  }

  /** Appends a snapshot for each instance whose interfaces changed; launches are due at once. */
  async flush(options: MetadataJournalOptions): Promise<void> {
    if (this.affected.size === 0) return;
    const now = (options.now ?? Date.now)();
    const cache = new Map<string, Subnet | Vpc | undefined>();
    for (const instanceId of this.affected) {
      const instance = await this.inner.getInstance(instanceId);
      if (!instance) continue;
      const effectiveAt = this.launched.has(instanceId) ? now : now + options.delayMs;
      await appendSnapshot(this.inner, instanceId, effectiveAt, now, options.lingerMs, cache);
    }
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
        const recorder = new ChangeRecorder(tx);
        const result = await fn(recorder.tx);
        await recorder.flush(options);
        return result;
      }, transactionOptions),
    close: () => store.close()
  };
}
