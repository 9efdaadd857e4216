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
import {
  clientTokenRequestHash,
  requireNetworkInterface,
  requireSubnet,
  tagsFromSpecifications,
  type TagSpecification
} from './common.js';
import { checkAddressSpecification, createNetworkInterfaceRecord } from './network-interface-builder.js';
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

export const createNetworkInterface = defineAction<CreateNetworkInterfaceInput>({
  name: 'CreateNetworkInterface',
  input,
  output: out.structure(
    out.member('NetworkInterface', 'networkInterface', networkInterfaceShape),
    out.member('ClientToken', 'clientToken')
  ),
  check(request) {
    checkAddressSpecification(request);
  },
  async run(tx, request, context) {
    if (request.ClientToken !== undefined) {
      const seen = await tx.getClientToken('CreateNetworkInterface', request.ClientToken);
      if (seen) {
        if (seen.requestHash !== clientTokenRequestHash(request)) throw errors.idempotentRequestMismatch();
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
        requestHash: clientTokenRequestHash(request),
        resourceId: eni.id
      });
    }
    return { NetworkInterface: networkInterfaceView(eni, context), ClientToken: request.ClientToken };
  }
});
