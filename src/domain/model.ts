import type { Cidr } from './ipv4.js';

/** The resources ec2lite keeps, in EC2's own terms. Addresses are unsigned 32-bit integers. */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export type ResourceType = 'vpc' | 'subnet' | 'network-interface' | 'security-group' | 'instance' | 'elastic-ip';

export interface Vpc {
  readonly id: string;
  readonly cidr: Cidr;
  readonly cidrAssociationId: string;
  readonly isDefault: boolean;
  readonly instanceTenancy: string;
  readonly dhcpOptionsId: string;
  readonly ownerId: string;
  /** Every VPC comes with a security group named "default" (VPC User Guide). */
  readonly defaultSecurityGroupId: string;
  readonly tags: readonly Tag[];
}

export interface Subnet {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr: Cidr;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
  readonly ownerId: string;
  readonly tags: readonly Tag[];
}

export interface PrivateIpAddress {
  readonly address: number;
  readonly primary: boolean;
}

export interface SecurityGroupRef {
  readonly groupId: string;
  readonly groupName?: string;
}

export interface NetworkInterface {
  readonly id: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly description: string;
  readonly macAddress: string;
  readonly ownerId: string;
  readonly interfaceType: string;
  readonly sourceDestCheck: boolean;
  readonly requesterManaged: boolean;
  readonly groups: readonly SecurityGroupRef[];
  /** Primary first, then secondaries in the order they were assigned. */
  readonly privateIpAddresses: readonly PrivateIpAddress[];
  /** Bases of the /28 prefixes delegated to the interface, in assignment order. */
  readonly ipv4Prefixes: readonly number[];
  readonly tags: readonly Tag[];
}

export function primaryAddress(eni: NetworkInterface): number {
  const primary = eni.privateIpAddresses.find((a) => a.primary);
  if (!primary) throw new Error(`network interface ${eni.id} has no primary address`);
  return primary.address;
}
