import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCidrReservationCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  type CreateTagsCommandInput,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  type DeleteTagsCommandInput,
  DeleteVpcCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  DescribeVpcsCommand,
  GetSubnetCidrReservationsCommand,
  RunInstancesCommand,
  type Tag,
  type TagDescription,
  paginateDescribeTags
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import { type LabSubnet, UNKNOWN_ENI, UNKNOWN_SUBNET, VpcLab, describeEni } from '../helpers/vpc-lab.js';

/** CreateTags, DeleteTags and DescribeTags, each in three parts: serializations, validations, functionality. */

const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const TAG_LIMIT = 'The maximum number of Tags for a resource has been reached.';
const AWS_PREFIX = "Tag keys starting with 'aws:' are reserved for internal use";
const IMAGE = 'ami-0123456789abcdef0';

/** `n` distinct tags k0…k(n-1). */
function manyTags(n: number, prefix = 'k'): Tag[] {
  return Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));
}

describe('tag actions', () => {
  let server: TestServer;
  let lab: VpcLab;
  let subnet: LabSubnet;
  const createTags = (input: CreateTagsCommandInput) => server.ec2.send(new CreateTagsCommand(input));
  const deleteTags = (input: DeleteTagsCommandInput) => server.ec2.send(new DeleteTagsCommand(input));
  const describeTags = async (input: DescribeTagsCommandInput = {}): Promise<TagDescription[]> =>
    (await server.ec2.send(new DescribeTagsCommand(input))).Tags ?? [];
  /** The tags of one resource as DescribeTags lists them, as {Key, Value}. */
  const tagsOf = async (resourceId: string): Promise<Tag[]> =>
    (await describeTags({ Filters: [{ Name: 'resource-id', Values: [resourceId] }] })).map((t) => ({
      Key: t.Key,
      Value: t.Value
    }));
  const eniTags = async (id: string): Promise<Tag[]> => (await describeEni(server, id)).TagSet ?? [];
  const newEni = async (): Promise<string> => (await subnet.eni()).NetworkInterfaceId!;

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server, '10.70.0.0/16');
    subnet = await lab.subnet(24);
  });
  after(() => server.close());

  describe('CreateTags', () => {
    describe('serializations', () => {
      it('answers the SDK and shows the tags on the resource', async () => {
        const eni = await newEni();
        const out = await createTags({
          Resources: [eni],
          Tags: [
            { Key: 'Name', Value: 'one' },
            { Key: 'team', Value: 'net' }
          ]
        });
        assert.equal(out.$metadata.httpStatusCode, 200);
        assert.deepEqual(await eniTags(eni), [
          { Key: 'Name', Value: 'one' },
          { Key: 'team', Value: 'net' }
        ]);
      });

      it('reads ResourceId.N and Tag.N.Key/Value and answers <return>true</return>', async () => {
        const [a, b] = [await newEni(), await newEni()];
        const response = await server.query({
          Action: 'CreateTags',
          'ResourceId.1': a,
          'ResourceId.2': b,
          'Tag.1.Key': 'env',
          'Tag.1.Value': 'dev'
        });
        assert.equal(response.status, 200, response.text);
        assert.equal(response.xml.CreateTagsResponse.return, 'true');
        assert.match(response.xml.CreateTagsResponse.requestId, /^[0-9a-f-]{36}$/);
        assert.deepEqual(await eniTags(a), [{ Key: 'env', Value: 'dev' }]);
        assert.deepEqual(await eniTags(b), [{ Key: 'env', Value: 'dev' }]);
      });

      it('stores an empty value when Tag.N.Value is absent or empty', async () => {
        const eni = await newEni();
        const response = await server.query({
          Action: 'CreateTags',
          'ResourceId.1': eni,
          'Tag.1.Key': 'bare',
          'Tag.2.Key': 'empty',
          'Tag.2.Value': ''
        });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(await eniTags(eni), [
          { Key: 'bare', Value: '' },
          { Key: 'empty', Value: '' }
        ]);
      });

      it('answers the AWS CLI, which prints nothing on success', async () => {
        const eni = await newEni();
        const result = await server.aws(
          'ec2',
          'create-tags',
          '--resources',
          eni,
          '--tags',
          'Key=Name,Value=cli tagged',
          'Key=owner,Value='
        );
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout.trim(), '');
        assert.deepEqual(await eniTags(eni), [
          { Key: 'Name', Value: 'cli tagged' },
          { Key: 'owner', Value: '' }
        ]);
      });
    });

    describe('validations', () => {
      it('needs ResourceId.N and Tag.N', async () => {
        const eni = await newEni();
        await assertSdkError(
          createTags({ Tags: [{ Key: 'a', Value: 'b' }] } as CreateTagsCommandInput),
          'MissingParameter',
          'The request must contain the parameter ResourceId'
        );
        await assertSdkError(
          createTags({ Resources: [eni] } as CreateTagsCommandInput),
          'MissingParameter',
          'The request must contain the parameter Tag'
        );
      });

      for (const id of [
        'eni_1',
        'i-ABCDEF0123',
        '107.20.243.249',
        'ami-0123456789abcdef0',
        'eni-attach-0123456789abcdef0',
        'vpc-',
        'subnet-xyz'
      ]) {
        it(`answers InvalidID for ${JSON.stringify(id)}`, async () => {
          await assertSdkError(
            createTags({ Resources: [id], Tags: [{ Key: 'a', Value: 'b' }] }),
            'InvalidID',
            `The ID '${id}' is not valid`
          );
        });
      }

      it('answers InvalidID through the AWS CLI and the XML face', async () => {
        assertCliError(
          await server.aws('ec2', 'create-tags', '--resources', 'i-eCHmOTcEW0OZ9KbNe', '--tags', 'Key=a,Value=b'),
          'InvalidID',
          "The ID 'i-eCHmOTcEW0OZ9KbNe' is not valid"
        );
        assertXmlError(
          await server.query({ Action: 'CreateTags', 'ResourceId.1': 'x', 'Tag.1.Key': 'a' }),
          400,
          'InvalidID',
          "The ID 'x' is not valid"
        );
      });

      for (const [id, code, message] of [
        ['vpc-0123456789abcdef0', 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist"],
        [UNKNOWN_SUBNET, 'InvalidSubnetID.NotFound', `The subnet ID '${UNKNOWN_SUBNET}' does not exist`],
        [UNKNOWN_ENI, 'InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${UNKNOWN_ENI}' does not exist`],
        ['i-0123456789abcdef0', 'InvalidInstanceID.NotFound', "The instance ID 'i-0123456789abcdef0' does not exist"],
        [
          'eipalloc-0123456789abcdef0',
          'InvalidAllocationID.NotFound',
          "The allocation ID 'eipalloc-0123456789abcdef0' does not exist"
        ],
        ['sg-0123456789abcdef0', 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist"],
        [
          'scr-0123456789abcdef0',
          'InvalidSubnetCidrReservationID.NotFound',
          "The subnet CIDR reservation ID 'scr-0123456789abcdef0' does not exist"
        ]
      ] as const) {
        it(`answers ${code} for a well-formed ${id.split('-')[0]} id that does not exist`, async () => {
          await assertSdkError(createTags({ Resources: [id], Tags: [{ Key: 'a', Value: 'b' }] }), code, message);
        });
      }

      it('quotes the first missing resource alone and tags nothing (all or nothing)', async () => {
        const eni = await newEni();
        await assertSdkError(
          createTags({ Resources: [eni, UNKNOWN_ENI, 'eni-0fedcba9876543210'], Tags: [{ Key: 'a', Value: 'b' }] }),
          'InvalidNetworkInterfaceID.NotFound',
          `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
        );
        assert.deepEqual(await eniTags(eni), []);
        assertCliError(
          await server.aws('ec2', 'create-tags', '--resources', eni, UNKNOWN_ENI, '--tags', 'Key=a,Value=b'),
          'InvalidNetworkInterfaceID.NotFound',
          `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
        );
        assert.deepEqual(await eniTags(eni), []);
      });

      it('reads every id before it looks one up: a malformed id wins over a missing one', async () => {
        await assertSdkError(
          createTags({ Resources: [UNKNOWN_ENI, 'nope'], Tags: [{ Key: 'a', Value: 'b' }] }),
          'InvalidID',
          "The ID 'nope' is not valid"
        );
      });

      it('refuses more than 1000 resource ids', async () => {
        const params: Record<string, string> = { Action: 'CreateTags', 'Tag.1.Key': 'a' };
        for (let i = 1; i <= 1001; i++) params[`ResourceId.${i}`] = UNKNOWN_ENI;
        assertXmlError(
          await server.query(params),
          400,
          'InvalidParameterValue',
          'The parameter ResourceId has more than the maximum of 1000 items.'
        );
      });

      it('checks keys and values: 1–127 characters, not aws:, values up to 256', async () => {
        const eni = await newEni();
        const tag = (Key: string, Value = 'v') => createTags({ Resources: [eni], Tags: [{ Key, Value }] });
        await assertSdkError(tag(''), 'InvalidParameterValue', "Tag key must be between 1 and 127 characters long: ''");
        const long = 'k'.repeat(128);
        await assertSdkError(
          tag(long),
          'InvalidParameterValue',
          `Tag key must be between 1 and 127 characters long: '${long}'`
        );
        await assertSdkError(tag('aws:owner'), 'InvalidParameterValue', AWS_PREFIX);
        await assertSdkError(tag('AWS:owner'), 'InvalidParameterValue', AWS_PREFIX);
        await assertSdkError(
          tag('big', 'v'.repeat(257)),
          'InvalidParameterValue',
          "Tag value must be at most 256 characters long for key 'big'"
        );
        assertCliError(
          await server.aws('ec2', 'create-tags', '--resources', eni, '--tags', 'Key=aws:x,Value=1'),
          'InvalidParameterValue',
          AWS_PREFIX
        );
        // The longest key and value are fine.
        await tag('k'.repeat(127), 'v'.repeat(256));
        assert.equal((await eniTags(eni)).length, 1);
      });

      it('checks the tags before the resources', async () => {
        await assertSdkError(
          createTags({ Resources: [UNKNOWN_ENI], Tags: [{ Key: 'aws:x', Value: '1' }] }),
          'InvalidParameterValue',
          AWS_PREFIX
        );
      });

      it('refuses a 51st tag with TagLimitExceeded, on any resource of the call, and writes nothing', async () => {
        const [full, empty] = [await newEni(), await newEni()];
        await createTags({ Resources: [full], Tags: manyTags(50) });
        await assertSdkError(
          createTags({ Resources: [empty, full], Tags: [{ Key: 'one-more', Value: 'x' }] }),
          'TagLimitExceeded',
          TAG_LIMIT
        );
        assert.deepEqual(await eniTags(empty), []);
        assert.equal((await eniTags(full)).length, 50);
        assertCliError(
          await server.aws('ec2', 'create-tags', '--resources', full, '--tags', 'Key=one-more,Value=x'),
          'TagLimitExceeded',
          TAG_LIMIT
        );
        // 51 new tags at once on a bare resource are as many too.
        await assertSdkError(createTags({ Resources: [empty], Tags: manyTags(51) }), 'TagLimitExceeded', TAG_LIMIT);
        assert.deepEqual(await eniTags(empty), []);
      });

      it('lets a resource at 50 tags overwrite its own keys (they do not count twice)', async () => {
        const eni = await newEni();
        await createTags({ Resources: [eni], Tags: manyTags(50) });
        await createTags({
          Resources: [eni],
          Tags: [
            { Key: 'k7', Value: 'changed' },
            { Key: 'k49', Value: 'too' }
          ]
        });
        const tags = await eniTags(eni);
        assert.equal(tags.length, 50);
        assert.deepEqual(tags[7], { Key: 'k7', Value: 'changed' });
        assert.deepEqual(tags[49], { Key: 'k49', Value: 'too' });
      });

      it('answers DryRun with DryRunOperation (412) and tags nothing', async () => {
        const eni = await newEni();
        await assertSdkError(
          createTags({ Resources: [eni], Tags: [{ Key: 'a', Value: 'b' }], DryRun: true }),
          'DryRunOperation',
          DRY_RUN,
          412
        );
        assertCliError(
          await server.aws('ec2', 'create-tags', '--resources', eni, '--tags', 'Key=a,Value=b', '--dry-run'),
          'DryRunOperation',
          DRY_RUN
        );
        assert.deepEqual(await eniTags(eni), []);
        // A dry run still validates.
        await assertSdkError(
          createTags({ Resources: [UNKNOWN_ENI], Tags: [{ Key: 'a', Value: 'b' }], DryRun: true }),
          'InvalidNetworkInterfaceID.NotFound',
          `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
        );
      });
    });

    describe('functionality', () => {
      it('overwrites the value of an existing key in place and keeps the others', async () => {
        const eni = await newEni();
        await createTags({
          Resources: [eni],
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' }
          ]
        });
        await createTags({
          Resources: [eni],
          Tags: [
            { Key: 'a', Value: 'one' },
            { Key: 'c', Value: '3' }
          ]
        });
        assert.deepEqual(await eniTags(eni), [
          { Key: 'a', Value: 'one' },
          { Key: 'b', Value: '2' },
          { Key: 'c', Value: '3' }
        ]);
      });

      it('keeps the last value when a key is given twice in one call', async () => {
        const eni = await newEni();
        await createTags({
          Resources: [eni],
          Tags: [
            { Key: 'a', Value: 'first' },
            { Key: 'a', Value: 'last' }
          ]
        });
        assert.deepEqual(await eniTags(eni), [{ Key: 'a', Value: 'last' }]);
      });

      it('tags a VPC, a subnet, an interface, an instance, an Elastic IP, a default security group and a reservation; each Describe shows them', async () => {
        const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16' }));
        const vpcId = Vpc!.VpcId!;
        const eni = await newEni();
        const { Instances } = await server.ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE,
            InstanceType: 'm5.large',
            MinCount: 1,
            MaxCount: 1,
            SubnetId: subnet.id
          })
        );
        const instanceId = Instances![0]!.InstanceId!;
        const { AllocationId } = await server.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
        // The lab VPC's default security group, as an interface created without groups shows it.
        const sg = (await subnet.eni()).Groups![0]!.GroupId!;
        const { SubnetCidrReservation } = await server.ec2.send(
          new CreateSubnetCidrReservationCommand({
            SubnetId: subnet.id,
            Cidr: subnet.prefix(240),
            ReservationType: 'explicit'
          })
        );
        const scr = SubnetCidrReservation!.SubnetCidrReservationId!;
        const ids = [vpcId, subnet.id, eni, instanceId, AllocationId!, sg, scr];
        await createTags({ Resources: ids, Tags: [{ Key: 'Name', Value: 'everywhere' }] });
        const expected = [{ Key: 'Name', Value: 'everywhere' }];

        assert.deepEqual(
          (await server.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!.Tags,
          expected
        );
        assert.deepEqual(
          (await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.id] }))).Subnets![0]!.Tags,
          expected
        );
        assert.deepEqual(await eniTags(eni), expected);
        const described = await server.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
        assert.deepEqual(described.Reservations![0]!.Instances![0]!.Tags, expected);
        assert.deepEqual(
          (await server.ec2.send(new DescribeAddressesCommand({ AllocationIds: [AllocationId!] }))).Addresses![0]!.Tags,
          expected
        );
        const reservations = await server.ec2.send(new GetSubnetCidrReservationsCommand({ SubnetId: subnet.id }));
        assert.deepEqual(
          reservations.SubnetIpv4CidrReservations!.find((r) => r.SubnetCidrReservationId === scr)!.Tags,
          expected
        );

        const listed = await describeTags({ Filters: [{ Name: 'resource-id', Values: ids }] });
        assert.deepEqual(
          listed.map((t) => [t.ResourceId, t.ResourceType]).sort(),
          [
            [vpcId, 'vpc'],
            [subnet.id, 'subnet'],
            [eni, 'network-interface'],
            [instanceId, 'instance'],
            [AllocationId, 'elastic-ip'],
            [sg, 'security-group'],
            [scr, 'subnet-cidr-reservation']
          ].sort()
        );
        // Tags found through a Describe filter too.
        const byTag = await server.ec2.send(
          new DescribeSubnetsCommand({ Filters: [{ Name: 'tag:Name', Values: ['everywhere'] }] })
        );
        assert.deepEqual(
          byTag.Subnets!.map((s) => s.SubnetId),
          [subnet.id]
        );
      });
    });
  });

  describe('DeleteTags', () => {
    const tagged = async (): Promise<string> => {
      const eni = await newEni();
      await createTags({
        Resources: [eni],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
          { Key: 'c', Value: '' }
        ]
      });
      return eni;
    };

    describe('serializations', () => {
      it('answers the SDK, the XML face (ResourceId.N, Tag.N.Key) and the AWS CLI', async () => {
        const eni = await tagged();
        assert.equal((await deleteTags({ Resources: [eni], Tags: [{ Key: 'a' }] })).$metadata.httpStatusCode, 200);
        const response = await server.query({ Action: 'DeleteTags', 'ResourceId.1': eni, 'Tag.1.Key': 'b' });
        assert.equal(response.status, 200, response.text);
        assert.equal(response.xml.DeleteTagsResponse.return, 'true');
        const result = await server.aws('ec2', 'delete-tags', '--resources', eni, '--tags', 'Key=c');
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(await eniTags(eni), []);
      });
    });

    describe('validations', () => {
      it('needs ResourceId.N', async () => {
        await assertSdkError(
          deleteTags({} as DeleteTagsCommandInput),
          'MissingParameter',
          'The request must contain the parameter ResourceId'
        );
      });

      it('answers InvalidID and NotFound as CreateTags does, deleting nothing', async () => {
        const eni = await tagged();
        await assertSdkError(deleteTags({ Resources: [eni, 'bogus'] }), 'InvalidID', "The ID 'bogus' is not valid");
        await assertSdkError(
          deleteTags({ Resources: [eni, UNKNOWN_ENI] }),
          'InvalidNetworkInterfaceID.NotFound',
          `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
        );
        assertCliError(
          await server.aws('ec2', 'delete-tags', '--resources', 'bogus'),
          'InvalidID',
          "The ID 'bogus' is not valid"
        );
        assert.equal((await eniTags(eni)).length, 3);
      });

      it('refuses an aws: key and a Tag.N without a key', async () => {
        const eni = await tagged();
        await assertSdkError(
          deleteTags({ Resources: [eni], Tags: [{ Key: 'aws:cloudformation:stack-name' }] }),
          'InvalidParameterValue',
          AWS_PREFIX
        );
        assertXmlError(
          await server.query({ Action: 'DeleteTags', 'ResourceId.1': eni, 'Tag.1.Value': '1' }),
          400,
          'MissingParameter',
          'The request must contain the parameter Tag.Key'
        );
      });

      it('answers DryRun with DryRunOperation (412) and deletes nothing', async () => {
        const eni = await tagged();
        await assertSdkError(deleteTags({ Resources: [eni], DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
        assertCliError(
          await server.aws('ec2', 'delete-tags', '--resources', eni, '--dry-run'),
          'DryRunOperation',
          DRY_RUN
        );
        assert.equal((await eniTags(eni)).length, 3);
      });
    });

    describe('functionality', () => {
      it('deletes a key whatever its value when no value is given', async () => {
        const eni = await tagged();
        await deleteTags({ Resources: [eni], Tags: [{ Key: 'a' }] });
        assert.deepEqual(await eniTags(eni), [
          { Key: 'b', Value: '2' },
          { Key: 'c', Value: '' }
        ]);
      });

      it('deletes a key with a value only when the value matches, an empty value only an empty tag', async () => {
        const eni = await tagged();
        await deleteTags({
          Resources: [eni],
          Tags: [
            { Key: 'a', Value: 'other' },
            { Key: 'b', Value: '' },
            { Key: 'c', Value: '' }
          ]
        });
        assert.deepEqual(await eniTags(eni), [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' }
        ]);
        await deleteTags({ Resources: [eni], Tags: [{ Key: 'a', Value: '1' }] });
        assert.deepEqual(await eniTags(eni), [{ Key: 'b', Value: '2' }]);
      });

      it('deletes every tag of every resource named when Tag.N is absent', async () => {
        const [a, b] = [await tagged(), await tagged()];
        await deleteTags({ Resources: [a, b] });
        assert.deepEqual(await eniTags(a), []);
        assert.deepEqual(await eniTags(b), []);
      });

      it('ignores keys the resource does not have', async () => {
        const eni = await tagged();
        await deleteTags({ Resources: [eni], Tags: [{ Key: 'missing' }] });
        assert.equal((await eniTags(eni)).length, 3);
      });

      it('frees room under the 50-tag limit', async () => {
        const eni = await newEni();
        await createTags({ Resources: [eni], Tags: manyTags(50) });
        await deleteTags({ Resources: [eni], Tags: [{ Key: 'k0' }] });
        await createTags({ Resources: [eni], Tags: [{ Key: 'new', Value: 'x' }] });
        assert.equal((await eniTags(eni)).length, 50);
      });
    });
  });

  describe('DescribeTags', () => {
    /** A fresh interface with `n` tags; its id is the filter that keeps tests apart on a shared server. */
    const withTags = async (tags: Tag[]): Promise<string> => {
      const eni = await newEni();
      await createTags({ Resources: [eni], Tags: tags });
      return eni;
    };

    describe('serializations', () => {
      it('renders tagSet items with key, resourceId, resourceType and value', async () => {
        const eni = await withTags([{ Key: 'Name', Value: 'x' }]);
        const response = await server.query({
          Action: 'DescribeTags',
          'Filter.1.Name': 'resource-id',
          'Filter.1.Value.1': eni
        });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(items(response.xml.DescribeTagsResponse.tagSet), [
          { key: 'Name', resourceId: eni, resourceType: 'network-interface', value: 'x' }
        ]);
      });

      it('answers the SDK and the AWS CLI', async () => {
        const eni = await withTags([
          { Key: 'Name', Value: 'x' },
          { Key: 'empty', Value: '' }
        ]);
        assert.deepEqual(await describeTags({ Filters: [{ Name: 'resource-id', Values: [eni] }] }), [
          { Key: 'Name', ResourceId: eni, ResourceType: 'network-interface', Value: 'x' },
          { Key: 'empty', ResourceId: eni, ResourceType: 'network-interface', Value: '' }
        ]);
        const result = await server.aws('ec2', 'describe-tags', '--filters', `Name=resource-id,Values=${eni}`);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.json.Tags, [
          { Key: 'Name', ResourceId: eni, ResourceType: 'network-interface', Value: 'x' },
          { Key: 'empty', ResourceId: eni, ResourceType: 'network-interface', Value: '' }
        ]);
      });
    });

    describe('validations', () => {
      it('refuses an unknown filter', async () => {
        await assertSdkError(
          describeTags({ Filters: [{ Name: 'resource', Values: ['x'] }] }),
          'InvalidParameterValue',
          "The filter 'resource' is invalid"
        );
      });

      it('refuses MaxResults outside 5..1000 and a token it did not issue', async () => {
        for (const max of [4, 1001]) {
          await assertSdkError(
            describeTags({ MaxResults: max }),
            'InvalidParameterValue',
            `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
          );
        }
        await assertSdkError(
          describeTags({ NextToken: 'nope' }),
          'InvalidParameterValue',
          'Value ( nope ) for parameter NextToken is invalid. The token is invalid.'
        );
        assertCliError(
          await server.aws('ec2', 'describe-tags', '--max-results', '3', '--no-paginate'),
          'InvalidParameterValue',
          'Value ( 3 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.'
        );
      });

      it('answers DryRun with DryRunOperation (412)', async () => {
        await assertSdkError(describeTags({ DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      });
    });

    describe('functionality', () => {
      it('filters by key, value, resource-id, resource-type and tag:<key>, with wildcards; filters AND, values OR', async () => {
        const a = await withTags([
          { Key: 'role', Value: 'web' },
          { Key: 'env', Value: 'prod' }
        ]);
        const b = await withTags([
          { Key: 'role', Value: 'db' },
          { Key: 'env', Value: 'dev' }
        ]);
        const mine = { Name: 'resource-id', Values: [a, b] };
        const rows = async (...filters: { Name: string; Values: string[] }[]) =>
          (await describeTags({ Filters: [mine, ...filters] }))
            .map((t) => `${t.ResourceId === a ? 'a' : 'b'}:${t.Key}=${t.Value}`)
            .sort();
        assert.deepEqual(await rows({ Name: 'key', Values: ['role'] }), ['a:role=web', 'b:role=db']);
        assert.deepEqual(await rows({ Name: 'value', Values: ['prod', 'db'] }), ['a:env=prod', 'b:role=db']);
        assert.deepEqual(await rows({ Name: 'value', Values: ['d*'] }), ['b:env=dev', 'b:role=db']);
        assert.deepEqual(await rows({ Name: 'resource-id', Values: [b] }), ['b:env=dev', 'b:role=db']);
        assert.deepEqual(await rows({ Name: 'tag:env', Values: ['prod'] }), ['a:env=prod']);
        assert.deepEqual(await rows({ Name: 'key', Values: ['env'] }, { Name: 'value', Values: ['de?'] }), [
          'b:env=dev'
        ]);
        assert.deepEqual(await rows({ Name: 'resource-type', Values: ['network-interface'] }), [
          'a:env=prod',
          'a:role=web',
          'b:env=dev',
          'b:role=db'
        ]);
        assert.deepEqual(await rows({ Name: 'resource-type', Values: ['instance'] }), []);
        const cli = await server.aws(
          'ec2',
          'describe-tags',
          '--filters',
          `Name=resource-id,Values=${a},${b}`,
          'Name=key,Values=env'
        );
        assert.equal(cli.code, 0, cli.stderr);
        assert.deepEqual(cli.json.Tags.map((t: TagDescription) => t.Value).sort(), ['dev', 'prod']);
      });

      it('lists tags of every resource type, with resource-type naming them as EC2 does', async () => {
        const { Vpc } = await server.ec2.send(
          new CreateVpcCommand({
            CidrBlock: '10.72.0.0/16',
            TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'at', Value: 'create' }] }]
          })
        );
        const vpcTags = await describeTags({
          Filters: [
            { Name: 'resource-type', Values: ['vpc'] },
            { Name: 'resource-id', Values: [Vpc!.VpcId!] }
          ]
        });
        assert.deepEqual(vpcTags, [{ Key: 'at', ResourceId: Vpc!.VpcId, ResourceType: 'vpc', Value: 'create' }]);
      });

      it('pages with MaxResults and NextToken, in a stable order, through the SDK paginator and the CLI', async () => {
        const eni = await withTags(manyTags(12, 'p'));
        const filter = [{ Name: 'resource-id', Values: [eni] }];
        const first = await server.ec2.send(new DescribeTagsCommand({ Filters: filter, MaxResults: 5 }));
        assert.equal(first.Tags?.length, 5);
        assert.ok(first.NextToken);
        const seen: string[] = [];
        let pages = 0;
        for await (const page of paginateDescribeTags({ client: server.ec2, pageSize: 5 }, { Filters: filter })) {
          pages++;
          seen.push(...(page.Tags ?? []).map((t) => t.Key!));
        }
        assert.equal(pages, 3);
        assert.deepEqual(seen, [...(await tagsOf(eni)).map((t) => t.Key)]);
        assert.equal(new Set(seen).size, 12);
        // The CLI follows NextToken itself.
        const cli = await server.aws(
          'ec2',
          'describe-tags',
          '--filters',
          `Name=resource-id,Values=${eni}`,
          '--page-size',
          '5'
        );
        assert.equal(cli.code, 0, cli.stderr);
        assert.deepEqual(
          cli.json.Tags.map((t: TagDescription) => t.Key),
          seen
        );
      });

      it('forgets the tags of a deleted resource', async () => {
        const eni = await withTags([{ Key: 'gone', Value: 'soon' }]);
        await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
        assert.deepEqual(await tagsOf(eni), []);
      });

      it("forgets the tags of a VPC's default security group when the VPC is deleted", async () => {
        const { Vpc } = await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.76.0.0/16' }));
        const { Subnet } = await server.ec2.send(
          new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.76.1.0/24' })
        );
        const { NetworkInterface } = await server.ec2.send(
          new CreateNetworkInterfaceCommand({ SubnetId: Subnet!.SubnetId! })
        );
        const sg = NetworkInterface!.Groups![0]!.GroupId!;
        await createTags({ Resources: [sg], Tags: [{ Key: 'gone', Value: 'with the vpc' }] });
        assert.deepEqual(await tagsOf(sg), [{ Key: 'gone', Value: 'with the vpc' }]);
        await server.ec2.send(
          new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId! })
        );
        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! }));
        await server.ec2.send(new DeleteVpcCommand({ VpcId: Vpc!.VpcId! }));
        assert.deepEqual(await tagsOf(sg), []);
        await assertSdkError(
          createTags({ Resources: [sg], Tags: [{ Key: 'late', Value: 'x' }] }),
          'InvalidGroup.NotFound',
          `The security group '${sg}' does not exist`
        );
      });
    });
  });

  describe('TagSpecification on create actions', () => {
    it('allows 50 tags at creation, refuses 51, and then counts them against CreateTags', async () => {
      const { Vpc } = await server.ec2.send(
        new CreateVpcCommand({
          CidrBlock: '10.73.0.0/16',
          TagSpecifications: [{ ResourceType: 'vpc', Tags: manyTags(50) }]
        })
      );
      await assertSdkError(
        createTags({ Resources: [Vpc!.VpcId!], Tags: [{ Key: 'more', Value: 'x' }] }),
        'TagLimitExceeded',
        TAG_LIMIT
      );
      await assertSdkError(
        server.ec2.send(
          new CreateVpcCommand({
            CidrBlock: '10.74.0.0/16',
            TagSpecifications: [{ ResourceType: 'vpc', Tags: manyTags(51) }]
          })
        ),
        'InvalidParameterValue',
        'The number of tags specified exceeds the limit of 50.'
      );
    });

    it('applies the limit and the key rules on every create action that takes TagSpecification.N', async () => {
      const tooMany = (ResourceType: string) => [{ ResourceType, Tags: manyTags(51) }] as never;
      const reserved = (ResourceType: string) => [{ ResourceType, Tags: [{ Key: 'aws:x', Value: '1' }] }] as never;
      const creates: [string, (tags: never) => Promise<unknown>][] = [
        [
          'vpc',
          (TagSpecifications) => server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.75.0.0/16', TagSpecifications }))
        ],
        [
          'subnet',
          (TagSpecifications) =>
            server.ec2.send(
              new CreateSubnetCommand({ VpcId: lab.vpcId, CidrBlock: '10.70.200.0/24', TagSpecifications })
            )
        ],
        [
          'network-interface',
          (TagSpecifications) =>
            server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, TagSpecifications }))
        ],
        [
          'instance',
          (TagSpecifications) =>
            server.ec2.send(
              new RunInstancesCommand({
                ImageId: IMAGE,
                InstanceType: 'm5.large',
                MinCount: 1,
                MaxCount: 1,
                SubnetId: subnet.id,
                TagSpecifications
              })
            )
        ],
        [
          'elastic-ip',
          (TagSpecifications) => server.ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications }))
        ],
        [
          'subnet-cidr-reservation',
          (TagSpecifications) =>
            server.ec2.send(
              new CreateSubnetCidrReservationCommand({
                SubnetId: subnet.id,
                Cidr: subnet.prefix(224),
                ReservationType: 'prefix',
                TagSpecifications
              })
            )
        ]
      ];
      for (const [type, create] of creates) {
        await assertSdkError(
          create(tooMany(type)),
          'InvalidParameterValue',
          'The number of tags specified exceeds the limit of 50.'
        );
        await assertSdkError(create(reserved(type)), 'InvalidParameterValue', AWS_PREFIX);
      }
      // Nothing was created by the refused calls: the reservation's range is still free.
      const { SubnetCidrReservation } = await server.ec2.send(
        new CreateSubnetCidrReservationCommand({
          SubnetId: subnet.id,
          Cidr: subnet.prefix(224),
          ReservationType: 'prefix',
          TagSpecifications: [{ ResourceType: 'subnet-cidr-reservation', Tags: [{ Key: 'Name', Value: 'pd' }] }]
        })
      );
      assert.deepEqual(SubnetCidrReservation!.Tags, [{ Key: 'Name', Value: 'pd' }]);
      assert.deepEqual(await tagsOf(SubnetCidrReservation!.SubnetCidrReservationId!), [{ Key: 'Name', Value: 'pd' }]);
    });
  });
});
