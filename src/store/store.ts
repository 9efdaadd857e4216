import type { AddressMap } from '../domain/address-map.js';
import type {
  Attachment,
  ElasticIp,
  Instance,
  InstanceStateName,
  NetworkInterface,
  ResourceType,
  Subnet,
  SubnetCidrReservation,
  Tag,
  Vpc
} from '../domain/model.js';

/** Who holds an occupied address of a subnet. */
export interface AddressHolder {
  readonly networkInterfaceId: string;
  readonly primary: boolean;
  /** Set when the address lies inside a /28 prefix delegated to the interface. */
  readonly prefixBase?: number;
}

/** A tag with the resource it belongs to, as DescribeTags lists it. */
export interface ResourceTag {
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  readonly key: string;
  readonly value: string;
}

/** One entry of an instance's metadata journal: what its metadata service shows from `effectiveAt` on (src/imds/). */
export interface MetadataJournalEntry {
  /** Given by the store on append; larger for every later append, across all instances. */
  readonly seq: number;
  readonly instanceId: string;
  /** Milliseconds since the epoch. */
  readonly effectiveAt: number;
  /** JSON text, kept verbatim. */
  readonly snapshot: string;
}

/** See StoreTx.metadataJournalEnds; every field is undefined for an empty journal. */
export interface MetadataJournalEnds {
  /** The newest entry. */
  readonly last: MetadataJournalEntry | undefined;
  /** The `seq` of the oldest entry. */
  readonly firstSeq: number | undefined;
  /** The `seq` of the newest entry already due (`effectiveAt` ≤ now), if any is: what the metadata shows now. */
  readonly dueSeq: number | undefined;
}

export interface ClientTokenRecord {
  readonly requestHash: string;
  readonly resourceId: string;
}

/**
 * One store transaction. Every method is async so that both backends (embedded SQLite, shared PostgreSQL)
 * fit behind it; an action loads what it decides on, decides, and writes, all through one `StoreTx`.
 */
export interface StoreTx {
  /**
   * `forUpdate`: the caller will change or delete the VPC in this transaction. A shared store then locks it for
   * writing at once, rather than for reading and later for writing: two such callers upgrading their read locks
   * would deadlock.
   */
  getVpc(id: string, options?: { readonly forUpdate?: boolean }): Promise<Vpc | undefined>;
  listVpcs(): Promise<Vpc[]>;
  insertVpc(vpc: Vpc): Promise<void>;
  /** Writes the VPC's attributes (ModifyVpcAttribute): DNS support, DNS hostnames, Network Address Usage metrics. */
  updateVpcAttributes(vpc: Vpc): Promise<void>;
  deleteVpc(id: string): Promise<void>;
  countSubnetsInVpc(vpcId: string): Promise<number>;

  getSubnet(id: string): Promise<Subnet | undefined>;
  listSubnets(): Promise<Subnet[]>;
  insertSubnet(subnet: Subnet): Promise<void>;
  deleteSubnet(id: string): Promise<void>;
  /** The subnet's occupancy; the address writes below keep it current within the transaction. */
  addressMap(subnet: Subnet): Promise<AddressMap>;
  countNetworkInterfacesInSubnet(subnetId: string): Promise<number>;

  getNetworkInterface(id: string): Promise<NetworkInterface | undefined>;
  listNetworkInterfaces(): Promise<NetworkInterface[]>;
  /** Inserts the interface with its addresses and prefixes. */
  insertNetworkInterface(eni: NetworkInterface): Promise<void>;
  deleteNetworkInterface(id: string): Promise<void>;

  /** The holders of those of `addresses` that are occupied in the subnet. */
  addressHolders(subnetId: string, addresses: readonly number[]): Promise<Map<number, AddressHolder>>;
  addSecondaryAddresses(eni: NetworkInterface, addresses: readonly number[]): Promise<void>;
  removeSecondaryAddresses(eni: NetworkInterface, addresses: readonly number[]): Promise<void>;
  /** Delegates /28 prefixes (given by their base address): 16 occupied rows each. */
  addPrefixes(eni: NetworkInterface, bases: readonly number[]): Promise<void>;
  removePrefixes(eni: NetworkInterface, bases: readonly number[]): Promise<void>;

  /** Writes the interface's mutable fields: description, source/dest check, groups and attachment. */
  updateNetworkInterface(eni: NetworkInterface): Promise<void>;
  /** Interfaces attached to an instance, by device index. */
  listAttachedNetworkInterfaces(instanceId: string): Promise<NetworkInterface[]>;
  findAttachment(attachmentId: string): Promise<{ networkInterfaceId: string; attachment: Attachment } | undefined>;

  getInstance(id: string): Promise<Instance | undefined>;
  listInstances(): Promise<Instance[]>;
  insertInstance(instance: Instance): Promise<void>;
  updateInstance(instance: Instance): Promise<void>;
  countInstancesInSubnet(subnetId: string, states: readonly InstanceStateName[]): Promise<number>;

  getElasticIp(allocationId: string): Promise<ElasticIp | undefined>;
  getElasticIpByPublicIp(publicIp: number): Promise<ElasticIp | undefined>;
  listElasticIps(): Promise<ElasticIp[]>;
  insertElasticIp(eip: ElasticIp): Promise<void>;
  deleteElasticIp(allocationId: string): Promise<void>;
  /** Sets or clears the association of one Elastic IP. */
  setElasticIpAssociation(allocationId: string, association: ElasticIp['association']): Promise<void>;
  /**
   * Until the transaction ends, no other node sharing the store's database takes public addresses: the public pool
   * is shared by every account and region, whose stores are separate. Nothing to do where one process holds them all.
   */
  lockPublicIpPool(): Promise<void>;
  /** Elastic IPs associated with addresses of an interface. */
  elasticIpsOnInterface(networkInterfaceId: string): Promise<ElasticIp[]>;

  getSubnetCidrReservation(id: string): Promise<SubnetCidrReservation | undefined>;
  listSubnetCidrReservations(subnetId?: string): Promise<SubnetCidrReservation[]>;
  insertSubnetCidrReservation(reservation: SubnetCidrReservation): Promise<void>;
  deleteSubnetCidrReservation(id: string): Promise<void>;

  setTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): Promise<void>;
  /** Deletes the named keys (only where the value matches, when one is given), or every tag without keys. */
  deleteTags(resourceId: string, tags?: readonly { readonly Key: string; readonly Value?: string }[]): Promise<void>;
  tagsOf(resourceId: string): Promise<Tag[]>;
  listTags(): Promise<ResourceTag[]>;

  getClientToken(action: string, token: string): Promise<ClientTokenRecord | undefined>;
  putClientToken(action: string, token: string, record: ClientTokenRecord): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** Appends an entry to the instance's metadata journal; the store gives it the next `seq`. */
  appendMetadataJournal(instanceId: string, effectiveAt: number, snapshot: string): Promise<void>;
  /** The instance's journal entries in `seq` order, oldest first; none for an unknown instance. */
  listMetadataJournal(instanceId: string): Promise<MetadataJournalEntry[]>;
  /**
   * The ends of the instance's journal as of `now` (ms), in one read: all an append needs, without the entries
   * still pending in between, of which a busy instance has one per change made within the metadata's lag. Relies
   * on the journal's order: times never decrease along `seq` (metadata-journal.ts appends them so), so the entries
   * already due are the oldest ones.
   */
  metadataJournalEnds(instanceId: string, now: number): Promise<MetadataJournalEnds>;
  /** Deletes the instance's entries whose `seq` is below `belowSeq`; the others stay. */
  pruneMetadataJournal(instanceId: string, belowSeq: number): Promise<void>;
}

export interface TransactionOptions {
  /**
   * The transaction only reads: a backend shared by several nodes may then read one consistent snapshot without
   * taking locks. Writing inside it is an error there.
   */
  readonly readOnly?: boolean;
}

export interface Store {
  /**
   * Runs `fn` in one transaction: all its writes land, or none do, and it behaves as if no other transaction ran
   * at the same time. A backend shared by several nodes may run `fn` again when the database asks for a retry (a
   * deadlock, a serialization failure), so `fn` must do nothing outside the transaction that cannot be repeated.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
  /** Deletes every resource in one transaction, leaving an empty state (the control API's reset with `state`). */
  reset?(): Promise<void>;
}
