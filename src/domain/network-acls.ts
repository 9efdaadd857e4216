import { derivedId } from './ids.js';
import type { Subnet, Tag, Vpc } from './model.js';

/** One rule of a network ACL (NetworkAclEntry of the EC2 model, IPv4 only: ec2lite VPCs have no IPv6 block). */
export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** "-1" is every protocol (NetworkAclEntry Protocol doc string). */
  readonly protocol: string;
  readonly ruleAction: 'allow' | 'deny';
  readonly cidrBlock: string;
}

/** A subnet's association with the ACL. */
export interface NetworkAclAssociation {
  readonly id: string;
  readonly subnetId: string;
}

/**
 * A VPC's default network ACL as EC2 creates it with the VPC: it allows all inbound and outbound IPv4 traffic
 * (VPC User Guide, "Default network ACL"), and every subnet of the VPC that is not associated with another ACL is
 * associated with it; ec2lite has no other ACL, so that is every subnet. Nothing is stored for it: it is derived
 * from the VPC and its subnets each time it is asked for, as the main route table is (route-tables.ts).
 */
export interface DefaultNetworkAcl {
  readonly id: string;
  readonly vpcId: string;
  readonly ownerId: string;
  /** One per subnet of the VPC, in the order the store lists subnets. */
  readonly associations: readonly NetworkAclAssociation[];
  readonly entries: readonly NetworkAclEntry[];
  /** Network ACLs are not taggable in ec2lite. */
  readonly tags: readonly Tag[];
}

const rule = (egress: boolean, ruleNumber: number, ruleAction: 'allow' | 'deny'): NetworkAclEntry => ({
  ruleNumber,
  egress,
  protocol: '-1',
  ruleAction,
  cidrBlock: '0.0.0.0/0'
});

/**
 * The default ACL's rules in the order EC2 lists them: egress before ingress, each by rule number (the AWS CLI's
 * describe-network-acls example). 32767 is the catch-all deny EC2 ends every ACL with ("*" in the console).
 */
export const DEFAULT_NETWORK_ACL_ENTRIES: readonly NetworkAclEntry[] = [
  rule(true, 100, 'allow'),
  rule(true, 32767, 'deny'),
  rule(false, 100, 'allow'),
  rule(false, 32767, 'deny')
];

/** The default ACL of `vpc`, associated with those of `subnets` that belong to it. */
export function defaultNetworkAclOf(vpc: Vpc, subnets: readonly Subnet[]): DefaultNetworkAcl {
  return {
    id: defaultNetworkAclId(vpc.id),
    vpcId: vpc.id,
    ownerId: vpc.ownerId,
    associations: subnets
      .filter((s) => s.vpcId === vpc.id)
      .map((s) => ({ id: networkAclAssociationId(s.id), subnetId: s.id })),
    entries: DEFAULT_NETWORK_ACL_ENTRIES,
    tags: []
  };
}

/**
 * The default ACL's id, derived from the VPC id (see derivedId): stable across restarts and between nodes sharing
 * a store, distinct between VPCs.
 */
export function defaultNetworkAclId(vpcId: string): string {
  return derivedId('acl', `acl:${vpcId}`);
}

/**
 * A subnet's association id, derived from the subnet id alone: a subnet is only ever associated with its VPC's
 * default ACL in ec2lite, so the association lives exactly as long as the subnet.
 */
export function networkAclAssociationId(subnetId: string): string {
  return derivedId('aclassoc', `aclassoc:${subnetId}`);
}
