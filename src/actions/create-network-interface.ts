import { createHash } from 'node:crypto';
import { isWellFormedId } from '../domain/ids.js';
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
import { createNetworkInterfaceRecord } from './network-interface-builder.js';
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
    if (
      request.PrivateIpAddress !== undefined &&
      explicit.some((a) => a.Primary && a.PrivateIpAddress !== request.PrivateIpAddress)
    ) {
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
    // The EC2 model's member docs: "You can't specify a count of private IPv4 addresses if you've specified one of
    // the following: specific private IPv4 addresses, specific IPv4 prefixes, or a count of IPv4 prefixes", and
    // prefixes "cannot be used with" specific addresses. Texts [INF].
    const prefixesAsked = request.Ipv4PrefixCount !== undefined || Boolean(request.Ipv4Prefixes?.length);
    // Naming only the primary (PrivateIpAddress, or one entry marked Primary) is not "specific addresses" here.
    const secondariesNamed = explicit.filter((a) => !a.Primary && a.PrivateIpAddress !== request.PrivateIpAddress);
    if (prefixesAsked && secondariesNamed.length > 0) {
      throw errors.invalidParameterCombination(
        'You may not specify privateIpAddresses together with ipv4Prefixes or ipv4PrefixCount.'
      );
    }
    if (request.SecondaryPrivateIpAddressCount && explicit.length > 1) {
      throw errors.invalidParameterCombination(
        'You may not specify secondaryPrivateIpAddressCount together with more than one privateIpAddresses entry.'
      );
    }
    // Prefixes can't be combined with a secondary count, and a prefix count not with explicit prefixes (EC2 model).
    if (request.Ipv4PrefixCount !== undefined && request.Ipv4Prefixes?.length) {
      throw errors.invalidParameterCombination('You may specify either ipv4Prefixes or ipv4PrefixCount, but not both.');
    }
    if (
      (request.Ipv4PrefixCount !== undefined || request.Ipv4Prefixes?.length) &&
      request.SecondaryPrivateIpAddressCount
    ) {
      throw errors.invalidParameterCombination(
        'You may not specify secondaryPrivateIpAddressCount together with ipv4Prefixes or ipv4PrefixCount.'
      );
    }
    for (const group of request.Groups ?? [])
      if (!isWellFormedId(group, 'sg')) throw errors.securityGroupIdMalformed(group);
  },
  async run(tx, request, context) {
    if (request.ClientToken !== undefined) {
      const seen = await tx.getClientToken('CreateNetworkInterface', request.ClientToken);
      if (seen) {
        if (seen.requestHash !== requestHash(request)) throw errors.idempotentRequestMismatch();
        // The same token with the same parameters answers the interface it created (EC2 idempotency).
        const existing = await requireNetworkInterface(tx, seen.resourceId);
        return { NetworkInterface: networkInterfaceView(existing, context), ClientToken: request.ClientToken };
      }
    }
    const subnet = await requireSubnet(tx, request.SubnetId);
    const explicit = request.PrivateIpAddresses ?? [];
    const primary = request.PrivateIpAddress ?? explicit.find((a) => a.Primary)?.PrivateIpAddress;
    const eni = await createNetworkInterfaceRecord(tx, context, {
      subnet,
      ...(request.Description !== undefined ? { description: request.Description } : {}),
      ...(request.Groups ? { groupIds: request.Groups } : {}),
      ...(primary !== undefined ? { primary } : {}),
      secondaries: explicit
        .filter((a) => a.PrivateIpAddress !== undefined && a.PrivateIpAddress !== primary)
        .map((a) => a.PrivateIpAddress!),
      secondaryCount: request.SecondaryPrivateIpAddressCount ?? 0,
      prefixes: (request.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? ''),
      prefixCount: request.Ipv4PrefixCount ?? 0,
      ...(request.InterfaceType !== undefined ? { interfaceType: request.InterfaceType } : {}),
      tags: tagsFromSpecifications(request.TagSpecifications, 'network-interface'),
      // An interface attached to nothing has the configured cap (spec §3.3 [INF]).
      slotLimit: context.unattachedAddressLimit
    });
    if (request.ClientToken !== undefined) {
      await tx.putClientToken('CreateNetworkInterface', request.ClientToken, {
        requestHash: requestHash(request),
        resourceId: eni.id
      });
    }
    return { NetworkInterface: networkInterfaceView(eni, context), ClientToken: request.ClientToken };
  }
});
