import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  type CreateSubnetCommandInput,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  type Filter,
  type Subnet,
  UnassignPrivateIpAddressesCommand,
  paginateDescribeSubnets
} from '@aws-sdk/client-ec2';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';

/** CreateSubnet, DescribeSubnets and DeleteSubnet, each in three parts: serializations, validations, functionality. */

const ACCOUNT = '123456789012';
const SUBNET_ID = /^subnet-[0-9a-f]{17}$/;
const UNKNOWN_SUBNET = 'subnet-0123456789abcdef0';
const UNKNOWN_VPC = 'vpc-0123456789abcdef0';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'];

describe('subnet actions', () => {
  let server: TestServer;
  const createVpc = async (cidr: string): Promise<string> =>
    (await server.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const createSubnet = async (input: CreateSubnetCommandInput): Promise<Subnet> =>
    (await server.ec2.send(new CreateSubnetCommand(input))).Subnet!;
  const describeSubnets = async (input: DescribeSubnetsCommandInput = {}): Promise<Subnet[]> =>
    (await server.ec2.send(new DescribeSubnetsCommand(input))).Subnets ?? [];
  const available = async (subnetId: string): Promise<number> =>
    (await describeSubnets({ SubnetIds: [subnetId] }))[0]!.AvailableIpAddressCount!;
  const createInterface = async (subnetId: string, secondaries?: number): Promise<string> =>
    (
      await server.ec2.send(
        new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: secondaries })
      )
    ).NetworkInterface!.NetworkInterfaceId!;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('CreateSubnet', () => {
    let vpcId: string;
    before(async () => {
      vpcId = await createVpc('10.60.0.0/16');
    });

    describe('serializations', () => {
      it('returns the subnet in the SDK shape', async () => {
        const subnet = await createSubnet({
          VpcId: vpcId,
          CidrBlock: '10.60.1.0/24',
          AvailabilityZone: 'us-east-1b',
          TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'one' }] }]
        });
        assert.match(subnet.SubnetId!, SUBNET_ID);
        assert.equal(subnet.VpcId, vpcId);
        assert.equal(subnet.CidrBlock, '10.60.1.0/24');
        assert.equal(subnet.AvailabilityZone, 'us-east-1b');
        assert.equal(subnet.AvailabilityZoneId, 'use1-az2');
        assert.equal(subnet.AvailableIpAddressCount, 251);
        assert.equal(subnet.State, 'available');
        assert.equal(subnet.DefaultForAz, false);
        assert.equal(subnet.MapPublicIpOnLaunch, false);
        assert.equal(subnet.AssignIpv6AddressOnCreation, false);
        assert.equal(subnet.OwnerId, ACCOUNT);
        assert.equal(subnet.SubnetArn, `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnet.SubnetId}`);
        assert.deepEqual(subnet.Ipv6CidrBlockAssociationSet, []);
        assert.deepEqual(subnet.Tags, [{ Key: 'Name', Value: 'one' }]);
      });

      it('writes the XML element names of the EC2 model', async () => {
        const response = await server.query({
          Action: 'CreateSubnet',
          VpcId: vpcId,
          CidrBlock: '10.60.2.0/28',
          AvailabilityZone: 'us-east-1a'
        });
        assert.equal(response.status, 200, response.text);
        const subnet = response.xml.CreateSubnetResponse.subnet;
        assert.match(subnet.subnetId, SUBNET_ID);
        assert.equal(subnet.vpcId, vpcId);
        assert.equal(subnet.cidrBlock, '10.60.2.0/28');
        assert.equal(subnet.availabilityZone, 'us-east-1a');
        assert.equal(subnet.availabilityZoneId, 'use1-az1');
        assert.equal(subnet.availableIpAddressCount, '11');
        assert.equal(subnet.defaultForAz, 'false');
        assert.equal(subnet.mapPublicIpOnLaunch, 'false');
        assert.equal(subnet.state, 'available');
        assert.equal(subnet.subnetArn, `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnet.subnetId}`);
      });

      it('answers the AWS CLI, with an availability zone id', async () => {
        const result = await server.aws(
          'ec2',
          'create-subnet',
          '--vpc-id',
          vpcId,
          '--cidr-block',
          '10.60.3.0/24',
          '--availability-zone-id',
          'use1-az4',
          '--tag-specifications',
          'ResourceType=subnet,Tags=[{Key=Name,Value=cli subnet}]'
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.json.Subnet.SubnetId, SUBNET_ID);
        assert.equal(result.json.Subnet.CidrBlock, '10.60.3.0/24');
        assert.equal(result.json.Subnet.AvailabilityZone, 'us-east-1d');
        assert.equal(result.json.Subnet.AvailabilityZoneId, 'use1-az4');
        assert.equal(result.json.Subnet.AvailableIpAddressCount, 251);
        assert.deepEqual(result.json.Subnet.Tags, [{ Key: 'Name', Value: 'cli subnet' }]);
      });
    });

    describe('validations', () => {
      it('needs a VpcId and a CidrBlock', async () => {
        await assertSdkError(
          server.ec2.send(new CreateSubnetCommand({ CidrBlock: '10.60.9.0/24' } as CreateSubnetCommandInput)),
          'MissingParameter',
          'The request must contain the parameter VpcId'
        );
        await assertSdkError(
          createSubnet({ VpcId: vpcId }),
          'MissingParameter',
          'The request must contain the parameter CidrBlock'
        );
      });

      it('refuses an unknown VPC, well-formed or not, as NotFound', async () => {
        await assertSdkError(
          createSubnet({ VpcId: 'vpc_1', CidrBlock: '10.60.9.0/24' }),
          'InvalidVpcID.NotFound',
          "The vpc ID 'vpc_1' does not exist"
        );
        const message = `The vpc ID '${UNKNOWN_VPC}' does not exist`;
        await assertSdkError(
          createSubnet({ VpcId: UNKNOWN_VPC, CidrBlock: '10.60.9.0/24' }),
          'InvalidVpcID.NotFound',
          message
        );
        assertCliError(
          await server.aws('ec2', 'create-subnet', '--vpc-id', UNKNOWN_VPC, '--cidr-block', '10.60.9.0/24'),
          'InvalidVpcID.NotFound',
          message
        );
      });

      for (const [cidr, why] of [
        ['10.60.0.0/15', 'larger than /16'],
        ['10.60.9.0/29', 'smaller than /28'],
        ['10.60.9.0/32', 'a single address'],
        ['10.61.0.0/24', 'just above the VPC'],
        ['10.59.255.0/24', 'just below the VPC']
      ]) {
        it(`refuses ${cidr} (${why}) with InvalidSubnet.Range`, async () => {
          await assertSdkError(
            createSubnet({ VpcId: vpcId, CidrBlock: cidr }),
            'InvalidSubnet.Range',
            `The CIDR '${cidr}' is invalid.`
          );
        });
      }

      it('quotes the canonical CIDR in InvalidSubnet.Range', async () => {
        await assertSdkError(
          createSubnet({ VpcId: vpcId, CidrBlock: '10.61.7.9/24' }),
          'InvalidSubnet.Range',
          "The CIDR '10.61.7.0/24' is invalid."
        );
      });

      it('refuses a CIDR that overlaps another subnet of the VPC', async () => {
        const vpc = await createVpc('10.0.0.0/16');
        await createSubnet({ VpcId: vpc, CidrBlock: '10.0.1.0/24' });
        await assertSdkError(
          createSubnet({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }),
          'InvalidSubnet.Conflict',
          "The CIDR '10.0.1.0/24' conflicts with another subnet"
        );
        await assertSdkError(
          createSubnet({ VpcId: vpc, CidrBlock: '10.0.1.128/25' }),
          'InvalidSubnet.Conflict',
          "The CIDR '10.0.1.128/25' conflicts with another subnet"
        );
        await assertSdkError(
          createSubnet({ VpcId: vpc, CidrBlock: '10.0.0.0/22' }),
          'InvalidSubnet.Conflict',
          "The CIDR '10.0.0.0/22' conflicts with another subnet"
        );
        assertCliError(
          await server.aws('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.0.1.0/24'),
          'InvalidSubnet.Conflict',
          "The CIDR '10.0.1.0/24' conflicts with another subnet"
        );
      });

      for (const text of ['abc', '10.60.9.0', '10.60.9.0/', '10.60.9.300/24', '10.60.9.0/40']) {
        it(`refuses ${JSON.stringify(text)}: not a CIDR block`, async () => {
          await assertSdkError(
            createSubnet({ VpcId: vpcId, CidrBlock: text }),
            'InvalidParameterValue',
            `Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`
          );
        });
      }

      it('refuses an availability zone outside the region, listing the valid ones', async () => {
        await assertSdkError(
          createSubnet({ VpcId: vpcId, CidrBlock: '10.60.9.0/24', AvailabilityZone: 'us-east-1z' }),
          'InvalidParameterValue',
          `Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${ZONES.join(', ')}.`
        );
        await assertSdkError(
          createSubnet({ VpcId: vpcId, CidrBlock: '10.60.9.0/24', AvailabilityZone: 'eu-west-1a' }),
          'InvalidParameterValue',
          /^Value \(eu-west-1a\) for parameter availabilityZone is invalid\./
        );
      });

      it('refuses an unknown availability zone id', async () => {
        await assertSdkError(
          createSubnet({ VpcId: vpcId, CidrBlock: '10.60.9.0/24', AvailabilityZoneId: 'use1-az9' }),
          'InvalidParameterValue',
          'Value (use1-az9) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zones: use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6.'
        );
      });

      it('refuses both an availability zone and its id', async () => {
        await assertSdkError(
          createSubnet({
            VpcId: vpcId,
            CidrBlock: '10.60.9.0/24',
            AvailabilityZone: 'us-east-1a',
            AvailabilityZoneId: 'use1-az1'
          }),
          'InvalidParameterCombination',
          'Only one of availabilityZone or availabilityZoneId can be specified.'
        );
      });

      it('refuses a TagSpecification for another resource type', async () => {
        await assertSdkError(
          createSubnet({
            VpcId: vpcId,
            CidrBlock: '10.60.9.0/24',
            TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }]
          }),
          'InvalidParameterValue',
          "'vpc' is not a valid taggable resource type for this operation."
        );
      });

      it('answers DryRun with DryRunOperation (412) and creates nothing', async () => {
        await assertSdkError(
          createSubnet({ VpcId: vpcId, CidrBlock: '10.60.9.0/24', DryRun: true }),
          'DryRunOperation',
          DRY_RUN,
          412
        );
        assertCliError(
          await server.aws('ec2', 'create-subnet', '--vpc-id', vpcId, '--cidr-block', '10.60.9.0/24', '--dry-run'),
          'DryRunOperation',
          DRY_RUN
        );
        assert.deepEqual(await describeSubnets({ Filters: [{ Name: 'cidr-block', Values: ['10.60.9.0/24'] }] }), []);
        // Nothing was kept: the same CIDR is still free.
        assert.equal((await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.9.0/24' })).CidrBlock, '10.60.9.0/24');
      });

      it('validates before it answers a DryRun', async () => {
        await assertSdkError(
          createSubnet({ VpcId: vpcId, CidrBlock: '10.60.1.0/24', DryRun: true }),
          'InvalidSubnet.Conflict',
          "The CIDR '10.60.1.0/24' conflicts with another subnet"
        );
      });
    });

    describe('functionality', () => {
      it('clears host bits', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.10.77/24' });
        assert.equal(subnet.CidrBlock, '10.60.10.0/24');
        assert.equal((await describeSubnets({ SubnetIds: [subnet.SubnetId!] }))[0]?.CidrBlock, '10.60.10.0/24');
      });

      it('counts 2^(32-p) - 5 free addresses for /16, /20, /24 and /28', async () => {
        const whole = await createVpc('10.70.0.0/16');
        assert.equal((await createSubnet({ VpcId: whole, CidrBlock: '10.70.0.0/16' })).AvailableIpAddressCount, 65_531);
        assert.equal((await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.16.0/20' })).AvailableIpAddressCount, 4_091);
        assert.equal((await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.11.0/24' })).AvailableIpAddressCount, 251);
        assert.equal((await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.12.0/28' })).AvailableIpAddressCount, 11);
      });

      it('places the subnet by availability zone id', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.13.0/24', AvailabilityZoneId: 'use1-az6' });
        assert.equal(subnet.AvailabilityZone, 'us-east-1f');
        assert.equal(subnet.AvailabilityZoneId, 'use1-az6');
      });

      it('picks a zone of the region when given none', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.14.0/24' });
        assert.ok(ZONES.includes(subnet.AvailabilityZone!), subnet.AvailabilityZone);
        assert.equal(subnet.AvailabilityZoneId, `use1-az${ZONES.indexOf(subnet.AvailabilityZone!) + 1}`);
      });

      it('accepts adjacent subnets, and the same CIDR in another VPC', async () => {
        const a = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.32.0/24' });
        const b = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.33.0/24' });
        assert.notEqual(a.SubnetId, b.SubnetId);
        const other = await createVpc('10.60.0.0/16');
        const c = await createSubnet({ VpcId: other, CidrBlock: '10.60.32.0/24' });
        assert.equal(c.VpcId, other);
      });

      it('frees the CIDR of a deleted subnet', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.40.0/24' });
        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId! }));
        const again = await createSubnet({ VpcId: vpcId, CidrBlock: '10.60.40.0/24' });
        assert.notEqual(again.SubnetId, subnet.SubnetId);
        assert.equal(again.AvailableIpAddressCount, 251);
      });
    });
  });

  describe('DescribeSubnets', () => {
    let vpcId: string;
    let one: Subnet;
    let two: Subnet;
    let three: Subnet;

    before(async () => {
      vpcId = await createVpc('10.80.0.0/16');
      one = await createSubnet({
        VpcId: vpcId,
        CidrBlock: '10.80.1.0/24',
        AvailabilityZone: 'us-east-1a',
        TagSpecifications: [
          {
            ResourceType: 'subnet',
            Tags: [
              { Key: 'Name', Value: 'one' },
              { Key: 'tier', Value: 'web' }
            ]
          }
        ]
      });
      two = await createSubnet({
        VpcId: vpcId,
        CidrBlock: '10.80.2.0/24',
        AvailabilityZone: 'us-east-1b',
        TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'two' }] }]
      });
      three = await createSubnet({
        VpcId: vpcId,
        CidrBlock: '10.80.3.0/28',
        AvailabilityZoneId: 'use1-az1',
        TagSpecifications: [
          {
            ResourceType: 'subnet',
            Tags: [
              { Key: 'Name', Value: 'three' },
              { Key: 'tier', Value: 'db' }
            ]
          }
        ]
      });
    });

    const names = (subnets: Subnet[]): string[] =>
      subnets.map((s) => s.Tags?.find((t) => t.Key === 'Name')?.Value ?? '').sort();
    const ours = async (...filters: Filter[]): Promise<string[]> =>
      names(await describeSubnets({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...filters] }));

    describe('serializations', () => {
      it('writes subnetSet/item with the XML element names', async () => {
        const response = await server.query({ Action: 'DescribeSubnets', 'SubnetId.1': three.SubnetId! });
        assert.equal(response.status, 200, response.text);
        const item = response.xml.DescribeSubnetsResponse.subnetSet.item;
        assert.equal(item.subnetId, three.SubnetId);
        assert.equal(item.cidrBlock, '10.80.3.0/28');
        assert.equal(item.availableIpAddressCount, '11');
        assert.equal(item.availabilityZone, 'us-east-1a');
        assert.deepEqual(item.tagSet.item, [
          { key: 'Name', value: 'three' },
          { key: 'tier', value: 'db' }
        ]);
      });

      it('returns what CreateSubnet returned', async () => {
        assert.deepEqual((await describeSubnets({ SubnetIds: [one.SubnetId!] }))[0], one);
      });

      it('answers the AWS CLI with filter aliases', async () => {
        const result = await server.aws(
          'ec2',
          'describe-subnets',
          '--filters',
          `Name=vpc-id,Values=${vpcId}`,
          'Name=availabilityZone,Values=us-east-1a'
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(names(result.json.Subnets), ['one', 'three']);
      });
    });

    describe('validations', () => {
      it('refuses a malformed id', async () => {
        await assertSdkError(
          describeSubnets({ SubnetIds: ['subnet_1'] }),
          'InvalidSubnetID.Malformed',
          'Invalid id: "subnet_1" (expecting "subnet-...")'
        );
      });

      it('refuses an unknown id, quoting it, even next to a known one', async () => {
        const message = `The subnet ID '${UNKNOWN_SUBNET}' does not exist`;
        await assertSdkError(describeSubnets({ SubnetIds: [UNKNOWN_SUBNET] }), 'InvalidSubnetID.NotFound', message);
        await assertSdkError(
          describeSubnets({ SubnetIds: [one.SubnetId!, UNKNOWN_SUBNET] }),
          'InvalidSubnetID.NotFound',
          message
        );
        assertCliError(
          await server.aws('ec2', 'describe-subnets', '--subnet-ids', UNKNOWN_SUBNET),
          'InvalidSubnetID.NotFound',
          message
        );
      });

      it('refuses MaxResults together with ids', async () => {
        await assertSdkError(
          describeSubnets({ SubnetIds: [one.SubnetId!], MaxResults: 5 }),
          'InvalidParameterCombination',
          'The parameter subnetIdSet cannot be used with the parameter maxResults'
        );
      });

      it('refuses MaxResults outside 5..1000 and a NextToken it did not issue', async () => {
        await assertSdkError(
          describeSubnets({ MaxResults: 4 }),
          'InvalidParameterValue',
          'Value ( 4 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.'
        );
        await assertSdkError(
          describeSubnets({ NextToken: 'abc' }),
          'InvalidParameterValue',
          'Value ( abc ) for parameter NextToken is invalid. The token is invalid.'
        );
      });

      it('refuses an unknown filter name', async () => {
        await assertSdkError(
          describeSubnets({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
          'InvalidParameterValue',
          "The filter 'is-default' is invalid"
        );
      });

      it('answers DryRun with DryRunOperation (412)', async () => {
        await assertSdkError(describeSubnets({ DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      });
    });

    describe('functionality', () => {
      it('shows the six default subnets: /20, default for their zone, one per zone', async () => {
        const defaults = await describeSubnets({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] });
        assert.equal(defaults.length, 6);
        assert.deepEqual(defaults.map((s) => s.AvailabilityZone).sort(), ZONES);
        for (const subnet of defaults) {
          assert.match(subnet.CidrBlock!, /^172\.31\.\d+\.0\/20$/);
          assert.equal(subnet.DefaultForAz, true);
          assert.equal(subnet.MapPublicIpOnLaunch, true);
        }
        assert.deepEqual(
          defaults.map((s) => s.CidrBlock).sort(),
          [
            '172.31.0.0/20',
            '172.31.16.0/20',
            '172.31.32.0/20',
            '172.31.48.0/20',
            '172.31.64.0/20',
            '172.31.80.0/20'
          ].sort()
        );
        assert.deepEqual(
          names(
            await describeSubnets({
              Filters: [
                { Name: 'defaultForAz', Values: ['false'] },
                { Name: 'vpc-id', Values: [vpcId] }
              ]
            })
          ),
          ['one', 'three', 'two']
        );
      });

      it('describes by ids, and only those', async () => {
        const subnets = await describeSubnets({ SubnetIds: [two.SubnetId!, one.SubnetId!] });
        assert.deepEqual(names(subnets), ['one', 'two']);
      });

      it('filters by subnet-id and vpc-id', async () => {
        assert.deepEqual(
          names(await describeSubnets({ Filters: [{ Name: 'subnet-id', Values: [two.SubnetId!, three.SubnetId!] }] })),
          ['three', 'two']
        );
        assert.deepEqual(await ours(), ['one', 'three', 'two']);
      });

      it('filters by cidr-block and its aliases cidr and cidrBlock, with wildcards', async () => {
        for (const name of ['cidr-block', 'cidr', 'cidrBlock']) {
          assert.deepEqual(await ours({ Name: name, Values: ['10.80.2.0/24'] }), ['two'], name);
        }
        assert.deepEqual(await ours({ Name: 'cidr-block', Values: ['*/24'] }), ['one', 'two']);
        assert.deepEqual(await ours({ Name: 'cidr-block', Values: ['10.80.?.0/2?'] }), ['one', 'three', 'two']);
      });

      it('filters by availability-zone and its alias availabilityZone, and by availability-zone-id', async () => {
        assert.deepEqual(await ours({ Name: 'availability-zone', Values: ['us-east-1a'] }), ['one', 'three']);
        assert.deepEqual(await ours({ Name: 'availabilityZone', Values: ['us-east-1b'] }), ['two']);
        assert.deepEqual(await ours({ Name: 'availability-zone-id', Values: ['use1-az1', 'use1-az2'] }), [
          'one',
          'three',
          'two'
        ]);
      });

      it('filters by tags, state, owner-id and subnet-arn', async () => {
        assert.deepEqual(await ours({ Name: 'tag:tier', Values: ['web', 'db'] }), ['one', 'three']);
        assert.deepEqual(await ours({ Name: 'tag-key', Values: ['tier'] }, { Name: 'tag:Name', Values: ['t*'] }), [
          'three'
        ]);
        assert.deepEqual(
          await ours({ Name: 'state', Values: ['available'] }, { Name: 'owner-id', Values: [ACCOUNT] }),
          ['one', 'three', 'two']
        );
        assert.deepEqual(await ours({ Name: 'subnet-arn', Values: [two.SubnetArn!] }), ['two']);
        assert.deepEqual(await ours({ Name: 'state', Values: ['pending'] }), []);
      });

      it('filters by available-ip-address-count, live', async () => {
        assert.deepEqual(await ours({ Name: 'available-ip-address-count', Values: ['251'] }), ['one', 'two']);
        assert.deepEqual(await ours({ Name: 'available-ip-address-count', Values: ['11'] }), ['three']);
        const eni = await createInterface(two.SubnetId!);
        assert.deepEqual(await ours({ Name: 'available-ip-address-count', Values: ['251'] }), ['one']);
        assert.deepEqual(await ours({ Name: 'available-ip-address-count', Values: ['250'] }), ['two']);
        await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
        assert.deepEqual(await ours({ Name: 'available-ip-address-count', Values: ['251'] }), ['one', 'two']);
      });

      it('keeps AvailableIpAddressCount exact as addresses and prefixes come and go', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.80.4.0/24' });
        const id = subnet.SubnetId!;
        let expected = 251;
        assert.equal(subnet.AvailableIpAddressCount, expected);

        const first = await createInterface(id);
        assert.equal(await available(id), (expected -= 1), 'a new interface takes its primary address');
        const second = await createInterface(id, 2);
        assert.equal(await available(id), (expected -= 3), 'and its secondary addresses');

        await server.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: first, SecondaryPrivateIpAddressCount: 3 })
        );
        assert.equal(await available(id), (expected -= 3), 'assigned by count');
        await server.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: first, PrivateIpAddresses: ['10.80.4.200'] })
        );
        assert.equal(await available(id), (expected -= 1), 'assigned by address');
        const prefix = await server.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: first, Ipv4PrefixCount: 1 })
        );
        assert.equal(await available(id), (expected -= 16), 'a /28 prefix takes 16');

        await server.ec2.send(
          new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: first, PrivateIpAddresses: ['10.80.4.200'] })
        );
        assert.equal(await available(id), (expected += 1), 'unassigned address');
        await server.ec2.send(
          new UnassignPrivateIpAddressesCommand({
            NetworkInterfaceId: first,
            Ipv4Prefixes: [prefix.AssignedIpv4Prefixes![0]!.Ipv4Prefix!]
          })
        );
        assert.equal(await available(id), (expected += 16), 'unassigned prefix');

        await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: second }));
        assert.equal(
          await available(id),
          (expected += 3),
          'a deleted interface gives back its primary and secondaries'
        );
        await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: first }));
        assert.equal(await available(id), 251, 'all back');

        const cli = await server.aws('ec2', 'describe-subnets', '--subnet-ids', id);
        assert.equal(cli.code, 0, cli.stderr);
        assert.equal(cli.json.Subnets[0].AvailableIpAddressCount, 251);
      });

      it('counts a /28 down to zero', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.80.5.0/28' });
        const eni = await createInterface(subnet.SubnetId!);
        await server.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 10 })
        );
        assert.equal(await available(subnet.SubnetId!), 0);
      });

      it('pages with MaxResults and NextToken, through every subnet exactly once', async () => {
        const all = await describeSubnets();
        assert.ok(all.length > 10, String(all.length));
        const first = await server.ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
        assert.equal(first.Subnets?.length, 5);
        assert.equal(typeof first.NextToken, 'string');
        const seen: string[] = [];
        for await (const page of paginateDescribeSubnets({ client: server.ec2, pageSize: 5 }, {})) {
          assert.ok((page.Subnets?.length ?? 0) <= 5);
          seen.push(...(page.Subnets ?? []).map((s) => s.SubnetId!));
        }
        assert.deepEqual(
          seen,
          all.map((s) => s.SubnetId)
        );
        const cli = await server.aws('ec2', 'describe-subnets', '--page-size', '5');
        assert.equal(cli.code, 0, cli.stderr);
        assert.deepEqual(
          cli.json.Subnets.map((s: Subnet) => s.SubnetId),
          all.map((s) => s.SubnetId)
        );
      });

      it('ends paging without a NextToken on the last page', async () => {
        const page = await server.ec2.send(
          new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }], MaxResults: 5 })
        );
        assert.equal(page.Subnets?.length, 5);
        const last = await server.ec2.send(
          new DescribeSubnetsCommand({
            Filters: [{ Name: 'default-for-az', Values: ['true'] }],
            MaxResults: 5,
            NextToken: page.NextToken
          })
        );
        assert.equal(last.Subnets?.length, 1);
        assert.equal(last.NextToken, undefined);
      });
    });
  });

  describe('DeleteSubnet', () => {
    let vpcId: string;
    before(async () => {
      vpcId = await createVpc('10.90.0.0/16');
    });

    describe('serializations', () => {
      it('answers <return>true</return>', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.90.1.0/24' });
        const response = await server.query({ Action: 'DeleteSubnet', SubnetId: subnet.SubnetId! });
        assert.equal(response.status, 200, response.text);
        assert.equal(response.xml.DeleteSubnetResponse.return, 'true');
      });

      it('answers the AWS CLI with no output', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.90.2.0/24' });
        const result = await server.aws('ec2', 'delete-subnet', '--subnet-id', subnet.SubnetId!);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout.trim(), '');
      });
    });

    describe('validations', () => {
      it('needs a SubnetId', async () => {
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({} as never)),
          'MissingParameter',
          'The request must contain the parameter SubnetId'
        );
      });

      it('refuses a malformed or unknown id', async () => {
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({ SubnetId: 'sub-1' })),
          'InvalidSubnetID.Malformed',
          'Invalid id: "sub-1" (expecting "subnet-...")'
        );
        const message = `The subnet ID '${UNKNOWN_SUBNET}' does not exist`;
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({ SubnetId: UNKNOWN_SUBNET })),
          'InvalidSubnetID.NotFound',
          message
        );
        assertCliError(
          await server.aws('ec2', 'delete-subnet', '--subnet-id', UNKNOWN_SUBNET),
          'InvalidSubnetID.NotFound',
          message
        );
      });

      it('answers DryRun with DryRunOperation (412) and keeps the subnet', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.90.3.0/24' });
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId!, DryRun: true })),
          'DryRunOperation',
          DRY_RUN,
          412
        );
        assert.equal((await describeSubnets({ SubnetIds: [subnet.SubnetId!] })).length, 1);
      });
    });

    describe('functionality', () => {
      it('refuses while an interface remains, then deletes once it is gone', async () => {
        const subnet = await createSubnet({ VpcId: vpcId, CidrBlock: '10.90.4.0/24' });
        const id = subnet.SubnetId!;
        const first = await createInterface(id);
        const second = await createInterface(id, 1);
        const message = `The subnet '${id}' has dependencies and cannot be deleted.`;
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({ SubnetId: id })),
          'DependencyViolation',
          message
        );
        assertCliError(await server.aws('ec2', 'delete-subnet', '--subnet-id', id), 'DependencyViolation', message);

        await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: first }));
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({ SubnetId: id })),
          'DependencyViolation',
          message
        );
        await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: second }));

        const deleted = await server.ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
        assert.equal(deleted.$metadata.httpStatusCode, 200);
        await assertSdkError(
          describeSubnets({ SubnetIds: [id] }),
          'InvalidSubnetID.NotFound',
          `The subnet ID '${id}' does not exist`
        );
        await assertSdkError(
          server.ec2.send(new DeleteSubnetCommand({ SubnetId: id })),
          'InvalidSubnetID.NotFound',
          `The subnet ID '${id}' does not exist`
        );
        await assertSdkError(
          server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: id })),
          'InvalidSubnetID.NotFound',
          `The subnet ID '${id}' does not exist`
        );
      });

      it('leaves the other subnets of the VPC alone', async () => {
        const keep = await createSubnet({ VpcId: vpcId, CidrBlock: '10.90.5.0/24' });
        const drop = await createSubnet({ VpcId: vpcId, CidrBlock: '10.90.6.0/24' });
        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: drop.SubnetId! }));
        assert.deepEqual(await describeSubnets({ SubnetIds: [keep.SubnetId!] }), [keep]);
      });
    });
  });
});
