import { type Filter, compileFilters } from '../domain/filters.js';
import { formatIpv4 } from '../domain/ipv4.js';
import type { ElasticIp, NetworkInterface } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { addressShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { parsePublicIp } from './elastic-ip-records.js';
import { addressView } from './views.js';

interface DescribeAddressesInput {
  PublicIps?: string[];
  AllocationIds?: string[];
  Filters?: Filter[];
  DryRun?: boolean;
}

/** An Elastic IP with the interface it is on: what the filters and the view read. */
type Described = ElasticIp & { readonly eni: NetworkInterface | undefined };

const onInterface = (read: (eni: NetworkInterface, e: Described) => string | undefined) => (e: Described) =>
  e.association && e.eni ? [read(e.eni, e)] : [];

/** DescribeAddresses filters (EC2 model doc string; tag:<key>, tag-key and tag-value are generic). */
const addressFilters = (region: string) => ({
  'allocation-id': (e: Described) => [e.allocationId],
  'association-id': (e: Described) => [e.association?.associationId],
  domain: () => ['vpc'],
  'instance-id': onInterface((eni) => eni.attachment?.instanceId),
  'network-border-group': () => [region],
  'network-interface-id': onInterface((eni) => eni.id),
  'network-interface-owner-id': onInterface((eni) => eni.ownerId),
  'private-ip-address': onInterface((_eni, e) => formatIpv4(e.association!.privateIpAddress)),
  'public-ip': (e: Described) => [formatIpv4(e.publicIp)],
  'public-ipv4-pool': () => ['amazon']
});

/**
 * DescribeAddresses (spec §2.14): every Elastic IP, no paging (the model has no MaxResults). PublicIp.N,
 * AllocationId.N and the filters are AND-ed; a named address or allocation that does not exist fails the call.
 */
export const describeAddresses = defineAction<DescribeAddressesInput>({
  name: 'DescribeAddresses',
  readOnly: true,
  input: structure({
    // locationName PublicIp / AllocationId → PublicIp.N, AllocationId.N (EC2 model).
    PublicIps: member('PublicIp', list(string())),
    AllocationIds: member('AllocationId', list(string())),
    Filters: filters,
    DryRun: dryRun
  }),
  output: out.structure(out.member('Addresses', 'addressesSet', out.list(addressShape))),
  async run(tx, input, context) {
    const matches = compileFilters(input.Filters, addressFilters(context.region));
    const publicIps = (input.PublicIps ?? []).map((ip) => parsePublicIp(ip, 'PublicIp'));
    const interfaces = new Map((await tx.listNetworkInterfaces()).map((eni) => [eni.id, eni]));
    const all: Described[] = (await tx.listElasticIps()).map((eip) => ({
      ...eip,
      eni: eip.association && interfaces.get(eip.association.networkInterfaceId)
    }));
    const missingIp = publicIps.findIndex((ip) => !all.some((e) => e.publicIp === ip));
    if (missingIp >= 0) throw errors.addressNotFound(input.PublicIps![missingIp]!);
    const missingId = (input.AllocationIds ?? []).find((id) => !all.some((e) => e.allocationId === id));
    if (missingId !== undefined) throw errors.allocationNotFound(missingId);
    const wantedIps = new Set(publicIps);
    const wantedIds = new Set(input.AllocationIds ?? []);
    const selected = all.filter(
      (e) =>
        (wantedIps.size === 0 || wantedIps.has(e.publicIp)) &&
        (wantedIds.size === 0 || wantedIds.has(e.allocationId)) &&
        matches(e)
    );
    return { Addresses: selected.map((e) => addressView(e, e.eni, context)) };
  }
});
