import { errors } from '../protocol/error-codes.js';
import type { AddressMap } from './address-map.js';
import { type Cidr, cidrContains, formatIpv4, isAligned, isReservedInSubnet, parseCidr, parseIpv4 } from './ipv4.js';
import type { NetworkInterface, PrivateIpAddress, SubnetCidrReservation } from './model.js';
import type { Random } from './random.js';

/**
 * The pure decisions of address assignment: given what the action loaded (the subnet's occupancy, the
 * interfaces involved), they return what to change or throw the EC2 error. They never write.
 */

/** Who holds an address the request names, as far as the decision needs to know. */
export interface Holder {
  readonly networkInterfaceId: string;
  readonly primary: boolean;
  readonly inPrefix: boolean;
}

/**
 * Parses explicit addresses and checks each lies in the subnet and outside its reserved five (spec §1.3 rules 7–9).
 * Each rule runs over every address before the next rule starts, so the error follows the rules' order, not
 * the order of the addresses in the request.
 */
export function parseSubnetAddresses(subnet: Cidr, texts: readonly string[]): number[] {
  const addresses = texts.map((text) => {
    const address = parseIpv4(text);
    if (address === null) throw errors.invalidAddress(text);
    return address;
  });
  if (addresses.some((address) => !cidrContains(subnet, address))) throw errors.addressOutsideSubnet();
  const reserved = addresses.findIndex((address) => isReservedInSubnet(subnet, address));
  if (reserved >= 0) throw errors.addressReserved(texts[reserved]!);
  const seen = new Set<number>();
  addresses.forEach((address, i) => {
    if (seen.has(address)) throw errors.duplicateAddress(texts[i]!);
    seen.add(address);
  });
  return addresses;
}

/**
 * Parses explicit /28 prefixes: a CIDR of length 28, aligned, inside the subnet and clear of its reserved
 * addresses (ec2-prefix-eni.md; alignment and reserved overlap [INF]).
 */
export function parseSubnetPrefixes(subnet: Cidr, texts: readonly string[]): number[] {
  const seen = new Set<number>();
  return texts.map((text) => {
    const slash = text.indexOf('/');
    const cidr = parseCidr(text);
    if (cidr === null || cidr.prefixLength !== 28 || !isAligned(parseIpv4(text.slice(0, slash)) ?? 1, 28)) {
      throw errors.invalidParameterValue(
        `Invalid value '${text}' for ipv4Prefix. The prefix must be an aligned /28 IPv4 CIDR.`
      );
    }
    if (!cidrContains(subnet, cidr.base) || !cidrContains(subnet, cidr.base + 15)) throw errors.addressOutsideSubnet();
    if (isReservedInSubnet(subnet, cidr.base) || isReservedInSubnet(subnet, cidr.base + 15)) {
      throw errors.addressReserved(text);
    }
    if (seen.has(cidr.base)) throw errors.duplicateAddress(text);
    seen.add(cidr.base);
    return cidr.base;
  });
}

/** How many address slots an interface uses: its addresses plus one per /28 prefix (ec2-prefix-eni.md). */
export function slotsUsed(eni: NetworkInterface): number {
  return eni.privateIpAddresses.length + eni.ipv4Prefixes.length;
}

export function checkSlotLimit(eni: NetworkInterface, adding: number, limit: number): void {
  if (slotsUsed(eni) + adding > limit) throw errors.privateIpAddressLimitExceeded();
}

/**
 * A subnet's CIDR reservations as the automatic picks see them (VPC User Guide, "Subnet CIDR reservations"):
 * `explicit` ranges are handed out only when a request names their addresses; `prefix` ranges are where
 * Ipv4PrefixCount takes its /28s first, and no single address is picked from them.
 */
export interface ReservedRanges {
  readonly explicit: readonly Cidr[];
  readonly prefix: readonly Cidr[];
}

export const NO_RESERVATIONS: ReservedRanges = { explicit: [], prefix: [] };

export function reservedRanges(reservations: readonly SubnetCidrReservation[]): ReservedRanges {
  return {
    explicit: reservations.filter((r) => r.reservationType === 'explicit').map((r) => r.cidr),
    prefix: reservations.filter((r) => r.reservationType === 'prefix').map((r) => r.cidr)
  };
}

/**
 * Picks `count` free addresses outside every reservation, or InsufficientFreeAddressesInSubnet at once when
 * only reserved space is left: never a retry loop.
 */
export function pickAddresses(
  map: AddressMap,
  count: number,
  placement: Random | null,
  reserved: ReservedRanges = NO_RESERVATIONS
): number[] {
  const picked = map.withHeld([...reserved.explicit, ...reserved.prefix], () => map.pick(count, placement));
  if (!picked) throw errors.insufficientFreeAddresses();
  return picked;
}

/**
 * Picks `count` free aligned /28 blocks: first inside prefix-type reservations, then from unreserved space;
 * explicit-type reservations are never used. A subnet without 16 × count free addresses outside explicit
 * reservations answers InvalidParameterValue "There aren't sufficient free Ipv4 addresses or prefixes"; one with
 * the addresses but no whole free block answers InsufficientCidrBlocks (AWS support, quoted in cilium PR #31016).
 * `atCapacity` plays that fragmentation whatever the blocks (Cilium's SetSubnetAtPrefixCapacity).
 */
export function pickPrefixes(
  map: AddressMap,
  count: number,
  placement: Random | null,
  reserved: ReservedRanges = NO_RESERVATIONS,
  atCapacity = false
): number[] {
  return map.withHeld(reserved.explicit, () => {
    if (map.freeCount < count * 16) {
      throw errors.invalidParameterValue("There aren't sufficient free Ipv4 addresses or prefixes");
    }
    if (atCapacity) throw errors.insufficientCidrBlocks();
    // A block lies wholly inside a reservation of /28 or larger, or not at all: CIDRs nest or are disjoint.
    const inPrefixReservation = (base: number) =>
      reserved.prefix.some((r) => r.prefixLength <= 28 && cidrContains(r, base));
    const first = reserved.prefix.length > 0 ? map.pickSomeBlocks16(count, placement, inPrefixReservation) : [];
    // Fewer than `count` means every free block of the reservations was taken: the rest comes from outside them.
    const rest =
      first.length < count
        ? map.withHeld(reserved.prefix, () => map.pickBlocks16(count - first.length, placement))
        : [];
    if (!rest) throw errors.insufficientCidrBlocks();
    return [...first, ...rest];
  });
}

export interface Reassignment {
  /** Addresses newly taken for the target, including those moved from other interfaces. */
  readonly assign: readonly number[];
  /** Moves grouped by the interface they leave. */
  readonly moves: ReadonlyMap<string, readonly number[]>;
}

/**
 * Decides explicit addresses for AssignPrivateIpAddresses (spec §1.3 rules 10–11, §3.2): an address already on
 * the target is a no-op; a secondary of another interface moves only with AllowReassignment; a primary or an
 * address inside another interface's prefix never moves.
 */
export function decideExplicitAssignment(
  target: NetworkInterface,
  addresses: readonly number[],
  holders: ReadonlyMap<number, Holder>,
  allowReassignment: boolean
): Reassignment {
  const assign: number[] = [];
  const moves = new Map<string, number[]>();
  const taken: number[] = [];
  let primaryElsewhere = false;
  for (const address of addresses) {
    const holder = holders.get(address);
    if (!holder) {
      assign.push(address);
    } else if (holder.networkInterfaceId === target.id) {
      // Already here: nothing to do and nothing to report (spec §3.2 [INF]).
    } else if (!allowReassignment || holder.inPrefix) {
      taken.push(address);
    } else if (holder.primary) {
      primaryElsewhere = true;
    } else {
      assign.push(address);
      const leaving = moves.get(holder.networkInterfaceId) ?? [];
      leaving.push(address);
      moves.set(holder.networkInterfaceId, leaving);
    }
  }
  if (taken.length > 0) throw errors.moveNotAllowed(taken.map(formatIpv4));
  if (primaryElsewhere) throw errors.primaryAddressCannotMove();
  return { assign, moves };
}

export interface NewInterfaceRequest {
  /** The primary address, when the caller names it. */
  readonly primary?: string;
  /** Secondary addresses the caller names. */
  readonly secondaries: readonly string[];
  readonly secondaryCount: number;
  readonly prefixes: readonly string[];
  readonly prefixCount: number;
  /** Address slots the interface may use (type limit, or the cap for an unattached interface). */
  readonly slotLimit: number;
}

/**
 * Decides the addresses and prefixes of a new interface (CreateNetworkInterface, RunInstances): explicit ones
 * checked and free, then the counts picked around them. Throws the EC2 error; never changes `map`.
 */
export function planNewInterface(
  map: AddressMap,
  request: NewInterfaceRequest,
  placement: Random | null,
  reserved: ReservedRanges = NO_RESERVATIONS,
  atPrefixCapacity = false
): { addresses: PrivateIpAddress[]; prefixes: number[] } {
  const subnet = map.subnet;
  const explicit = parseSubnetAddresses(
    subnet,
    request.primary === undefined ? request.secondaries : [request.primary, ...request.secondaries]
  );
  // An explicit address someone holds: InvalidIPAddress.InUse (pulumi #10923).
  if (explicit.some((address) => !map.isFree(address))) throw errors.addressInUse();
  const explicitPrefixes = parseSubnetPrefixes(subnet, request.prefixes);
  explicitPrefixes.forEach((base, i) => {
    for (let offset = 0; offset < 16; offset++) {
      if (!map.isFree(base + offset) || explicit.includes(base + offset))
        throw errors.prefixInUse(request.prefixes[i]!);
    }
  });
  const autoCount = (request.primary === undefined ? 1 : 0) + request.secondaryCount;
  const slots = explicit.length + autoCount + explicitPrefixes.length + request.prefixCount;
  if (slots > request.slotLimit) throw errors.privateIpAddressLimitExceeded();

  // Hold what is already chosen while picking the rest, and give it all back before returning.
  const held: number[] = [...explicit, ...explicitPrefixes.flatMap(blockAddresses)];
  const hold = (addresses: readonly number[]): void => {
    for (const address of addresses) map.occupy(address);
    held.push(...addresses.filter((a) => !held.includes(a)));
  };
  for (const address of held) map.occupy(address);
  try {
    const pickedPrefixes =
      request.prefixCount > 0 ? pickPrefixes(map, request.prefixCount, placement, reserved, atPrefixCapacity) : [];
    hold(pickedPrefixes.flatMap(blockAddresses));
    const picked = autoCount > 0 ? pickAddresses(map, autoCount, placement, reserved) : [];
    const addresses: PrivateIpAddress[] =
      request.primary === undefined
        ? [picked[0]!, ...explicit, ...picked.slice(1)].map((address, i) => ({ address, primary: i === 0 }))
        : [...explicit, ...picked].map((address, i) => ({ address, primary: i === 0 }));
    return { addresses, prefixes: [...explicitPrefixes, ...pickedPrefixes] };
  } finally {
    for (const address of held) map.release(address);
  }
}

function blockAddresses(base: number): number[] {
  return Array.from({ length: 16 }, (_, i) => base + i);
}
