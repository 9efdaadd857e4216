import type { Cidr } from '../domain/ipv4.js';
import type { Random } from '../domain/random.js';
import type { OutputStructure } from '../protocol/output-spec.js';
import type { StructureKind } from '../protocol/input-spec.js';
import type { StoreTx } from '../store/store.js';

/** What an action knows of its surroundings: never HTTP, never SQL. */
export interface ActionContext {
  readonly region: string;
  readonly accountId: string;
  /** The availability zones of the region, in order ("us-east-1a", …). */
  readonly availabilityZones: readonly string[];
  /** Address placement: a seeded generator for `random`, null for `lowest`. */
  readonly placement: Random | null;
  readonly random: Random;
  /** Address slots of an interface attached to no instance (spec §3.3 [INF]; default 50). */
  readonly unattachedAddressLimit: number;
  /** The block AllocateAddress takes public addresses from (`--public-ip-pool`). */
  readonly publicIpPool: Cidr;
  /** Elastic IPs the account may hold (`--elastic-ip-limit`; EC2's default quota is 5). */
  readonly elasticIpLimit: number;
  readonly requestId: string;
  readonly now: Date;
  /** Fault injection (control API): true for a subnet switched to answer InsufficientCidrBlocks to every prefix pick. */
  readonly subnetAtPrefixCapacity?: (subnetId: string) => boolean;
  /**
   * The public addresses Elastic IPs hold in every account and region but this one (store/partitions.ts): a public
   * address belongs to one AWS customer at a time, whatever the account. Read by an action that `takesPublicIps`.
   */
  readonly publicIpsHeldElsewhere?: (accountId: string, region: string) => Promise<ReadonlySet<number>>;
}

/** One EC2 action: its wire spec, its output shape and its run, which loads, decides and applies in one transaction. */
export interface Action<I = Record<string, unknown>> {
  readonly name: string;
  readonly input: StructureKind;
  readonly output: OutputStructure;
  /** Read-only actions never write; they still see one consistent snapshot. */
  readonly readOnly?: boolean;
  /**
   * Takes addresses of the public pool, which every account and region share: the gate runs such requests one at
   * a time in this process, and the action takes the store's public-pool lock for other nodes.
   */
  readonly takesPublicIps?: boolean;
  /** Cross-field rules that need no state; run before the transaction. */
  readonly check?: (input: I) => void;
  run(tx: StoreTx, input: I, context: ActionContext): Promise<object>;
}

export function defineAction<I>(action: Action<I>): Action<I> {
  return action;
}
