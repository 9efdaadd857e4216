import { planNewInterface, reservedRanges } from '../domain/assignment.js';
import { newId, newMacAddress } from '../domain/ids.js';
import type { Attachment, NetworkInterface, Subnet, Tag } from '../domain/model.js';
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
