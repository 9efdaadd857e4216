import { type Filter, compileFilters } from '../domain/filters.js';
import { formatCidr } from '../domain/ipv4.js';
import type { Subnet } from '../domain/model.js';
import { paginate } from '../domain/paging.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { subnetShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { selectByIds } from './common.js';
import { subnetView } from './views.js';

interface DescribeSubnetsInput {
  SubnetIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

type CountedSubnet = Subnet & { readonly availableIpAddressCount: number };

/** DescribeSubnets filters with their aliases (EC2 model doc string, spec §2.5). */
const cidr = (s: CountedSubnet) => [formatCidr(s.cidr)];
const zone = (s: CountedSubnet) => [s.availabilityZone];
const defaultForAz = (s: CountedSubnet) => [String(s.defaultForAz)];
const subnetFilters = {
  'subnet-id': (s: CountedSubnet) => [s.id],
  'vpc-id': (s: CountedSubnet) => [s.vpcId],
  'cidr-block': cidr,
  cidr,
  cidrBlock: cidr,
  'availability-zone': zone,
  availabilityZone: zone,
  'availability-zone-id': (s: CountedSubnet) => [s.availabilityZoneId],
  'available-ip-address-count': (s: CountedSubnet) => [String(s.availableIpAddressCount)],
  'default-for-az': defaultForAz,
  defaultForAz,
  state: () => ['available'],
  'owner-id': (s: CountedSubnet) => [s.ownerId],
  'map-public-ip-on-launch': (s: CountedSubnet) => [String(s.mapPublicIpOnLaunch)],
  'ipv6-native': () => ['false']
};

export const describeSubnets = defineAction<DescribeSubnetsInput>({
  name: 'DescribeSubnets',
  readOnly: true,
  input: structure({
    SubnetIds: member('SubnetId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('Subnets', 'subnetSet', out.list(subnetShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input, context) {
    if (input.SubnetIds?.length && input.MaxResults !== undefined) throw errors.idsWithMaxResults('subnetIdSet');
    const matches = compileFilters(input.Filters, {
      ...subnetFilters,
      'subnet-arn': (s: CountedSubnet) => [`arn:aws:ec2:${context.region}:${s.ownerId}:subnet/${s.id}`]
    });
    const selected = selectByIds(
      await tx.listSubnets(),
      input.SubnetIds,
      'subnet',
      errors.subnetIdMalformed,
      errors.subnetNotFound
    );
    const counted: CountedSubnet[] = [];
    for (const subnet of selected) {
      counted.push({ ...subnet, availableIpAddressCount: (await tx.addressMap(subnet)).freeCount });
    }
    const page = paginate(counted.filter(matches), input, { min: 5, max: 1000 });
    return {
      Subnets: page.items.map((s) => subnetView(s, s.availableIpAddressCount, context)),
      NextToken: page.nextToken
    };
  }
});
