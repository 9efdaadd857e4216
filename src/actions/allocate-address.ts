import { inPublicPool, pickPublicAddress } from '../domain/elastic-ips.js';
import { newId } from '../domain/ids.js';
import { formatIpv4 } from '../domain/ipv4.js';
import type { ElasticIp } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure, tagSpecifications } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { type TagSpecification, tagsFromSpecifications } from './common.js';
import { parsePublicIp } from './elastic-ip-records.js';

interface AllocateAddressInput {
  Domain?: string;
  Address?: string;
  PublicIpv4Pool?: string;
  NetworkBorderGroup?: string;
  CustomerOwnedIpv4Pool?: string;
  IpamPoolId?: string;
  TagSpecifications?: TagSpecification[];
  DryRun?: boolean;
}

/**
 * AllocateAddress (spec §2.14): a public address from the configured pool, up to the per-region limit. Every
 * address is a VPC address: EC2-Classic is retired, and EC2 answers Domain "vpc" whatever Domain says
 * (getmoto/moto PR #5729, checked against AWS with Domain "" and "xyz"), so "standard" is taken as "vpc" too.
 */
export const allocateAddress = defineAction<AllocateAddressInput>({
  name: 'AllocateAddress',
  input: structure({
    // DomainType is an enum in the model, but EC2 itself accepts any value (above): no enum check here.
    Domain: member('Domain', string()),
    Address: member('Address', string()),
    PublicIpv4Pool: member('PublicIpv4Pool', string()),
    NetworkBorderGroup: member('NetworkBorderGroup', string()),
    CustomerOwnedIpv4Pool: member('CustomerOwnedIpv4Pool', string()),
    IpamPoolId: member('IpamPoolId', string()),
    TagSpecifications: tagSpecifications,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('AllocationId', 'allocationId'),
    out.member('PublicIpv4Pool', 'publicIpv4Pool'),
    out.member('NetworkBorderGroup', 'networkBorderGroup'),
    out.member('Domain', 'domain'),
    out.member('PublicIp', 'publicIp')
  ),
  takesPublicIps: true,
  check(input) {
    // Only Amazon's own pool exists here: no BYOIP, customer-owned (Outposts) or IPAM pools.
    if (input.PublicIpv4Pool !== undefined && input.PublicIpv4Pool !== 'amazon')
      throw errors.publicIpv4PoolNotFound(input.PublicIpv4Pool);
    if (input.CustomerOwnedIpv4Pool !== undefined) {
      throw errors.invalidParameterValue(
        `The customer-owned IPv4 pool '${input.CustomerOwnedIpv4Pool}' does not exist.`
      );
    }
    if (input.IpamPoolId !== undefined)
      throw errors.invalidParameterValue(`The IPAM pool '${input.IpamPoolId}' does not exist.`);
    if (input.Address !== undefined) parsePublicIp(input.Address, 'Address');
  },
  async run(tx, input, context) {
    // The region is the only network border group ec2lite has (no Local or Wavelength Zones).
    if (input.NetworkBorderGroup !== undefined && input.NetworkBorderGroup !== context.region) {
      throw errors.invalidParameterValue(
        `Invalid network border group '${input.NetworkBorderGroup}' for region ${context.region}.`
      );
    }
    const tags = tagsFromSpecifications(input.TagSpecifications, 'elastic-ip');
    const held = await tx.listElasticIps();
    if (held.length >= context.elasticIpLimit) throw errors.addressLimitExceeded();
    // The pool is shared by every account and region: what they hold is taken too.
    await tx.lockPublicIpPool();
    const taken = [
      ...held.map((e) => e.publicIp),
      ...((await context.publicIpsHeldElsewhere?.(context.accountId, context.region)) ?? [])
    ];
    let publicIp: number | undefined;
    if (input.Address !== undefined) {
      // Recovering a specific address (API reference, Address): only one of the pool that no one holds.
      publicIp = parsePublicIp(input.Address, 'Address');
      if (!inPublicPool(context.publicIpPool, publicIp) || taken.includes(publicIp)) {
        throw errors.addressNotFound(input.Address);
      }
    } else {
      publicIp = pickPublicAddress(context.publicIpPool, taken, context.placement);
      if (publicIp === undefined) throw errors.insufficientAddressCapacity();
    }
    const eip: ElasticIp = { allocationId: newId('eipalloc'), publicIp, ownerId: context.accountId, tags };
    await tx.insertElasticIp(eip);
    return {
      AllocationId: eip.allocationId,
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: context.region,
      Domain: 'vpc',
      PublicIp: formatIpv4(publicIp)
    };
  }
});
