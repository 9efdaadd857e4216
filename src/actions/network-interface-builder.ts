import { planNewInterface, reservedRanges } from '../domain/assignment.js';
import { isWellFormedId, newId, newMacAddress } from '../domain/ids.js';
import type { Attachment, NetworkInterface, Subnet, Tag } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import type { StoreTx } from '../store/store.js';
import type { ActionContext } from './action.js';

export interface NewNetworkInterface {
  readonly subnet: Subnet;
  readonly description?: string;
  readonly groupIds?: readonly string[];
  readonly primary?: string;
  readonly secondaries?: readonly string[];
  readonly secondaryCount?: number;
  readonly prefixes?: readonly string[];
  readonly prefixCount?: number;
  readonly interfaceType?: string;
  readonly tags?: readonly Tag[];
  readonly slotLimit: number;
  readonly attachment?: Attachment;
}

/**
 * Creates an interface in a subnet, as CreateNetworkInterface and RunInstances do: decide its addresses against
 * the subnet's occupancy, then insert it. Without SecurityGroupId.N it gets the VPC's default group
 * (CreateNetworkInterface doc string).
 */
export async function createNetworkInterfaceRecord(
  tx: StoreTx,
  context: ActionContext,
  spec: NewNetworkInterface
): Promise<NetworkInterface> {
  const { subnet } = spec;
  const vpc = (await tx.getVpc(subnet.vpcId))!;
  const map = await tx.addressMap(subnet);
  const plan = planNewInterface(
    map,
    {
      ...(spec.primary !== undefined ? { primary: spec.primary } : {}),
      secondaries: spec.secondaries ?? [],
      secondaryCount: spec.secondaryCount ?? 0,
      prefixes: spec.prefixes ?? [],
      prefixCount: spec.prefixCount ?? 0,
      slotLimit: spec.slotLimit
    },
    context.placement,
    reservedRanges(await tx.listSubnetCidrReservations(subnet.id)),
    context.subnetAtPrefixCapacity?.(subnet.id)
  );
  const groupIds = spec.groupIds?.length ? spec.groupIds : [vpc.defaultSecurityGroupId];
  const eni: NetworkInterface = {
    id: newId('eni'),
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: spec.description ?? '',
    macAddress: newMacAddress(),
    ownerId: context.accountId,
    interfaceType: spec.interfaceType ?? 'interface',
    sourceDestCheck: true,
    requesterManaged: false,
    groups: groupIds.map((groupId) =>
      groupId === vpc.defaultSecurityGroupId ? { groupId, groupName: 'default' } : { groupId }
    ),
    privateIpAddresses: plan.addresses,
    ipv4Prefixes: plan.prefixes,
    tags: spec.tags ?? [],
    ...(spec.attachment ? { attachment: spec.attachment } : {})
  };
  await tx.insertNetworkInterface(eni);
  return eni;
}

/** The address members CreateNetworkInterface and RunInstances' NetworkInterface.N share. */
export interface AddressSpecification {
  readonly PrivateIpAddress?: string;
  readonly PrivateIpAddresses?: readonly { readonly PrivateIpAddress?: string; readonly Primary?: boolean }[];
  readonly SecondaryPrivateIpAddressCount?: number;
  readonly Ipv4Prefixes?: readonly { readonly Ipv4Prefix?: string }[];
  readonly Ipv4PrefixCount?: number;
  readonly Groups?: readonly string[];
}

/**
 * The stateless rules of a new interface's addresses, from the member docs of the EC2 model: one primary, counts
 * not negative, and "You can't specify a count of private IPv4 addresses if you've specified one of the following:
 * specific private IPv4 addresses, specific IPv4 prefixes, or a count of IPv4 prefixes"; prefixes are not combined
 * with specific secondary addresses, nor a prefix count with specific prefixes. Texts [INF].
 */
export function checkAddressSpecification(spec: AddressSpecification): void {
  const explicit = spec.PrivateIpAddresses ?? [];
  if (explicit.filter((a) => a.Primary).length > 1) throw errors.multiplePrimaries();
  if (
    spec.PrivateIpAddress !== undefined &&
    explicit.some((a) => a.Primary && a.PrivateIpAddress !== spec.PrivateIpAddress)
  ) {
    throw errors.invalidParameterCombination(
      'The primary private IP address is specified both as PrivateIpAddress and in PrivateIpAddresses with different values.'
    );
  }
  for (const [value, name] of [
    [spec.SecondaryPrivateIpAddressCount, 'secondaryPrivateIpAddressCount'],
    [spec.Ipv4PrefixCount, 'ipv4PrefixCount']
  ] as const) {
    if (value !== undefined && value < 0) throw errors.notPositive(value, name);
  }
  const prefixesAsked = spec.Ipv4PrefixCount !== undefined || Boolean(spec.Ipv4Prefixes?.length);
  // Naming only the primary (PrivateIpAddress, or one entry marked Primary) is not "specific addresses" here.
  const secondariesNamed = explicit.filter((a) => !a.Primary && a.PrivateIpAddress !== spec.PrivateIpAddress);
  if (prefixesAsked && secondariesNamed.length > 0) {
    throw errors.invalidParameterCombination(
      'You may not specify privateIpAddresses together with ipv4Prefixes or ipv4PrefixCount.'
    );
  }
  if (spec.SecondaryPrivateIpAddressCount && explicit.length > 1) {
    throw errors.invalidParameterCombination(
      'You may not specify secondaryPrivateIpAddressCount together with more than one privateIpAddresses entry.'
    );
  }
  if (spec.Ipv4PrefixCount !== undefined && spec.Ipv4Prefixes?.length) {
    throw errors.invalidParameterCombination('You may specify either ipv4Prefixes or ipv4PrefixCount, but not both.');
  }
  if (prefixesAsked && spec.SecondaryPrivateIpAddressCount) {
    throw errors.invalidParameterCombination(
      'You may not specify secondaryPrivateIpAddressCount together with ipv4Prefixes or ipv4PrefixCount.'
    );
  }
  for (const group of spec.Groups ?? []) if (!isWellFormedId(group, 'sg')) throw errors.securityGroupIdMalformed(group);
}
