import { derivedId } from './ids.js';
import { formatCidr } from './ipv4.js';
import type { Tag, Vpc } from './model.js';

/**
 * A VPC's main route table as EC2 creates it with the VPC: one local route for the VPC's CIDR and one main
 * association, naming no subnet (VPC User Guide, "Route tables": subnets not associated explicitly use the main
 * table). ec2lite stores no route table; this is derived from the VPC each time it is asked for.
 */
export interface MainRouteTable {
  readonly id: string;
  readonly associationId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  /** The local route's destination: the VPC's CIDR. */
  readonly destinationCidrBlock: string;
  /** Route tables are not taggable in ec2lite. */
  readonly tags: readonly Tag[];
}

export function mainRouteTableOf(vpc: Vpc): MainRouteTable {
  return {
    id: mainRouteTableId(vpc.id),
    associationId: mainRouteTableAssociationId(vpc.id),
    vpcId: vpc.id,
    ownerId: vpc.ownerId,
    destinationCidrBlock: formatCidr(vpc.cidr),
    tags: []
  };
}

/**
 * The main route table's id, derived from the VPC id rather than drawn at random: nothing is stored for it, yet it
 * must stay the same across restarts and on every node sharing a store, and differ between VPCs. The form is
 * newId's (prefix, dash, 17 lowercase hex digits), so it is well-formed for isWellFormedId.
 */
export function mainRouteTableId(vpcId: string): string {
  return derivedId('rtb', `rtb:${vpcId}`);
}

/** The main association's id, derived likewise with another salt so that it never repeats the table's digits. */
export function mainRouteTableAssociationId(vpcId: string): string {
  return derivedId('rtbassoc', `rtbassoc:${vpcId}`);
}
