import type { Filter } from '../domain/filters.js';
import { formatIpv4 } from '../domain/ipv4.js';
import type { ElasticIp, NetworkInterface } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { networkInterfaceShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { describePage } from './common.js';
import { networkInterfaceView, privateDnsName } from './views.js';

interface DescribeNetworkInterfacesInput {
  NetworkInterfaceIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** An interface as listed; the filters and the view find the Elastic IPs on its addresses through `ElasticIpsOf`. */
type Described = NetworkInterface;
type ElasticIpsOf = (e: Described) => readonly ElasticIp[];

const addresses = (e: Described) => e.privateIpAddresses.map((a) => formatIpv4(a.address));
const attached =
  <T>(read: (a: NonNullable<NetworkInterface['attachment']>, e: Described) => T) =>
  (e: Described) =>
    e.attachment ? [String(read(e.attachment, e))] : [];
const onPrimary = (e: Described, elasticIps: readonly ElasticIp[]) => {
  const primary = e.privateIpAddresses.find((a) => a.primary)?.address;
  return elasticIps.filter((eip) => eip.association?.privateIpAddress === primary);
};

/** DescribeNetworkInterfaces filters (EC2 model doc string, spec §2.7). */
export const networkInterfaceFilters = (region: string, elasticIpsOf: ElasticIpsOf) => ({
  'network-interface-id': (e: Described) => [e.id],
  'subnet-id': (e: Described) => [e.subnetId],
  'vpc-id': (e: Described) => [e.vpcId],
  'availability-zone': (e: Described) => [e.availabilityZone],
  'addresses.private-ip-address': addresses,
  'private-ip-address': addresses,
  'addresses.primary': (e: Described) => e.privateIpAddresses.map((a) => String(a.primary)),
  'private-dns-name': (e: Described) => e.privateIpAddresses.map((a) => privateDnsName(a.address, region)),
  'ipv4-prefix': (e: Described) => e.ipv4Prefixes.map((b) => `${formatIpv4(b)}/28`),
  status: (e: Described) => [e.attachment ? 'in-use' : 'available'],
  'interface-type': (e: Described) => [e.interfaceType],
  'mac-address': (e: Described) => [e.macAddress],
  description: (e: Described) => [e.description],
  'group-id': (e: Described) => e.groups.map((g) => g.groupId),
  'group-name': (e: Described) => e.groups.map((g) => g.groupName),
  'owner-id': (e: Described) => [e.ownerId],
  'requester-managed': (e: Described) => [String(e.requesterManaged)],
  'requester-id': () => [],
  'source-dest-check': (e: Described) => [String(e.sourceDestCheck)],
  'attachment.instance-id': attached((a) => a.instanceId),
  'attachment.instance-owner-id': attached((_a, e) => e.ownerId),
  'attachment.attachment-id': attached((a) => a.attachmentId),
  'attachment.device-index': attached((a) => a.deviceIndex),
  'attachment.status': attached(() => 'attached'),
  'attachment.attach-time': attached((a) => a.attachTime.toISOString()),
  'attachment.delete-on-termination': attached((a) => a.deleteOnTermination),
  'attachment.nat-gateway-id': () => [],
  'addresses.association.public-ip': (e: Described) => elasticIpsOf(e).map((eip) => formatIpv4(eip.publicIp)),
  'addresses.association.owner-id': (e: Described) => elasticIpsOf(e).map((eip) => eip.ownerId),
  'association.public-ip': (e: Described) => onPrimary(e, elasticIpsOf(e)).map((eip) => formatIpv4(eip.publicIp)),
  'association.allocation-id': (e: Described) => onPrimary(e, elasticIpsOf(e)).map((eip) => eip.allocationId),
  'association.association-id': (e: Described) =>
    onPrimary(e, elasticIpsOf(e)).map((eip) => eip.association?.associationId),
  'association.ip-owner-id': (e: Described) => onPrimary(e, elasticIpsOf(e)).map((eip) => eip.ownerId)
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
    const elasticIps = new Map<string, ElasticIp[]>();
    // A lookup rather than a copy of every interface with its Elastic IPs: most listings have thousands and few EIPs.
    const elasticIpsOf: ElasticIpsOf = (e) => elasticIps.get(e.id) ?? [];
    const page = await describePage(input, {
      ids: input.NetworkInterfaceIds,
      idPrefix: 'eni',
      // "You cannot specify this parameter and the network interface IDs parameter in the same request." (API ref)
      idsSetName: 'networkInterfaceIdSet',
      malformed: errors.networkInterfaceIdMalformed,
      notFound: errors.networkInterfaceNotFound,
      filters: networkInterfaceFilters(context.region, elasticIpsOf),
      bounds: { min: 5, max: 1000 },
      load: async () => {
        for (const eip of await tx.listElasticIps()) {
          const id = eip.association?.networkInterfaceId;
          if (id !== undefined) elasticIps.set(id, [...(elasticIps.get(id) ?? []), eip]);
        }
        return tx.listNetworkInterfaces();
      }
    });
    return {
      NetworkInterfaces: page.items.map((e) => networkInterfaceView(e, context, elasticIpsOf(e))),
      NextToken: page.nextToken
    };
  }
});
