import type { Filter, FilterFields } from '../domain/filters.js';
import { type DefaultNetworkAcl, defaultNetworkAclOf } from '../domain/network-acls.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { tagList } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { describePage } from './common.js';

interface DescribeNetworkAclsInput {
  NetworkAclIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** NetworkAcl (EC2 model; element names from locationName: note IsDefault's `default`). */
const networkAclShape = out.structure(
  out.member(
    'Associations',
    'associationSet',
    out.list(
      out.structure(
        out.member('NetworkAclAssociationId', 'networkAclAssociationId'),
        out.member('NetworkAclId', 'networkAclId'),
        out.member('SubnetId', 'subnetId')
      )
    )
  ),
  out.member(
    'Entries',
    'entrySet',
    out.list(
      out.structure(
        out.member('CidrBlock', 'cidrBlock'),
        out.member('Egress', 'egress', 'boolean'),
        out.member('Protocol', 'protocol'),
        out.member('RuleAction', 'ruleAction'),
        out.member('RuleNumber', 'ruleNumber', 'integer')
      )
    )
  ),
  out.member('IsDefault', 'default', 'boolean'),
  out.member('NetworkAclId', 'networkAclId'),
  out.member('Tags', 'tagSet', tagList),
  out.member('VpcId', 'vpcId'),
  out.member('OwnerId', 'ownerId')
);

/**
 * DescribeNetworkAcls filters (EC2 model doc string). An entry filter matches an ACL with any entry of that value,
 * each filter on its own. The default rules name every protocol, so they carry no ports, no ICMP type or code and,
 * in a VPC without IPv6, no IPv6 CIDR: those filters are valid names that match nothing.
 */
const networkAclFilters: FilterFields<DefaultNetworkAcl> = {
  'association.association-id': (a) => a.associations.map((s) => s.id),
  'association.network-acl-id': (a) => (a.associations.length > 0 ? [a.id] : []),
  'association.subnet-id': (a) => a.associations.map((s) => s.subnetId),
  default: () => ['true'],
  'entry.cidr': (a) => a.entries.map((e) => e.cidrBlock),
  'entry.icmp.code': () => [],
  'entry.icmp.type': () => [],
  'entry.ipv6-cidr': () => [],
  'entry.port-range.from': () => [],
  'entry.port-range.to': () => [],
  'entry.protocol': (a) => a.entries.map((e) => e.protocol),
  'entry.rule-action': (a) => a.entries.map((e) => e.ruleAction),
  'entry.egress': (a) => a.entries.map((e) => String(e.egress)),
  'entry.rule-number': (a) => a.entries.map((e) => String(e.ruleNumber)),
  'network-acl-id': (a) => [a.id],
  'owner-id': (a) => [a.ownerId],
  'vpc-id': (a) => [a.vpcId]
};

function networkAclView(acl: DefaultNetworkAcl): object {
  return {
    Associations: acl.associations.map((s) => ({
      NetworkAclAssociationId: s.id,
      NetworkAclId: acl.id,
      SubnetId: s.subnetId
    })),
    Entries: acl.entries.map((e) => ({
      CidrBlock: e.cidrBlock,
      Egress: e.egress,
      Protocol: e.protocol,
      RuleAction: e.ruleAction,
      RuleNumber: e.ruleNumber
    })),
    IsDefault: true,
    NetworkAclId: acl.id,
    // EC2 shows an untagged ACL's empty tagSet ("Tags": [] in the CLI's describe-network-acls example).
    Tags: [],
    VpcId: acl.vpcId,
    OwnerId: acl.ownerId
  };
}

/**
 * A read-only view of each VPC's default network ACL (domain/network-acls.ts), which Terraform's aws_vpc reads
 * after DescribeVpcs with filters default=true and vpc-id (FindVPCDefaultNetworkACL). MaxResults runs from 5 to
 * 1000 (DescribeNetworkAclsMaxResults in the EC2 model); the API reference does not forbid it beside
 * NetworkAclId.N, so the two may be combined.
 */
export const describeNetworkAcls = defineAction<DescribeNetworkAclsInput>({
  name: 'DescribeNetworkAcls',
  readOnly: true,
  input: structure({
    NetworkAclIds: member('NetworkAclId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('NetworkAcls', 'networkAclSet', out.list(networkAclShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input) {
    const page = await describePage(input, {
      ids: input.NetworkAclIds,
      idPrefix: 'acl',
      // No idsSetName: neither the model nor the API reference forbids NetworkAclId.N with MaxResults.
      malformed: errors.networkAclIdMalformed,
      notFound: errors.networkAclNotFound,
      filters: networkAclFilters,
      bounds: { min: 5, max: 1000 },
      load: async () => {
        const vpcs = await tx.listVpcs();
        const subnets = await tx.listSubnets();
        return vpcs.map((vpc) => defaultNetworkAclOf(vpc, subnets));
      }
    });
    return { NetworkAcls: page.items.map(networkAclView), NextToken: page.nextToken };
  }
});
