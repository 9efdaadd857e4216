import { formatIpv4, parseIpv4, parseCidr } from '../domain/ipv4.js';
import { errors } from '../protocol/error-codes.js';
import { list, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireNetworkInterface } from './common.js';

interface UnassignPrivateIpAddressesInput {
  NetworkInterfaceId: string;
  PrivateIpAddresses?: string[];
  Ipv4Prefixes?: string[];
}

/** UnassignPrivateIpAddresses (spec §2.1): only secondaries and prefixes the interface holds can go. */
export const unassignPrivateIpAddresses = defineAction<UnassignPrivateIpAddressesInput>({
  name: 'UnassignPrivateIpAddresses',
  input: structure({
    NetworkInterfaceId: member('NetworkInterfaceId', string(), true),
    PrivateIpAddresses: member('PrivateIpAddress', list(string())),
    Ipv4Prefixes: member('Ipv4Prefix', list(string()))
  }),
  output: returnOutput,
  async run(tx, input) {
    const eni = await requireNetworkInterface(tx, input.NetworkInterfaceId);
    if (!input.PrivateIpAddresses?.length && !input.Ipv4Prefixes?.length) {
      throw errors.missingParameter('PrivateIpAddress');
    }
    const held = new Map(eni.privateIpAddresses.map((a) => [a.address, a.primary]));
    const addresses = new Set<number>();
    for (const text of input.PrivateIpAddresses ?? []) {
      const address = parseIpv4(text);
      if (address === null) throw errors.invalidAddress(text);
      if (held.get(address) === true) throw errors.cannotUnassignPrimary(text);
      if (!held.has(address)) throw errors.addressesNotAssigned(eni.id);
      addresses.add(address);
    }
    const prefixes = new Set<number>();
    for (const text of input.Ipv4Prefixes ?? []) {
      const cidr = parseCidr(text);
      // parseCidr clears host bits: "10.0.0.33/28" must not name the interface's 10.0.0.32/28.
      if (
        cidr === null ||
        cidr.prefixLength !== 28 ||
        `${formatIpv4(cidr.base)}/28` !== text ||
        !eni.ipv4Prefixes.includes(cidr.base)
      ) {
        throw errors.addressesNotAssigned(eni.id);
      }
      prefixes.add(cidr.base);
    }
    // "An Elastic IP address associated with an unassigned secondary address is disassociated" (MultipleIP.md);
    // so is one on an address inside a removed prefix.
    for (const eip of await tx.elasticIpsOnInterface(eni.id)) {
      const address = eip.association?.privateIpAddress;
      if (address !== undefined && (addresses.has(address) || prefixes.has(address - (address % 16)))) {
        await tx.setElasticIpAssociation(eip.allocationId, undefined);
      }
    }
    await tx.removeSecondaryAddresses(eni, [...addresses]);
    await tx.removePrefixes(eni, [...prefixes]);
    return { Return: true };
  }
});
