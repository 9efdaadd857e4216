import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  type CreateVpcCommandInput,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeVpcsCommand,
  type DescribeVpcsCommandInput,
  type Vpc,
  paginateDescribeVpcs
} from '@aws-sdk/client-ec2';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';

/** CreateVpc, DescribeVpcs and DeleteVpc, each in three parts: serializations, validations, functionality. */

const ACCOUNT = '123456789012';
const VPC_ID = /^vpc-[0-9a-f]{17}$/;
const UNKNOWN_VPC = 'vpc-0123456789abcdef0';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';

describe('VPC actions', () => {
  let server: TestServer;
  const createVpc = async (input: CreateVpcCommandInput): Promise<Vpc> =>
    (await server.ec2.send(new CreateVpcCommand(input))).Vpc!;
  const describeVpcs = async (input: DescribeVpcsCommandInput = {}): Promise<Vpc[]> =>
    (await server.ec2.send(new DescribeVpcsCommand(input))).Vpcs ?? [];
  /** A tag unique to one test, so that filters see only what that test created. */
  const marker = (): { Key: string; Value: string } => ({ Key: 'test', Value: randomUUID() });

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('CreateVpc', () => {
    describe('serializations', () => {
      it('returns the VPC in the SDK shape', async () => {
        const vpc = await createVpc({
          CidrBlock: '10.0.0.0/16',
          TagSpecifications: [
            {
              ResourceType: 'vpc',
              Tags: [
                { Key: 'Name', Value: 'main' },
                { Key: 'env', Value: '' }
              ]
            }
          ]
        });
        assert.match(vpc.VpcId!, VPC_ID);
        assert.equal(vpc.CidrBlock, '10.0.0.0/16');
        assert.equal(vpc.State, 'available');
        assert.equal(vpc.IsDefault, false);
        assert.equal(vpc.InstanceTenancy, 'default');
        assert.equal(vpc.OwnerId, ACCOUNT);
        assert.match(vpc.DhcpOptionsId!, /^dopt-[0-9a-f]{17}$/);
        assert.equal(vpc.CidrBlockAssociationSet?.length, 1);
        const association = vpc.CidrBlockAssociationSet[0]!;
        assert.match(association.AssociationId!, /^vpc-cidr-assoc-[0-9a-f]{17}$/);
        assert.equal(association.CidrBlock, '10.0.0.0/16');
        assert.deepEqual(association.CidrBlockState, { State: 'associated' });
        assert.deepEqual(vpc.Tags, [
          { Key: 'Name', Value: 'main' },
          { Key: 'env', Value: '' }
        ]);
      });

      it('writes the XML element names of the EC2 model', async () => {
        const response = await server.query({
          Action: 'CreateVpc',
          CidrBlock: '10.1.0.0/16',
          'TagSpecification.1.ResourceType': 'vpc',
          'TagSpecification.1.Tag.1.Key': 'Name',
          'TagSpecification.1.Tag.1.Value': 'xml'
        });
        assert.equal(response.status, 200, response.text);
        const vpc = response.xml.CreateVpcResponse.vpc;
        assert.match(vpc.vpcId, VPC_ID);
        assert.equal(vpc.cidrBlock, '10.1.0.0/16');
        assert.equal(vpc.state, 'available');
        assert.equal(vpc.isDefault, 'false');
        assert.equal(vpc.instanceTenancy, 'default');
        assert.equal(vpc.ownerId, ACCOUNT);
        assert.equal(vpc.cidrBlockAssociationSet.item.cidrBlock, '10.1.0.0/16');
        assert.equal(vpc.cidrBlockAssociationSet.item.cidrBlockState.state, 'associated');
        assert.deepEqual(vpc.tagSet.item, { key: 'Name', value: 'xml' });
      });

      it('answers the AWS CLI, tags included', async () => {
        const result = await server.aws(
          'ec2',
          'create-vpc',
          '--cidr-block',
          '10.2.0.0/16',
          '--instance-tenancy',
          'dedicated',
          '--tag-specifications',
          'ResourceType=vpc,Tags=[{Key=Name,Value=from the cli}]'
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.json.Vpc.VpcId, VPC_ID);
        assert.equal(result.json.Vpc.CidrBlock, '10.2.0.0/16');
        assert.equal(result.json.Vpc.InstanceTenancy, 'dedicated');
        assert.deepEqual(result.json.Vpc.Tags, [{ Key: 'Name', Value: 'from the cli' }]);
      });
    });

    describe('validations', () => {
      it('needs a CidrBlock', async () => {
        const message = "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.";
        await assertSdkError(server.ec2.send(new CreateVpcCommand({})), 'MissingParameter', message);
        assertCliError(await server.aws('ec2', 'create-vpc'), 'MissingParameter', message);
      });

      it('takes AmazonProvidedIpv6CidrBlock=false, as Terraform sends it, and refuses true: IPv4 only', async () => {
        const vpc = await createVpc({ CidrBlock: '10.77.0.0/16', AmazonProvidedIpv6CidrBlock: false });
        assert.deepEqual(vpc.Ipv6CidrBlockAssociationSet, []);
        const message =
          'Value (true) for parameter AmazonProvidedIpv6CidrBlock is invalid. ec2lite models IPv4 addressing only.';
        await assertSdkError(
          createVpc({ CidrBlock: '10.78.0.0/16', AmazonProvidedIpv6CidrBlock: true }),
          'InvalidParameterValue',
          message
        );
        assertCliError(
          await server.aws('ec2', 'create-vpc', '--cidr-block', '10.78.0.0/16', '--amazon-provided-ipv6-cidr-block'),
          'InvalidParameterValue',
          message
        );
        const { Vpcs } = await server.ec2.send(
          new DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.78.0.0/16'] }] })
        );
        assert.deepEqual(Vpcs, []);
      });

      for (const cidr of ['10.0.0.0/8', '10.0.0.0/15', '10.0.0.0/29', '10.0.0.0/32', '0.0.0.0/0']) {
        it(`refuses ${cidr}: VPCs run from /16 to /28`, async () => {
          await assertSdkError(createVpc({ CidrBlock: cidr }), 'InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
        });
      }

      it('quotes the canonical CIDR in InvalidVpc.Range', async () => {
        await assertSdkError(
          createVpc({ CidrBlock: '10.1.2.3/8' }),
          'InvalidVpc.Range',
          "The CIDR '10.0.0.0/8' is invalid."
        );
      });

      for (const text of [
        'abc',
        '10.0.0.0',
        '10.0.0.256/16',
        '10.0.0.0/33',
        '10.0.0/16',
        '010.0.0.0/16',
        ' 10.0.0.0/16',
        '10.0.0.0/-1'
      ]) {
        it(`refuses ${JSON.stringify(text)}: not a CIDR block`, async () => {
          await assertSdkError(
            createVpc({ CidrBlock: text }),
            'InvalidParameterValue',
            `Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`
          );
        });
      }

      it('refuses a not-a-CIDR through the CLI as well', async () => {
        assertCliError(
          await server.aws('ec2', 'create-vpc', '--cidr-block', 'abc'),
          'InvalidParameterValue',
          'Value (abc) for parameter cidrBlock is invalid. This is not a valid CIDR block.'
        );
      });

      it('refuses a TagSpecification for another resource type', async () => {
        await assertSdkError(
          createVpc({
            CidrBlock: '10.3.0.0/16',
            TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'a', Value: 'b' }] }]
          }),
          'InvalidParameterValue',
          "'subnet' is not a valid taggable resource type for this operation."
        );
      });

      it("refuses a tag key starting with 'aws:'", async () => {
        await assertSdkError(
          createVpc({
            CidrBlock: '10.3.0.0/16',
            TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'aws:owner', Value: 'x' }] }]
          }),
          'InvalidParameterValue',
          "Tag keys starting with 'aws:' are reserved for internal use"
        );
      });

      it('answers DryRun with DryRunOperation (412) and creates nothing', async () => {
        const tag = marker();
        const input: CreateVpcCommandInput = {
          CidrBlock: '10.4.0.0/16',
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [tag] }],
          DryRun: true
        };
        const before = (await describeVpcs()).length;
        await assertSdkError(createVpc(input), 'DryRunOperation', DRY_RUN, 412);
        assertCliError(
          await server.aws('ec2', 'create-vpc', '--cidr-block', '10.4.0.0/16', '--dry-run'),
          'DryRunOperation',
          DRY_RUN
        );
        assert.equal((await describeVpcs()).length, before);
        assert.deepEqual(await describeVpcs({ Filters: [{ Name: `tag:${tag.Key}`, Values: [tag.Value] }] }), []);
      });

      it('validates before it answers a DryRun', async () => {
        await assertSdkError(
          createVpc({ CidrBlock: '10.0.0.0/8', DryRun: true }),
          'InvalidVpc.Range',
          "The CIDR '10.0.0.0/8' is invalid."
        );
      });
    });

    describe('functionality', () => {
      it('clears host bits', async () => {
        const vpc = await createVpc({ CidrBlock: '100.68.0.18/18' });
        assert.equal(vpc.CidrBlock, '100.68.0.0/18');
        assert.equal(vpc.CidrBlockAssociationSet?.[0]?.CidrBlock, '100.68.0.0/18');
        const [described] = await describeVpcs({ VpcIds: [vpc.VpcId!] });
        assert.equal(described?.CidrBlock, '100.68.0.0/18');
      });

      it('accepts the bounds /16 and /28', async () => {
        assert.equal((await createVpc({ CidrBlock: '192.168.0.0/16' })).CidrBlock, '192.168.0.0/16');
        assert.equal((await createVpc({ CidrBlock: '192.168.255.240/28' })).CidrBlock, '192.168.255.240/28');
      });

      it('lets VPCs overlap, since each is its own network', async () => {
        const a = await createVpc({ CidrBlock: '10.9.0.0/16' });
        const b = await createVpc({ CidrBlock: '10.9.0.0/16' });
        assert.notEqual(a.VpcId, b.VpcId);
        assert.equal((await describeVpcs({ Filters: [{ Name: 'cidr', Values: ['10.9.0.0/16'] }] })).length, 2);
      });

      it('gives every VPC of the account the same DHCP options set', async () => {
        const a = await createVpc({ CidrBlock: '10.10.0.0/16' });
        const [defaultVpc] = await describeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] });
        assert.equal(a.DhcpOptionsId, defaultVpc?.DhcpOptionsId);
      });
    });
  });

  describe('DescribeVpcs', () => {
    describe('serializations', () => {
      it('writes vpcSet/item with the XML element names', async () => {
        const response = await server.query({
          Action: 'DescribeVpcs',
          'Filter.1.Name': 'is-default',
          'Filter.1.Value.1': 'true'
        });
        assert.equal(response.status, 200, response.text);
        const item = response.xml.DescribeVpcsResponse.vpcSet.item;
        assert.equal(item.cidrBlock, '172.31.0.0/16');
        assert.equal(item.isDefault, 'true');
        assert.equal(item.state, 'available');
        assert.match(item.vpcId, VPC_ID);
        assert.equal(response.xml.DescribeVpcsResponse.nextToken, undefined);
      });

      it('writes an empty vpcSet when nothing matches', async () => {
        const response = await server.query({
          Action: 'DescribeVpcs',
          'Filter.1.Name': 'cidr',
          'Filter.1.Value.1': '1.2.3.0/24'
        });
        assert.match(response.text, /<vpcSet\/>/);
        assert.deepEqual(await describeVpcs({ Filters: [{ Name: 'cidr', Values: ['1.2.3.0/24'] }] }), []);
      });

      it('answers the AWS CLI with filters', async () => {
        const result = await server.aws('ec2', 'describe-vpcs', '--filters', 'Name=is-default,Values=true');
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.json.Vpcs.length, 1);
        assert.equal(result.json.Vpcs[0].CidrBlock, '172.31.0.0/16');
        assert.equal(result.json.Vpcs[0].IsDefault, true);
        assert.equal(result.json.Vpcs[0].OwnerId, ACCOUNT);
      });
    });

    describe('validations', () => {
      it('refuses a malformed id', async () => {
        await assertSdkError(
          describeVpcs({ VpcIds: ['subnet-12345678'] }),
          'InvalidVpcId.Malformed',
          'Invalid id: "subnet-12345678" (expecting "vpc-...")'
        );
        await assertSdkError(
          describeVpcs({ VpcIds: ['vpc-XYZ'] }),
          'InvalidVpcId.Malformed',
          'Invalid id: "vpc-XYZ" (expecting "vpc-...")'
        );
      });

      it('refuses an unknown id, quoting it, even next to a known one', async () => {
        const message = `The vpc ID '${UNKNOWN_VPC}' does not exist`;
        await assertSdkError(describeVpcs({ VpcIds: [UNKNOWN_VPC] }), 'InvalidVpcID.NotFound', message);
        const [known] = await describeVpcs();
        await assertSdkError(describeVpcs({ VpcIds: [known!.VpcId!, UNKNOWN_VPC] }), 'InvalidVpcID.NotFound', message);
        assertCliError(
          await server.aws('ec2', 'describe-vpcs', '--vpc-ids', UNKNOWN_VPC),
          'InvalidVpcID.NotFound',
          message
        );
      });

      it('refuses MaxResults together with ids', async () => {
        const [known] = await describeVpcs();
        await assertSdkError(
          describeVpcs({ VpcIds: [known!.VpcId!], MaxResults: 5 }),
          'InvalidParameterCombination',
          'The parameter vpcIdSet cannot be used with the parameter maxResults'
        );
      });

      for (const max of [4, 1001, 0]) {
        it(`refuses MaxResults ${max}: it runs from 5 to 1000`, async () => {
          await assertSdkError(
            describeVpcs({ MaxResults: max }),
            'InvalidParameterValue',
            `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
          );
        });
      }

      it('refuses a NextToken it did not issue', async () => {
        await assertSdkError(
          describeVpcs({ NextToken: 'not-a-token' }),
          'InvalidParameterValue',
          'Value ( not-a-token ) for parameter NextToken is invalid. The token is invalid.'
        );
      });

      it('refuses an unknown filter name', async () => {
        await assertSdkError(
          describeVpcs({ Filters: [{ Name: 'subnet-id', Values: ['x'] }] }),
          'InvalidParameterValue',
          "The filter 'subnet-id' is invalid"
        );
      });

      it('answers DryRun with DryRunOperation (412)', async () => {
        await assertSdkError(describeVpcs({ DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      });
    });

    describe('functionality', () => {
      let tag: { Key: string; Value: string };
      let alpha: Vpc;
      let beta: Vpc;
      let gamma: Vpc;

      before(async () => {
        tag = marker();
        const create = (cidr: string, name: string, extra: { Key: string; Value: string }[] = []) =>
          createVpc({
            CidrBlock: cidr,
            TagSpecifications: [{ ResourceType: 'vpc', Tags: [tag, { Key: 'Name', Value: name }, ...extra] }]
          });
        alpha = await create('10.20.0.0/16', 'alpha', [{ Key: 'tier', Value: 'web' }]);
        beta = await create('10.21.0.0/16', 'beta');
        gamma = await create('10.22.0.0/24', 'Gamma', [{ Key: 'tier', Value: 'db' }]);
      });

      const names = (vpcs: Vpc[]): string[] => vpcs.map((v) => v.Tags!.find((t) => t.Key === 'Name')!.Value!).sort();
      const ours = (...filters: { Name: string; Values: string[] }[]) =>
        describeVpcs({ Filters: [{ Name: `tag:${tag.Key}`, Values: [tag.Value] }, ...filters] });

      it('describes every VPC, exactly one of them the default', async () => {
        const all = await describeVpcs();
        assert.ok(all.length >= 4);
        assert.equal(all.filter((v) => v.IsDefault).length, 1);
        assert.equal(new Set(all.map((v) => v.VpcId)).size, all.length);
      });

      it('describes by ids, and only those', async () => {
        const vpcs = await describeVpcs({ VpcIds: [gamma.VpcId!, alpha.VpcId!] });
        assert.deepEqual(vpcs.map((v) => v.VpcId).sort(), [alpha.VpcId, gamma.VpcId].sort());
        assert.deepEqual(
          vpcs.find((v) => v.VpcId === alpha.VpcId),
          alpha
        );
      });

      it('filters by vpc-id, cidr, and cidr-block-association.cidr-block', async () => {
        assert.deepEqual(names(await describeVpcs({ Filters: [{ Name: 'vpc-id', Values: [beta.VpcId!] }] })), ['beta']);
        assert.deepEqual(names(await ours({ Name: 'cidr', Values: ['10.22.0.0/24'] })), ['Gamma']);
        assert.deepEqual(names(await ours({ Name: 'cidr-block-association.cidr-block', Values: ['10.20.0.0/16'] })), [
          'alpha'
        ]);
      });

      it('matches * and ? wildcards, case-sensitively', async () => {
        assert.deepEqual(names(await ours({ Name: 'cidr', Values: ['10.2?.0.0/16'] })), ['alpha', 'beta']);
        assert.deepEqual(names(await ours({ Name: 'tag:Name', Values: ['*a'] })), ['Gamma', 'alpha', 'beta']);
        assert.deepEqual(names(await ours({ Name: 'tag:Name', Values: ['g*'] })), []);
        assert.deepEqual(names(await ours({ Name: 'tag:Name', Values: ['G*'] })), ['Gamma']);
      });

      it('ORs the values of one filter and ANDs several filters', async () => {
        assert.deepEqual(names(await ours({ Name: 'tag:Name', Values: ['alpha', 'beta'] })), ['alpha', 'beta']);
        assert.deepEqual(
          names(await ours({ Name: 'tag:Name', Values: ['alpha', 'beta'] }, { Name: 'tag-key', Values: ['tier'] })),
          ['alpha']
        );
      });

      it('filters by tag:<key> (key and value) and tag-key (key alone)', async () => {
        assert.deepEqual(names(await ours({ Name: 'tag:tier', Values: ['db'] })), ['Gamma']);
        assert.deepEqual(names(await ours({ Name: 'tag-key', Values: ['tier'] })), ['Gamma', 'alpha']);
        assert.deepEqual(names(await ours({ Name: 'tag:tier', Values: ['*'] })), ['Gamma', 'alpha']);
      });

      it('filters by is-default, state and owner-id', async () => {
        const defaults = await describeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] });
        assert.deepEqual(
          defaults.map((v) => v.CidrBlock),
          ['172.31.0.0/16']
        );
        assert.deepEqual(names(await ours({ Name: 'is-default', Values: ['false'] })), ['Gamma', 'alpha', 'beta']);
        assert.deepEqual(
          names(await ours({ Name: 'state', Values: ['available'] }, { Name: 'owner-id', Values: [ACCOUNT] })),
          ['Gamma', 'alpha', 'beta']
        );
      });

      it('pages with MaxResults and NextToken, through every VPC exactly once', async () => {
        for (let i = 0; i < 6; i++) await createVpc({ CidrBlock: `10.30.${i * 16}.0/20` });
        const all = await describeVpcs();
        assert.ok(all.length > 10);
        const first = await server.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
        assert.equal(first.Vpcs?.length, 5);
        assert.equal(typeof first.NextToken, 'string');
        const seen: string[] = [];
        for await (const page of paginateDescribeVpcs({ client: server.ec2, pageSize: 5 }, {})) {
          assert.ok((page.Vpcs?.length ?? 0) <= 5);
          seen.push(...(page.Vpcs ?? []).map((v) => v.VpcId!));
        }
        assert.deepEqual(
          seen,
          all.map((v) => v.VpcId)
        );
      });

      it('pages filtered results too', async () => {
        const all = await describeVpcs({ Filters: [{ Name: 'is-default', Values: ['false'] }] });
        const seen: string[] = [];
        for await (const page of paginateDescribeVpcs(
          { client: server.ec2, pageSize: 5 },
          { Filters: [{ Name: 'is-default', Values: ['false'] }] }
        )) {
          seen.push(...(page.Vpcs ?? []).map((v) => v.VpcId!));
        }
        assert.deepEqual(
          seen,
          all.map((v) => v.VpcId)
        );
      });

      it('lets the AWS CLI follow the pages itself', async () => {
        const all = await describeVpcs();
        const result = await server.aws('ec2', 'describe-vpcs', '--page-size', '5');
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(
          result.json.Vpcs.map((v: Vpc) => v.VpcId),
          all.map((v) => v.VpcId)
        );
      });
    });
  });

  describe('DeleteVpc', () => {
    describe('serializations', () => {
      it('answers <return>true</return>', async () => {
        const vpc = await createVpc({ CidrBlock: '10.50.0.0/16' });
        const response = await server.query({ Action: 'DeleteVpc', VpcId: vpc.VpcId! });
        assert.equal(response.status, 200, response.text);
        assert.equal(response.xml.DeleteVpcResponse.return, 'true');
        assert.match(response.xml.DeleteVpcResponse.requestId, /^[0-9a-f-]{36}$/);
      });

      it('answers the AWS CLI with no output', async () => {
        const vpc = await createVpc({ CidrBlock: '10.51.0.0/16' });
        const result = await server.aws('ec2', 'delete-vpc', '--vpc-id', vpc.VpcId!);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout.trim(), '');
      });
    });

    describe('validations', () => {
      it('needs a VpcId', async () => {
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({} as never)),
          'MissingParameter',
          'The request must contain the parameter VpcId'
        );
      });

      it('refuses a malformed or unknown id', async () => {
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: 'vpc' })),
          'InvalidVpcId.Malformed',
          'Invalid id: "vpc" (expecting "vpc-...")'
        );
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: UNKNOWN_VPC })),
          'InvalidVpcID.NotFound',
          `The vpc ID '${UNKNOWN_VPC}' does not exist`
        );
      });

      it('answers DryRun with DryRunOperation (412) and keeps the VPC', async () => {
        const vpc = await createVpc({ CidrBlock: '10.52.0.0/16' });
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId!, DryRun: true })),
          'DryRunOperation',
          DRY_RUN,
          412
        );
        assert.equal((await describeVpcs({ VpcIds: [vpc.VpcId!] })).length, 1);
      });
    });

    describe('functionality', () => {
      it('refuses while subnets remain, then deletes once they are gone', async () => {
        const vpc = await createVpc({ CidrBlock: '10.53.0.0/16' });
        const subnets = [];
        for (const cidr of ['10.53.1.0/24', '10.53.2.0/24']) {
          subnets.push(
            (await server.ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId!, CidrBlock: cidr }))).Subnet!
          );
        }
        const message = `The vpc '${vpc.VpcId}' has dependencies and cannot be deleted.`;
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! })),
          'DependencyViolation',
          message
        );
        assertCliError(await server.aws('ec2', 'delete-vpc', '--vpc-id', vpc.VpcId!), 'DependencyViolation', message);

        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: subnets[0]!.SubnetId! }));
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! })),
          'DependencyViolation',
          message
        );
        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: subnets[1]!.SubnetId! }));

        const deleted = await server.ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! }));
        assert.equal(deleted.$metadata.httpStatusCode, 200);
        await assertSdkError(
          describeVpcs({ VpcIds: [vpc.VpcId!] }),
          'InvalidVpcID.NotFound',
          `The vpc ID '${vpc.VpcId}' does not exist`
        );
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId! })),
          'InvalidVpcID.NotFound',
          `The vpc ID '${vpc.VpcId}' does not exist`
        );
      });

      it('refuses to delete the default VPC while its default subnets remain', async () => {
        const [defaultVpc] = await describeVpcs({ Filters: [{ Name: 'is-default', Values: ['true'] }] });
        await assertSdkError(
          server.ec2.send(new DeleteVpcCommand({ VpcId: defaultVpc!.VpcId! })),
          'DependencyViolation',
          `The vpc '${defaultVpc!.VpcId}' has dependencies and cannot be deleted.`
        );
      });

      it('frees the CIDR of a deleted VPC for subnets of a new one', async () => {
        const first = await createVpc({ CidrBlock: '10.54.0.0/16' });
        await server.ec2.send(new DeleteVpcCommand({ VpcId: first.VpcId! }));
        const second = await createVpc({ CidrBlock: '10.54.0.0/16' });
        const subnet = (
          await server.ec2.send(new CreateSubnetCommand({ VpcId: second.VpcId!, CidrBlock: '10.54.0.0/24' }))
        ).Subnet!;
        assert.equal(subnet.VpcId, second.VpcId);
      });
    });
  });
});
