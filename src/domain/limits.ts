import { errors } from '../protocol/error-codes.js';
import { type InstanceTypeInfo, supportsPrefixDelegation } from './instance-types.js';

/**
 * Address slots of an interface (primary + secondaries + one per /28 prefix): the attached instance type's
 * Ipv4AddressesPerInterface, or the configured cap for an interface attached to nothing, which EC2 does not
 * document (spec §3.3 [INF]) and checks again at attach.
 */
export function addressSlotLimit(type: InstanceTypeInfo | undefined, unattachedCap: number): number {
  return type ? type.ipv4AddressesPerInterface : unattachedCap;
}

/** Prefixes need a Nitro instance (ec2-prefix-eni.md); an unattached interface may hold them. */
export function checkPrefixDelegation(type: InstanceTypeInfo | undefined): void {
  if (type && !supportsPrefixDelegation(type)) throw errors.prefixDelegationUnsupported(type.instanceType);
}
