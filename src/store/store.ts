import type { AddressMap } from '../domain/address-map.js';
import type { NetworkInterface, ResourceType, Subnet, Tag, Vpc } from '../domain/model.js';

/** Who holds an occupied address of a subnet. */
export interface AddressHolder {
  readonly networkInterfaceId: string;
  readonly primary: boolean;
  /** Set when the address lies inside a /28 prefix delegated to the interface. */
  readonly prefixBase?: number;
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
  getVpc(id: string): Promise<Vpc | undefined>;
  listVpcs(): Promise<Vpc[]>;
  insertVpc(vpc: Vpc): Promise<void>;
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

  setTags(resourceId: string, resourceType: ResourceType, tags: readonly Tag[]): Promise<void>;

  getClientToken(action: string, token: string): Promise<ClientTokenRecord | undefined>;
  putClientToken(action: string, token: string, record: ClientTokenRecord): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

export interface Store {
  /** Runs `fn` in one transaction: all its writes land, or none do. Transactions never interleave. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
