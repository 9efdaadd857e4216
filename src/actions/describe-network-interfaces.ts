import { type Filter, compileFilters } from '../domain/filters.js';
import { formatIpv4 } from '../domain/ipv4.js';
import type { NetworkInterface } from '../domain/model.js';
import { paginate } from '../domain/paging.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { networkInterfaceShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { selectByIds } from './common.js';
import { networkInterfaceView, privateDnsName } from './views.js';

interface DescribeNetworkInterfacesInput {
  NetworkInterfaceIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

const addresses = (e: NetworkInterface) => e.privateIpAddresses.map((a) => formatIpv4(a.address));
const none = () => [];

/** DescribeNetworkInterfaces filters (EC2 model doc string, spec §2.7). Attachment and association filters match
 * nothing until interfaces can be attached or carry Elastic IPs. */
export const networkInterfaceFilters = (region: string) => ({
  'network-interface-id': (e: NetworkInterface) => [e.id],
  'subnet-id': (e: NetworkInterface) => [e.subnetId],
  'vpc-id': (e: NetworkInterface) => [e.vpcId],
  'availability-zone': (e: NetworkInterface) => [e.availabilityZone],
  'addresses.private-ip-address': addresses,
  'private-ip-address': addresses,
  'addresses.primary': (e: NetworkInterface) => e.privateIpAddresses.map((a) => String(a.primary)),
  'private-dns-name': (e: NetworkInterface) => e.privateIpAddresses.map((a) => privateDnsName(a.address, region)),
  'ipv4-prefix': (e: NetworkInterface) => e.ipv4Prefixes.map((b) => `${formatIpv4(b)}/28`),
  status: () => ['available'],
  'interface-type': (e: NetworkInterface) => [e.interfaceType],
  'mac-address': (e: NetworkInterface) => [e.macAddress],
  description: (e: NetworkInterface) => [e.description],
  'group-id': (e: NetworkInterface) => e.groups.map((g) => g.groupId),
  'group-name': (e: NetworkInterface) => e.groups.map((g) => g.groupName),
  'owner-id': (e: NetworkInterface) => [e.ownerId],
  'requester-managed': (e: NetworkInterface) => [String(e.requesterManaged)],
  'requester-id': none,
  'source-dest-check': (e: NetworkInterface) => [String(e.sourceDestCheck)],
  'attachment.instance-id': none,
  'attachment.instance-owner-id': none,
  'attachment.attachment-id': none,
  'attachment.device-index': none,
  'attachment.status': none,
  'attachment.attach-time': none,
  'attachment.delete-on-termination': none,
  'attachment.nat-gateway-id': none,
  'addresses.association.public-ip': none,
  'addresses.association.owner-id': none,
  'association.public-ip': none,
  'association.allocation-id': none,
  'association.association-id': none,
  'association.ip-owner-id': none,
  'association.public-dns-name': none
});

export const describeNetworkInterfaces = defineAction<DescribeNetworkInterfacesInput>({
  name: 'DescribeNetworkInterfaces',
  readOnly: true,
  input: structure({
    NetworkInterfaceIds: member('NetworkInterfaceId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('NetworkInterfaces', 'networkInterfaceSet', out.list(networkInterfaceShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input, context) {
    // "You cannot specify this parameter and the network interface IDs parameter in the same request." (API ref)
    if (input.NetworkInterfaceIds?.length && input.MaxResults !== undefined) {
      throw errors.idsWithMaxResults('networkInterfaceIdSet');
    }
    const matches = compileFilters(input.Filters, networkInterfaceFilters(context.region));
    const selected = selectByIds(
      await tx.listNetworkInterfaces(),
      input.NetworkInterfaceIds,
      'eni',
      errors.networkInterfaceIdMalformed,
      errors.networkInterfaceNotFound
    );
    const page = paginate(selected.filter(matches), input, { min: 5, max: 1000 });
    return {
      NetworkInterfaces: page.items.map((e) => networkInterfaceView(e, context)),
      NextToken: page.nextToken
    };
  }
});
