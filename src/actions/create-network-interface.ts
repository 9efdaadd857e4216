import { createHash } from 'node:crypto';
import { parseSubnetAddresses, parseSubnetPrefixes, pickAddresses, pickPrefixes } from '../domain/assignment.js';
import { isWellFormedId, newId, newMacAddress } from '../domain/ids.js';
import type { NetworkInterface, PrivateIpAddress } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import {
  boolean,
  dryRun,
  integer,
  list,
  member,
  string,
  structure,
  tagSpecifications
} from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { networkInterfaceShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { type TagSpecification, requireNetworkInterface, requireSubnet, tagsFromSpecifications } from './common.js';
import { networkInterfaceView } from './views.js';

interface CreateNetworkInterfaceInput {
  SubnetId: string;
  Description?: string;
  Groups?: string[];
  PrivateIpAddress?: string;
  PrivateIpAddresses?: { PrivateIpAddress?: string; Primary?: boolean }[];
  SecondaryPrivateIpAddressCount?: number;
  Ipv4Prefixes?: { Ipv4Prefix?: string }[];
  Ipv4PrefixCount?: number;
  InterfaceType?: string;
  ClientToken?: string;
  TagSpecifications?: TagSpecification[];
  DryRun?: boolean;
}

const input = structure({
  SubnetId: member('SubnetId', string(), true),
  Description: member('Description', string({ maxLength: 255 })),
  // The model member Groups goes on the wire as SecurityGroupId.N.
  Groups: member('SecurityGroupId', list(string(), 16)),
  PrivateIpAddress: member('PrivateIpAddress', string()),
  // Here the list keeps its plural name and struct items: PrivateIpAddresses.N.PrivateIpAddress (EC2 model).
  PrivateIpAddresses: member(
    'PrivateIpAddresses',
    list(structure({ PrivateIpAddress: member('PrivateIpAddress', string()), Primary: member('Primary', boolean()) }))
  ),
  SecondaryPrivateIpAddressCount: member('SecondaryPrivateIpAddressCount', integer()),
  Ipv4Prefixes: member('Ipv4Prefix', list(structure({ Ipv4Prefix: member('Ipv4Prefix', string()) }))),
  Ipv4PrefixCount: member('Ipv4PrefixCount', integer()),
  InterfaceType: member('InterfaceType', string({ enum: ['interface', 'efa', 'efa-only', 'branch', 'trunk'] })),
  ClientToken: member('ClientToken', string({ maxLength: 64 })),
  TagSpecifications: tagSpecifications,
  DryRun: dryRun
});

/** A digest of the request minus its token: the same token with other parameters is a mismatch. */
function requestHash(request: CreateNetworkInterfaceInput): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export const createNetworkInterface = defineAction<CreateNetworkInterfaceInput>({
  name: 'CreateNetworkInterface',
  input,
  output: out.structure(
    out.member('NetworkInterface', 'networkInterface', networkInterfaceShape),
    out.member('ClientToken', 'clientToken')
  ),
  check(request) {
    const explicit = request.PrivateIpAddresses ?? [];
    if (explicit.filter((a) => a.Primary).length > 1) throw errors.multiplePrimaries();
    if (request.PrivateIpAddress !== undefined && explicit.some((a) => a.Primary && a.PrivateIpAddress !== request.PrivateIpAddress)) {
      throw errors.invalidParameterCombination(
        'The primary private IP address is specified both as PrivateIpAddress and in PrivateIpAddresses with different values.'
      );
    }
    for (const [value, name] of [
      [request.SecondaryPrivateIpAddressCount, 'secondaryPrivateIpAddressCount'],
      [request.Ipv4PrefixCount, 'ipv4PrefixCount']
    ] as const) {
      if (value !== undefined && value < 0) throw errors.notPositive(value, name);
    }
    // Prefixes can't be combined with a secondary count, and a prefix count not with explicit prefixes (EC2 model).
    if (request.Ipv4PrefixCount !== undefined && request.Ipv4Prefixes?.length) {
      throw errors.invalidParameterCombination('You may specify either ipv4Prefixes or ipv4PrefixCount, but not both.');
    }
    if ((request.Ipv4PrefixCount !== undefined || request.Ipv4Prefixes?.length) && request.SecondaryPrivateIpAddressCount) {
      throw errors.invalidParameterCombination(
        'You may not specify secondaryPrivateIpAddressCount together with ipv4Prefixes or ipv4PrefixCount.'
      );
    }
    for (const group of request.Groups ?? []) if (!isWellFormedId(group, 'sg')) throw errors.securityGroupIdMalformed(group);
  },
  async run(tx, request, context) {
    if (request.ClientToken !== undefined) {
      const seen = await tx.getClientToken('CreateNetworkInterface', request.ClientToken);
      if (seen) {
        if (seen.requestHash !== requestHash(request)) throw errors.idempotentParameterMismatch(request.ClientToken);
        // The same token with the same parameters answers the interface it created (EC2 idempotency).
        const existing = await requireNetworkInterface(tx, seen.resourceId);
        return { NetworkInterface: networkInterfaceView(existing, context), ClientToken: request.ClientToken };
      }
    }
    const subnet = await requireSubnet(tx, request.SubnetId);
    const vpc = (await tx.getVpc(subnet.vpcId))!;
    const map = await tx.addressMap(subnet);

    const explicitEntries = request.PrivateIpAddresses ?? [];
    const primaryText = request.PrivateIpAddress ?? explicitEntries.find((a) => a.Primary)?.PrivateIpAddress;
    const secondaryTexts = explicitEntries
      .filter((a) => a.PrivateIpAddress !== undefined && a.PrivateIpAddress !== primaryText)
      .map((a) => a.PrivateIpAddress!);
    const explicit = parseSubnetAddresses(subnet.cidr, primaryText === undefined ? secondaryTexts : [primaryText, ...secondaryTexts]);
    // An explicit address someone holds: InvalidIPAddress.InUse (pulumi #10923).
    if (explicit.some((address) => !map.isFree(address))) throw errors.addressInUse();
    const explicitPrefixes = parseSubnetPrefixes(
      subnet.cidr,
      (request.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? '')
    );
    for (const base of explicitPrefixes) {
      for (let i = 0; i < 16; i++) {
        if (!map.isFree(base + i) || explicit.includes(base + i)) throw errors.prefixInUse(`${request.Ipv4Prefixes?.[explicitPrefixes.indexOf(base)]?.Ipv4Prefix}`);
      }
    }

    const autoCount = (primaryText === undefined ? 1 : 0) + (request.SecondaryPrivateIpAddressCount ?? 0);
    const prefixCount = request.Ipv4PrefixCount ?? 0;
    const slots = explicit.length + autoCount + explicitPrefixes.length + prefixCount;
    if (slots > context.unattachedAddressLimit) throw errors.privateIpAddressLimitExceeded();

    // Explicit addresses are held out of the picks by occupying them only after picking distinct ones.
    const reserved = [...explicit, ...explicitPrefixes.flatMap((b) => Array.from({ length: 16 }, (_, i) => b + i))];
    for (const address of reserved) map.occupy(address);
    let picked: number[];
    let pickedPrefixes: number[];
    try {
      pickedPrefixes = prefixCount > 0 ? pickPrefixes(map, prefixCount, context.placement) : [];
      for (const base of pickedPrefixes) for (let i = 0; i < 16; i++) map.occupy(base + i);
      try {
        picked = pickAddresses(map, autoCount, context.placement);
      } finally {
        for (const base of pickedPrefixes) for (let i = 0; i < 16; i++) map.release(base + i);
      }
    } finally {
      for (const address of reserved) map.release(address);
    }

    const addresses: PrivateIpAddress[] = [];
    if (primaryText === undefined) {
      addresses.push({ address: picked[0]!, primary: true }, ...picked.slice(1).map((a) => ({ address: a, primary: false })));
      addresses.push(...explicit.map((a) => ({ address: a, primary: false })));
    } else {
      addresses.push({ address: explicit[0]!, primary: true }, ...explicit.slice(1).map((a) => ({ address: a, primary: false })));
      addresses.push(...picked.map((a) => ({ address: a, primary: false })));
    }
    const eni: NetworkInterface = {
      id: newId('eni'),
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      description: request.Description ?? '',
      macAddress: newMacAddress(),
      ownerId: context.accountId,
      interfaceType: request.InterfaceType ?? 'interface',
      sourceDestCheck: true,
      requesterManaged: false,
      // Without SecurityGroupId.N the interface gets the VPC's default group (CreateNetworkInterface doc string).
      groups: request.Groups?.length
        ? request.Groups.map((groupId) => (groupId === vpc.defaultSecurityGroupId ? { groupId, groupName: 'default' } : { groupId }))
        : [{ groupId: vpc.defaultSecurityGroupId, groupName: 'default' }],
      privateIpAddresses: addresses,
      ipv4Prefixes: [...explicitPrefixes, ...pickedPrefixes],
      tags: tagsFromSpecifications(request.TagSpecifications, 'network-interface')
    };
    await tx.insertNetworkInterface(eni);
    if (request.ClientToken !== undefined) {
      await tx.putClientToken('CreateNetworkInterface', request.ClientToken, {
        requestHash: requestHash(request),
        resourceId: eni.id
      });
    }
    return { NetworkInterface: networkInterfaceView(eni, context), ClientToken: request.ClientToken };
  }
});
