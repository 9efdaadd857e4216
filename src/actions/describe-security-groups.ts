import type { Filter } from '../domain/filters.js';
import type { Tag, Vpc } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { tagList } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type ActionContext, defineAction } from './action.js';
import { describePage } from './common.js';

interface DescribeSecurityGroupsInput {
  GroupIds?: string[];
  GroupNames?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/**
 * A VPC's default security group, the only groups ec2lite keeps: other SecurityGroupId.N values are accepted and
 * echoed on interfaces and instances, never described. Its rules are the ones EC2 gives every default group: all
 * traffic in from members of the group, all traffic out (VPC User Guide, "Default security groups for your VPCs").
 */
export interface DefaultSecurityGroup {
  readonly id: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly tags: readonly Tag[];
}

/** EC2's name and description of a default group (VPC User Guide, "Default security groups for your VPCs"). */
const DEFAULT_GROUP_NAME = 'default';
const DEFAULT_GROUP_DESCRIPTION = 'default VPC security group';
const ALL_PROTOCOLS = '-1';
const ANYWHERE = '0.0.0.0/0';

const userIdGroupPair = out.structure(
  out.member('GroupId', 'groupId'),
  out.member('GroupName', 'groupName'),
  out.member('UserId', 'userId')
);
const ipPermission = out.structure(
  out.member('FromPort', 'fromPort', 'integer'),
  out.member('IpProtocol', 'ipProtocol'),
  out.member(
    'IpRanges',
    'ipRanges',
    out.list(out.structure(out.member('CidrIp', 'cidrIp'), out.member('Description', 'description')))
  ),
  out.member('Ipv6Ranges', 'ipv6Ranges', out.list(out.structure())),
  out.member('PrefixListIds', 'prefixListIds', out.list(out.structure())),
  out.member('ToPort', 'toPort', 'integer'),
  out.member('UserIdGroupPairs', 'groups', out.list(userIdGroupPair))
);
/** SecurityGroup of the EC2 model; element names are its locationNames. */
const securityGroupShape = out.structure(
  out.member('Description', 'groupDescription'),
  out.member('GroupName', 'groupName'),
  out.member('IpPermissions', 'ipPermissions', out.list(ipPermission)),
  out.member('OwnerId', 'ownerId'),
  out.member('GroupId', 'groupId'),
  out.member('IpPermissionsEgress', 'ipPermissionsEgress', out.list(ipPermission)),
  out.member('Tags', 'tagSet', tagList),
  out.member('VpcId', 'vpcId'),
  out.member('SecurityGroupArn', 'securityGroupArn')
);

/** Inbound: every protocol from the group itself, as the pair (owner, group) names it. */
const inbound = (g: DefaultSecurityGroup) => ({ protocol: ALL_PROTOCOLS, groupId: g.id, userId: g.ownerId });

/** DescribeSecurityGroups filters (EC2 model doc string), over the default group's two rules. */
const securityGroupFilters = {
  description: () => [DEFAULT_GROUP_DESCRIPTION],
  'group-id': (g: DefaultSecurityGroup) => [g.id],
  'group-name': () => [DEFAULT_GROUP_NAME],
  'owner-id': (g: DefaultSecurityGroup) => [g.ownerId],
  'vpc-id': (g: DefaultSecurityGroup) => [g.vpcId],
  'ip-permission.protocol': () => [ALL_PROTOCOLS],
  'ip-permission.group-id': (g: DefaultSecurityGroup) => [inbound(g).groupId],
  'ip-permission.user-id': (g: DefaultSecurityGroup) => [inbound(g).userId],
  'ip-permission.group-name': () => [DEFAULT_GROUP_NAME],
  'ip-permission.cidr': () => [],
  'ip-permission.ipv6-cidr': () => [],
  'ip-permission.prefix-list-id': () => [],
  'ip-permission.from-port': () => [],
  'ip-permission.to-port': () => [],
  'egress.ip-permission.protocol': () => [ALL_PROTOCOLS],
  'egress.ip-permission.cidr': () => [ANYWHERE],
  'egress.ip-permission.group-id': () => [],
  'egress.ip-permission.group-name': () => [],
  'egress.ip-permission.user-id': () => [],
  'egress.ip-permission.ipv6-cidr': () => [],
  'egress.ip-permission.prefix-list-id': () => [],
  'egress.ip-permission.from-port': () => [],
  'egress.ip-permission.to-port': () => []
};

/** The default group of every VPC, in the VPCs' order, with its tags. */
async function loadSecurityGroups(tx: StoreTx, vpcs: readonly Vpc[]): Promise<DefaultSecurityGroup[]> {
  const tags = new Map<string, Tag[]>();
  for (const t of await tx.listTags()) {
    if (t.resourceType !== 'security-group') continue;
    const list = tags.get(t.resourceId) ?? [];
    list.push({ Key: t.key, Value: t.value });
    tags.set(t.resourceId, list);
  }
  return vpcs.map((vpc) => ({
    id: vpc.defaultSecurityGroupId,
    vpcId: vpc.id,
    ownerId: vpc.ownerId,
    tags: tags.get(vpc.defaultSecurityGroupId) ?? []
  }));
}

/**
 * GroupName.N names groups of the default VPC only ("[Default VPC] The names of the security groups", API
 * reference); elsewhere the group-name filter serves. A name that is not there answers NotFound naming that VPC
 * (aws-cli #612), so every name must be `default`. Without a default VPC, the answer RunInstances gives when it
 * needs one [INF].
 */
function selectByNames(
  groups: readonly DefaultSecurityGroup[],
  names: readonly string[] | undefined,
  vpcs: readonly Vpc[]
): readonly DefaultSecurityGroup[] {
  if (!names || names.length === 0) return groups;
  const defaultVpc = vpcs.find((v) => v.isDefault);
  if (!defaultVpc) throw errors.noDefaultVpc();
  const missing = names.find((name) => name !== DEFAULT_GROUP_NAME);
  if (missing !== undefined) throw errors.securityGroupNameNotFound(missing, defaultVpc.id);
  return groups.filter((g) => g.vpcId === defaultVpc.id);
}

function securityGroupView(group: DefaultSecurityGroup, context: ActionContext): object {
  const rule = inbound(group);
  return {
    Description: DEFAULT_GROUP_DESCRIPTION,
    GroupName: DEFAULT_GROUP_NAME,
    IpPermissions: [
      {
        IpProtocol: rule.protocol,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: rule.groupId, UserId: rule.userId }]
      }
    ],
    OwnerId: group.ownerId,
    GroupId: group.id,
    IpPermissionsEgress: [
      {
        IpProtocol: ALL_PROTOCOLS,
        IpRanges: [{ CidrIp: ANYWHERE }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: []
      }
    ],
    Tags: group.tags.length > 0 ? group.tags : undefined,
    VpcId: group.vpcId,
    SecurityGroupArn: `arn:aws:ec2:${context.region}:${group.ownerId}:security-group/${group.id}`
  };
}

/**
 * DescribeSecurityGroups: the default group of each VPC. Cilium's operator lists every group on each resync
 * (pkg/aws/ec2 GetSecurityGroups) and Karpenter resolves its security group selectors through it.
 */
export const describeSecurityGroups = defineAction<DescribeSecurityGroupsInput>({
  name: 'DescribeSecurityGroups',
  readOnly: true,
  input: structure({
    GroupIds: member('GroupId', list(string())),
    GroupNames: member('GroupName', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('SecurityGroups', 'securityGroupInfo', out.list(securityGroupShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input, context) {
    const vpcs = await tx.listVpcs();
    const page = await describePage(input, {
      ids: input.GroupIds,
      idPrefix: 'sg',
      // No idsSetName: unlike DescribeInstances, the API reference does not forbid GroupId.N with MaxResults.
      malformed: errors.securityGroupIdMalformed,
      notFound: errors.securityGroupNotFound,
      filters: securityGroupFilters,
      // "This value can be between 5 and 1000" (API reference, MaxResults).
      bounds: { min: 5, max: 1000 },
      // "You can specify either the security group name or the security group ID": both narrow the same list.
      load: async () => selectByNames(await loadSecurityGroups(tx, vpcs), input.GroupNames, vpcs)
    });
    return {
      SecurityGroups: page.items.map((g) => securityGroupView(g, context)),
      NextToken: page.nextToken
    };
  }
});
