import { createHash } from 'node:crypto';
import type { Instance } from '../domain/model.js';
import type { Store } from '../store/store.js';

/**
 * Each instance has a loopback address of its own, 127.x.y.z with x in 1–254 and z in 1–254 (127.0.0.0/16 is
 * left alone), at which its metadata service answers: on Linux all of 127.0.0.0/8 reaches the host, so a client
 * pointed at `http://127.x.y.z:<imds port>` talks to that instance's IMDS, and the server tells instances apart
 * by the local address a connection arrived on. The address follows from the instance id by a hash; when two
 * instances hash alike, the one launched later takes the next free address, so an address never changes.
 */

const Y = 256;
const Z = 254;
const SLOTS = 254 * Y * Z;

function slotOf(instanceId: string): number {
  return createHash('sha256').update(instanceId).digest().readUInt32BE(0) % SLOTS;
}

function addressOfSlot(slot: number): string {
  const x = 1 + Math.floor(slot / (Y * Z));
  const rest = slot % (Y * Z);
  return `127.${x}.${Math.floor(rest / Z)}.${1 + (rest % Z)}`;
}

/** The address an instance takes unless an instance launched before it holds it already. */
export function homeAddress(instanceId: string): string {
  return addressOfSlot(slotOf(instanceId));
}

/** True for a loopback address that can name an instance (127.x.y.z outside 127.0.0.0/16). */
export function isInstanceLoopback(address: string): boolean {
  const m = /^127\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (!m) return false;
  const [x, , z] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return x >= 1 && x <= 254 && z >= 1 && z <= 254;
}

/** Assigns addresses to instances in launch order, each at its hash slot or the next free one after it. */
export function assignLoopbackAddresses(instances: readonly Instance[]): Map<string, string> {
  const ordered = [...instances].sort(
    (a, b) =>
      a.launchTime.getTime() - b.launchTime.getTime() ||
      a.amiLaunchIndex - b.amiLaunchIndex ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
  const taken = new Set<number>();
  const byInstance = new Map<string, string>();
  for (const instance of ordered) {
    let slot = slotOf(instance.id);
    while (taken.has(slot)) slot = (slot + 1) % SLOTS;
    taken.add(slot);
    byInstance.set(instance.id, addressOfSlot(slot));
  }
  return byInstance;
}

/** Instance ↔ loopback address, rebuilt from the store when asked about one it does not know yet. */
export class LoopbackDirectory {
  private byInstance = new Map<string, string>();
  private byAddress = new Map<string, string>();
  private rebuilding: Promise<void> | undefined;

  /** `stores`: every store holding instances (one per account and region). */
  constructor(private readonly stores: () => Promise<readonly Store[]>) {}

  addressOf(instanceId: string): Promise<string | undefined> {
    return this.lookup(() => this.byInstance.get(instanceId));
  }

  instanceAt(address: string): Promise<string | undefined> {
    return this.lookup(() => this.byAddress.get(address));
  }

  private async lookup(get: () => string | undefined): Promise<string | undefined> {
    const known = get();
    if (known !== undefined) return known;
    // A rebuild already running may have read the instances before this one was launched: wait, then read again.
    if (this.rebuilding) {
      await this.rebuilding;
      const found = get();
      if (found !== undefined) return found;
    }
    await this.rebuild();
    return get();
  }

  /** Forgets what it knew, for when instances may have gone (a reset of the state). */
  async refresh(): Promise<void> {
    if (this.rebuilding) await this.rebuilding;
    await this.rebuild();
  }

  /** One rebuild at a time; callers arriving meanwhile share it. */
  private rebuild(): Promise<void> {
    this.rebuilding ??= this.stores()
      .then(async (stores) => {
        const lists = await Promise.all(stores.map((store) => store.transaction((tx) => tx.listInstances())));
        return lists.flat();
      })
      .then((instances) => {
        this.byInstance = assignLoopbackAddresses(instances);
        this.byAddress = new Map([...this.byInstance].map(([id, address]) => [address, id]));
      })
      .finally(() => {
        this.rebuilding = undefined;
      });
    return this.rebuilding;
  }
}
