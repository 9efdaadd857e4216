import {
  type Holder,
  checkSlotLimit,
  decideExplicitAssignment,
  parseSubnetAddresses,
  parseSubnetPrefixes,
  pickAddresses,
  pickPrefixes,
  reservedRanges
} from '../domain/assignment.js';
import { formatIpv4 } from '../domain/ipv4.js';
import { addressSlotLimit, checkPrefixDelegation } from '../domain/limits.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, integer, list, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { attachedInstanceType, requireNetworkInterface, requireSubnet } from './common.js';

interface AssignPrivateIpAddressesInput {
  NetworkInterfaceId: string;
  PrivateIpAddresses?: string[];
  SecondaryPrivateIpAddressCount?: number;
  AllowReassignment?: boolean;
  Ipv4Prefixes?: string[];
  Ipv4PrefixCount?: number;
}

/**
 * AssignPrivateIpAddresses, checked in the order of spec §1.3. It has no DryRun member in the EC2 model, so a
 * DryRun parameter is UnknownParameter here.
 */
export const assignPrivateIpAddresses = defineAction<AssignPrivateIpAddressesInput>({
  name: 'AssignPrivateIpAddresses',
  input: structure({
    NetworkInterfaceId: member('NetworkInterfaceId', string(), true),
    // locationName privateIpAddress → PrivateIpAddress.N (plain strings).
    PrivateIpAddresses: member('PrivateIpAddress', list(string())),
    SecondaryPrivateIpAddressCount: member('SecondaryPrivateIpAddressCount', integer()),
    AllowReassignment: member('AllowReassignment', boolean()),
    // locationName Ipv4Prefix → Ipv4Prefix.N (plain strings here, unlike CreateNetworkInterface).
    Ipv4Prefixes: member('Ipv4Prefix', list(string())),
    Ipv4PrefixCount: member('Ipv4PrefixCount', integer())
  }),
  output: out.structure(
    out.member('NetworkInterfaceId', 'networkInterfaceId'),
    out.member(
      'AssignedPrivateIpAddresses',
      'assignedPrivateIpAddressesSet',
      out.list(out.structure(out.member('PrivateIpAddress', 'privateIpAddress')))
    ),
    out.member(
      'AssignedIpv4Prefixes',
      'assignedIpv4PrefixSet',
      out.list(out.structure(out.member('Ipv4Prefix', 'ipv4Prefix')))
    )
  ),
  async run(tx, input, context) {
    const eni = await requireNetworkInterface(tx, input.NetworkInterfaceId);

    // Rule 5: exactly one of the four ways to ask (spec §1.4).
    const given = [
      input.PrivateIpAddresses?.length,
      input.SecondaryPrivateIpAddressCount !== undefined,
      input.Ipv4Prefixes?.length,
      input.Ipv4PrefixCount !== undefined
    ].filter(Boolean).length;
    if (given === 0) {
      throw errors.invalidParameter(
        'One of privateIpAddressSet or privateIpAddressCount or ipv4PrefixSet or ipv4PrefixCount must be specified.'
      );
    }
    if (given > 1) {
      throw errors.invalidParameterCombination(
        'You may specify one and only one of privateIpAddressSet or secondaryPrivateIpAddressCount or ipv4Prefixes or ipv4PrefixCount, but not more than one of them.'
      );
    }
    // Rule 6: counts are positive.
    if (input.SecondaryPrivateIpAddressCount !== undefined && input.SecondaryPrivateIpAddressCount < 1) {
      throw errors.notPositive(input.SecondaryPrivateIpAddressCount, 'secondaryPrivateIpAddressCount');
    }
    if (input.Ipv4PrefixCount !== undefined && input.Ipv4PrefixCount < 1) {
      throw errors.notPositive(input.Ipv4PrefixCount, 'ipv4PrefixCount');
    }

    const subnet = await requireSubnet(tx, eni.subnetId);
    const map = await tx.addressMap(subnet);
    const type = await attachedInstanceType(tx, eni);
    const limit = addressSlotLimit(type, context.unattachedAddressLimit);

    if (input.PrivateIpAddresses?.length) {
      // Rules 7–11: literal, inside the subnet, not reserved; then who holds each address.
      const addresses = parseSubnetAddresses(subnet.cidr, input.PrivateIpAddresses);
      const stored = await tx.addressHolders(subnet.id, addresses);
      const holders = new Map<number, Holder>(
        [...stored].map(([address, h]) => [
          address,
          { networkInterfaceId: h.networkInterfaceId, primary: h.primary, inPrefix: h.prefixBase !== undefined }
        ])
      );
      const decision = decideExplicitAssignment(eni, addresses, holders, input.AllowReassignment ?? false);
      // Rule 12: the slot limit, counted after the call.
      checkSlotLimit(eni, decision.assign.length, limit);
      for (const [sourceId, moving] of decision.moves) {
        const source = await requireNetworkInterface(tx, sourceId);
        await tx.removeSecondaryAddresses(source, moving);
        // "any Elastic IP address that is associated with the IP address is also moved" (API reference).
        for (const eip of await tx.elasticIpsOnInterface(source.id)) {
          if (eip.association && moving.includes(eip.association.privateIpAddress)) {
            await tx.setElasticIpAssociation(eip.allocationId, { ...eip.association, networkInterfaceId: eni.id });
          }
        }
      }
      await tx.addSecondaryAddresses(eni, decision.assign);
      return {
        NetworkInterfaceId: eni.id,
        AssignedPrivateIpAddresses: decision.assign.map((a) => ({ PrivateIpAddress: formatIpv4(a) }))
      };
    }

    if (input.SecondaryPrivateIpAddressCount !== undefined) {
      checkSlotLimit(eni, input.SecondaryPrivateIpAddressCount, limit);
      const reserved = reservedRanges(await tx.listSubnetCidrReservations(subnet.id));
      const picked = pickAddresses(map, input.SecondaryPrivateIpAddressCount, context.placement, reserved);
      await tx.addSecondaryAddresses(eni, picked);
      return {
        NetworkInterfaceId: eni.id,
        AssignedPrivateIpAddresses: picked.map((a) => ({ PrivateIpAddress: formatIpv4(a) }))
      };
    }

    // Rule 13: prefixes need a Nitro instance.
    checkPrefixDelegation(type);
    let bases: number[];
    if (input.Ipv4Prefixes?.length) {
      bases = parseSubnetPrefixes(subnet.cidr, input.Ipv4Prefixes);
      bases.forEach((base, i) => {
        for (let offset = 0; offset < 16; offset++) {
          if (!map.isFree(base + offset)) throw errors.prefixInUse(input.Ipv4Prefixes![i]!);
        }
      });
      checkSlotLimit(eni, bases.length, limit);
    } else {
      checkSlotLimit(eni, input.Ipv4PrefixCount!, limit);
      const reserved = reservedRanges(await tx.listSubnetCidrReservations(subnet.id));
      bases = pickPrefixes(
        map,
        input.Ipv4PrefixCount!,
        context.placement,
        reserved,
        context.subnetAtPrefixCapacity?.(subnet.id)
      );
    }
    await tx.addPrefixes(eni, bases);
    // Only prefixes were assigned: EC2 leaves the address set out (work-with-prefixes.md CLI sample).
    return {
      NetworkInterfaceId: eni.id,
      AssignedIpv4Prefixes: bases.map((b) => ({ Ipv4Prefix: `${formatIpv4(b)}/28` }))
    };
  }
});
