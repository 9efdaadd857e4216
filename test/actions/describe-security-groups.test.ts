import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type SecurityGroup,
  paginateDescribeSecurityGroups
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import { VpcLab } from '../helpers/vpc-lab.js';

const ACCOUNT = '123456789012';
const MISSING = 'sg-0123456789abcdef0';

describe('DescribeSecurityGroups', () => {
  let server: TestServer;
  let lab: VpcLab;
  /** The lab VPC's default group, as an interface created without groups carries it. */
  let labGroup: string;
  let defaultVpc: string;

  const describeWith = async (input: DescribeSecurityGroupsCommandInput = {}): Promise<SecurityGroup[]> =>
    (await server.ec2.send(new DescribeSecurityGroupsCommand(input))).SecurityGroups ?? [];
  const groupIds = (groups: readonly SecurityGroup[]) => groups.map((g) => g.GroupId!);
  const ofVpc = (vpcId: string) => describeWith({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] });

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server, '10.80.0.0/16');
    labGroup = (await (await lab.subnet()).eni()).Groups![0]!.GroupId!;
    const { Vpcs } = await server.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })
    );
    defaultVpc = Vpcs![0]!.VpcId!;
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers EC2 XML: securityGroupInfo items with the default rules, no tagSet when untagged', async () => {
      const response = await server.query({ Action: 'DescribeSecurityGroups', 'GroupId.1': labGroup });
      assert.equal(response.status, 200, response.text);
      assert.match(response.xml.DescribeSecurityGroupsResponse.requestId, /^[0-9a-f-]{36}$/);
      const [group] = items(response.xml.DescribeSecurityGroupsResponse.securityGroupInfo);
      assert.deepEqual(group, {
        groupDescription: 'default VPC security group',
        groupName: 'default',
        ipPermissions: {
          item: {
            ipProtocol: '-1',
            ipRanges: '',
            ipv6Ranges: '',
            prefixListIds: '',
            groups: { item: { groupId: labGroup, userId: ACCOUNT } }
          }
        },
        ownerId: ACCOUNT,
        groupId: labGroup,
        ipPermissionsEgress: {
          item: {
            ipProtocol: '-1',
            ipRanges: { item: { cidrIp: '0.0.0.0/0' } },
            ipv6Ranges: '',
            prefixListIds: '',
            groups: ''
          }
        },
        vpcId: lab.vpcId,
        securityGroupArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${labGroup}`
      });
    });

    it('gives the SDK the group with its rules', async () => {
      const [group] = await describeWith({ GroupIds: [labGroup] });
      assert.deepEqual(group, {
        Description: 'default VPC security group',
        GroupName: 'default',
        IpPermissions: [
          {
            IpProtocol: '-1',
            IpRanges: [],
            Ipv6Ranges: [],
            PrefixListIds: [],
            UserIdGroupPairs: [{ GroupId: labGroup, UserId: ACCOUNT }]
          }
        ],
        OwnerId: ACCOUNT,
        GroupId: labGroup,
        IpPermissionsEgress: [
          {
            IpProtocol: '-1',
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            Ipv6Ranges: [],
            PrefixListIds: [],
            UserIdGroupPairs: []
          }
        ],
        VpcId: lab.vpcId,
        SecurityGroupArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${labGroup}`
      });
    });

    it('answers the AWS CLI with a vpc-id filter, as Cilium and Karpenter ask', async () => {
      const result = await server.aws(
        'ec2',
        'describe-security-groups',
        '--filters',
        `Name=vpc-id,Values=${lab.vpcId}`
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        result.json.SecurityGroups.map((g: SecurityGroup) => [g.GroupId, g.GroupName, g.VpcId]),
        [[labGroup, 'default', lab.vpcId]]
      );
    });

    it('answers the JSON face with the same result', async () => {
      const response = await server.json({ Action: 'DescribeSecurityGroups', GroupIds: [labGroup] });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.json.success, true);
      assert.deepEqual(
        response.json.data.SecurityGroups.map((g: SecurityGroup) => [g.GroupId, g.VpcId]),
        [[labGroup, lab.vpcId]]
      );
    });
  });

  describe('functionality', () => {
    it('shows one default group per VPC, the one its interfaces get, and forgets it with the VPC', async () => {
      const all = await describeWith();
      const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
      assert.deepEqual(all.map((g) => g.VpcId).sort(), Vpcs!.map((v) => v.VpcId).sort());
      assert.ok(all.every((g) => g.GroupName === 'default'));
      assert.equal(new Set(groupIds(all)).size, all.length);

      const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.81.0.0/16' }));
      const [added] = await ofVpc(Vpc!.VpcId!);
      assert.ok(added && !groupIds(all).includes(added.GroupId!));
      await server.ec2.send(new DeleteVpcCommand({ VpcId: Vpc!.VpcId! }));
      assert.deepEqual(await ofVpc(Vpc!.VpcId!), []);
      await assertSdkError(
        describeWith({ GroupIds: [added.GroupId!] }),
        'InvalidGroup.NotFound',
        `The security group '${added.GroupId!}' does not exist`
      );
    });

    it('GroupName.N names the default VPC’s group only', async () => {
      const [group] = await describeWith({ GroupNames: ['default'] });
      assert.equal(group!.VpcId, defaultVpc);
      await assertSdkError(
        describeWith({ GroupNames: ['default', 'web'] }),
        'InvalidGroup.NotFound',
        `The security group 'web' does not exist in default VPC '${defaultVpc}'`
      );
      // The group of another VPC is found by the group-name filter instead.
      const named = await describeWith({
        Filters: [
          { Name: 'group-name', Values: ['default'] },
          { Name: 'vpc-id', Values: [lab.vpcId] }
        ]
      });
      assert.deepEqual(groupIds(named), [labGroup]);
    });

    it('shows the tags CreateTags gave a group, and filters on them', async () => {
      await server.ec2.send(
        new CreateTagsCommand({ Resources: [labGroup], Tags: [{ Key: 'kubernetes.io/cluster/lab', Value: 'owned' }] })
      );
      const [group] = await describeWith({ GroupIds: [labGroup] });
      assert.deepEqual(group!.Tags, [{ Key: 'kubernetes.io/cluster/lab', Value: 'owned' }]);
      assert.deepEqual(
        groupIds(await describeWith({ Filters: [{ Name: 'tag:kubernetes.io/cluster/lab', Values: ['owned'] }] })),
        [labGroup]
      );
      assert.deepEqual(
        groupIds(await describeWith({ Filters: [{ Name: 'tag-key', Values: ['kubernetes.io/cluster/*'] }] })),
        [labGroup]
      );
    });

    it('filters on the group and its two rules', async () => {
      const cases: [string, string, boolean][] = [
        ['group-id', labGroup, true],
        ['group-name', 'default', true],
        ['group-name', 'web', false],
        ['description', 'default VPC*', true],
        ['owner-id', ACCOUNT, true],
        ['ip-permission.protocol', '-1', true],
        ['ip-permission.protocol', 'tcp', false],
        ['ip-permission.group-id', labGroup, true],
        ['ip-permission.user-id', ACCOUNT, true],
        ['ip-permission.cidr', '0.0.0.0/0', false],
        ['egress.ip-permission.cidr', '0.0.0.0/0', true],
        ['egress.ip-permission.protocol', '-1', true],
        ['egress.ip-permission.group-id', labGroup, false]
      ];
      for (const [name, value, found] of cases) {
        const groups = await describeWith({
          Filters: [
            { Name: 'vpc-id', Values: [lab.vpcId] },
            { Name: name, Values: [value] }
          ]
        });
        assert.deepEqual(groupIds(groups), found ? [labGroup] : [], `${name}=${value}`);
      }
    });

    it('pages with MaxResults and NextToken, and takes GroupId.N with MaxResults', async () => {
      for (let i = 0; i < 6; i++) await server.ec2.send(new CreateVpcCommand({ CidrBlock: `10.9${i}.0.0/16` }));
      const all = groupIds(await describeWith());
      assert.ok(all.length >= 8);
      const paged: string[] = [];
      for await (const page of paginateDescribeSecurityGroups({ client: server.ec2, pageSize: 5 }, {})) {
        assert.ok((page.SecurityGroups ?? []).length <= 5);
        paged.push(...groupIds(page.SecurityGroups ?? []));
      }
      assert.deepEqual(paged, all);
      assert.deepEqual(groupIds(await describeWith({ GroupIds: [labGroup], MaxResults: 5 })), [labGroup]);
    });
  });

  describe('validations', () => {
    it('a malformed id is InvalidGroupId.Malformed; an unknown one NotFound, quoting it', async () => {
      await assertSdkError(
        describeWith({ GroupIds: ['group-1'] }),
        'InvalidGroupId.Malformed',
        'Invalid id: "group-1" (expecting "sg-...")'
      );
      assertXmlError(
        await server.query({ Action: 'DescribeSecurityGroups', 'GroupId.1': labGroup, 'GroupId.2': MISSING }),
        400,
        'InvalidGroup.NotFound',
        `The security group '${MISSING}' does not exist`
      );
      assertCliError(
        await server.aws('ec2', 'describe-security-groups', '--group-ids', MISSING),
        'InvalidGroup.NotFound',
        `The security group '${MISSING}' does not exist`
      );
    });

    it('MaxResults must lie between 5 and 1000; an unknown filter is InvalidParameterValue', async () => {
      for (const value of [4, 1001]) {
        await assertSdkError(
          describeWith({ MaxResults: value }),
          'InvalidParameterValue',
          `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
        );
      }
      await assertSdkError(
        describeWith({ Filters: [{ Name: 'color', Values: ['blue'] }] }),
        'InvalidParameterValue',
        "The filter 'color' is invalid"
      );
    });

    it('DryRun answers 412 DryRunOperation', async () => {
      await assertSdkError(
        describeWith({ DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
    });

    it('GroupName.N without a default VPC answers VPCIdNotSpecified', async () => {
      const bare = await startTestServer();
      try {
        const { Subnets } = await bare.ec2.send(new DescribeSubnetsCommand({}));
        for (const subnet of Subnets ?? [])
          await bare.ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId! }));
        const { Vpcs } = await bare.ec2.send(new DescribeVpcsCommand({}));
        for (const vpc of Vpcs ?? []) await bare.ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! }));
        await assertSdkError(
          bare.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] })),
          'VPCIdNotSpecified',
          'No default VPC for this user'
        );
        assert.deepEqual((await bare.ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups, []);
      } finally {
        await bare.close();
      }
    });
  });
});
