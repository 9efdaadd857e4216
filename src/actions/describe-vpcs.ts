import type { Filter } from '../domain/filters.js';
import { formatCidr } from '../domain/ipv4.js';
import type { Vpc } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { vpcShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { describePage } from './common.js';
import { vpcView } from './views.js';

interface DescribeVpcsInput {
  VpcIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** DescribeVpcs filters (EC2 model doc string). */
const vpcFilters = {
  'vpc-id': (v: Vpc) => [v.id],
  cidr: (v: Vpc) => [formatCidr(v.cidr)],
  'cidr-block-association.cidr-block': (v: Vpc) => [formatCidr(v.cidr)],
  'cidr-block-association.association-id': (v: Vpc) => [v.cidrAssociationId],
  'cidr-block-association.state': () => ['associated'],
  state: () => ['available'],
  'is-default': (v: Vpc) => [String(v.isDefault)],
  'owner-id': (v: Vpc) => [v.ownerId],
  'dhcp-options-id': (v: Vpc) => [v.dhcpOptionsId],
  'instance-tenancy': (v: Vpc) => [v.instanceTenancy]
};

export const describeVpcs = defineAction<DescribeVpcsInput>({
  name: 'DescribeVpcs',
  readOnly: true,
  input: structure({
    VpcIds: member('VpcId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(out.member('Vpcs', 'vpcSet', out.list(vpcShape)), out.member('NextToken', 'nextToken')),
  async run(tx, input) {
    const page = await describePage(input, {
      ids: input.VpcIds,
      idPrefix: 'vpc',
      idsSetName: 'vpcIdSet',
      malformed: errors.vpcIdMalformed,
      notFound: errors.vpcNotFound,
      filters: vpcFilters,
      bounds: { min: 5, max: 1000 },
      load: () => tx.listVpcs()
    });
    return { Vpcs: page.items.map(vpcView), NextToken: page.nextToken };
  }
});
