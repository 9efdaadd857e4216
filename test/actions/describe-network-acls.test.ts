import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeNetworkAclsCommand,
  type DescribeNetworkAclsCommandInput,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type Filter,
  type NetworkAcl,
  paginateDescribeNetworkAcls
} from '@aws-sdk/client-ec2';
import type { Ec2liteConfig } from '../../src/config.js';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import { itPages } from '../helpers/paging-suite.js';
import { type LabSubnet, VpcLab } from '../helpers/vpc-lab.js';

/** DescribeNetworkAcls: a read-only view of each VPC's default network ACL, in three parts as the other actions. */

const ACCOUNT = '123456789012';
const ACL_ID = /^acl-[0-9a-f]{17}$/;
const ACLASSOC_ID = /^aclassoc-[0-9a-f]{17}$/;
const UNKNOWN_ACL = 'acl-0123456789abcdef0';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const notFound = (id: string): string => `The networkAcl ID '${id}' does not exist`;
const malformed = (id: string): string => `Invalid id: "${id}" (expecting "acl-...")`;
const maxResultsText = (value: number): string =>
  `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`;

/** The ids as domain/network-acls.ts derives them, recomputed here so that a change to them is noticed. */
const digits = (seed: string): string => createHash('sha256').update(seed).digest('hex').slice(0, 17);
const aclIdOf = (vpcId: string): string => `acl-${digits(`acl:${vpcId}`)}`;
const associationIdOf = (subnetId: string): string => `aclassoc-${digits(`aclassoc:${subnetId}`)}`;

/** A VPC's default network ACL exactly as EC2 describes one (the AWS CLI's describe-network-acls example). */
function defaultAcl(vpcId: string, subnetIds: readonly string[] = []): NetworkAcl {
  const rule = (Egress: boolean, RuleNumber: number, RuleAction: 'allow' | 'deny') => ({
    CidrBlock: '0.0.0.0/0',
    Egress,
    Protocol: '-1',
    RuleAction,
    RuleNumber
  });
  return {
    Associations: subnetIds.map((SubnetId) => ({
      NetworkAclAssociationId: associationIdOf(SubnetId),
      NetworkAclId: aclIdOf(vpcId),
      SubnetId
    })),
    Entries: [
      rule(true, 100, 'allow'),
      rule(true, 32767, 'deny'),
      rule(false, 100, 'allow'),
      rule(false, 32767, 'deny')
    ],
    IsDefault: true,
    NetworkAclId: aclIdOf(vpcId),
    Tags: [],
    VpcId: vpcId,
    OwnerId: ACCOUNT
  };
}

async function describeWith(server: TestServer, input: DescribeNetworkAclsCommandInput = {}): Promise<NetworkAcl[]> {
  return (await server.ec2.send(new DescribeNetworkAclsCommand(input))).NetworkAcls ?? [];
}

/** The ids of a VPC's subnets, in the order the store lists them. */
async function subnetIdsOf(server: TestServer, vpcId: string): Promise<string[]> {
  const { Subnets } = await server.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })
  );
  return (Subnets ?? []).map((s) => s.SubnetId!);
}

describe('DescribeNetworkAcls', () => {
  let server: TestServer;
  let defaultVpcId: string;
  let defaultSubnetIds: string[];
  /** Two VPCs of this file's own, the first with a subnet and a Name tag, the second with no subnet. */
  let lab: VpcLab;
  let subnet: LabSubnet;
  let otherVpcId: string;
  const describeAcls = (input: DescribeNetworkAclsCommandInput = {}) => describeWith(server, input);
  const aclIds = (acls: readonly NetworkAcl[]) => acls.map((a) => a.NetworkAclId!);
  const labAcl = () => defaultAcl(lab.vpcId, [subnet.id]);
  const otherAcl = () => defaultAcl(otherVpcId);

  before(async () => {
    server = await startTestServer();
    const { Vpcs } = await server.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })
    );
    defaultVpcId = Vpcs![0]!.VpcId!;
    defaultSubnetIds = await subnetIdsOf(server, defaultVpcId);
    lab = await VpcLab.create(server, '10.20.0.0/16');
    subnet = await lab.subnet(24);
    await server.ec2.send(new CreateTagsCommand({ Resources: [lab.vpcId], Tags: [{ Key: 'Name', Value: 'lab' }] }));
    otherVpcId = (await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!.VpcId!;
  });
  after(() => server.close());

  describe('serializations', () => {
    it("shows the SDK the default VPC's ACL with every field, associated with each default subnet", async () => {
      assert.ok(defaultSubnetIds.length > 0);
      const acls = await describeAcls({ Filters: [{ Name: 'vpc-id', Values: [defaultVpcId] }] });
      assert.deepEqual(acls, [defaultAcl(defaultVpcId, defaultSubnetIds)]);
      assert.match(acls[0]!.NetworkAclId!, ACL_ID);
      for (const association of acls[0]!.Associations!) assert.match(association.NetworkAclAssociationId!, ACLASSOC_ID);
    });

    it("shows a new VPC's ACL: EC2's default rules, one association per subnet, untagged", async () => {
      // The VPC's Name tag is not the ACL's.
      assert.deepEqual(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: [lab.vpcId] }] }), [labAcl()]);
      assert.deepEqual(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: [otherVpcId] }] }), [otherAcl()]);
    });

    it('lists one ACL per VPC, in the order of the VPCs, when asked for all', async () => {
      const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
      const acls = await describeAcls();
      assert.deepEqual(
        acls.map((a) => a.VpcId),
        Vpcs!.map((v) => v.VpcId)
      );
      const expected: NetworkAcl[] = [];
      for (const vpc of Vpcs!) expected.push(defaultAcl(vpc.VpcId!, await subnetIdsOf(server, vpc.VpcId!)));
      assert.deepEqual(acls, expected);
    });

    it('writes the XML element names of the EC2 model', async () => {
      const response = await server.query({ Action: 'DescribeNetworkAcls', 'NetworkAclId.1': aclIdOf(lab.vpcId) });
      assert.equal(response.status, 200, response.text);
      const body = response.xml.DescribeNetworkAclsResponse;
      assert.match(body.requestId, /^[0-9a-f-]{36}$/);
      const entry = (egress: string, ruleNumber: string, ruleAction: string) => ({
        cidrBlock: '0.0.0.0/0',
        egress,
        protocol: '-1',
        ruleAction,
        ruleNumber
      });
      assert.deepEqual(items(body.networkAclSet), [
        {
          associationSet: {
            item: {
              networkAclAssociationId: associationIdOf(subnet.id),
              networkAclId: aclIdOf(lab.vpcId),
              subnetId: subnet.id
            }
          },
          entrySet: {
            item: [
              entry('true', '100', 'allow'),
              entry('true', '32767', 'deny'),
              entry('false', '100', 'allow'),
              entry('false', '32767', 'deny')
            ]
          },
          default: 'true',
          networkAclId: aclIdOf(lab.vpcId),
          tagSet: '',
          vpcId: lab.vpcId,
          ownerId: ACCOUNT
        }
      ]);
      assert.match(response.text, /<tagSet\/>/);
      assert.doesNotMatch(response.text, /<nextToken>|<isDefault>|<portRange>|<icmpTypeCode>|<ipv6CidrBlock>/);
    });

    it('writes an empty associationSet for a VPC without subnets', async () => {
      const response = await server.query({ Action: 'DescribeNetworkAcls', 'NetworkAclId.1': aclIdOf(otherVpcId) });
      assert.equal(response.status, 200, response.text);
      assert.equal(items(response.xml.DescribeNetworkAclsResponse.networkAclSet)[0].associationSet, '');
      assert.match(response.text, /<associationSet\/>/);
    });

    it('answers an empty networkAclSet when nothing matches', async () => {
      const response = await server.query({
        Action: 'DescribeNetworkAcls',
        'Filter.1.Name': 'vpc-id',
        'Filter.1.Value.1': 'vpc-0123456789abcdef0'
      });
      assert.equal(response.status, 200, response.text);
      assert.match(response.text, /<networkAclSet\/>/);
    });

    it("answers the AWS CLI with Terraform's query for a VPC's default ACL", async () => {
      const result = await server.aws(
        'ec2',
        'describe-network-acls',
        '--filters',
        'Name=default,Values=true',
        `Name=vpc-id,Values=${lab.vpcId}`
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.json, { NetworkAcls: [labAcl()] });
    });

    it("gives Terraform's aws_vpc exactly one default ACL per VPC, through the paginator", async () => {
      for (const vpcId of [defaultVpcId, lab.vpcId, otherVpcId]) {
        const seen: NetworkAcl[] = [];
        for await (const page of paginateDescribeNetworkAcls(
          { client: server.ec2 },
          {
            Filters: [
              { Name: 'default', Values: ['true'] },
              { Name: 'vpc-id', Values: [vpcId] }
            ]
          }
        )) {
          seen.push(...(page.NetworkAcls ?? []));
        }
        assert.deepEqual(aclIds(seen), [aclIdOf(vpcId)]);
        assert.equal(seen[0]!.IsDefault, true);
      }
    });
  });

  describe('validations', () => {
    it('refuses a malformed id, before looking any id up', async () => {
      for (const bad of ['acl-XYZ', 'acl-', 'acl', 'vpc-0123456789abcdef0', 'aclassoc-0123456789abcdef0', '']) {
        await assertSdkError(describeAcls({ NetworkAclIds: [bad] }), 'InvalidNetworkAclId.Malformed', malformed(bad));
      }
      await assertSdkError(
        describeAcls({ NetworkAclIds: [UNKNOWN_ACL, 'acl-g'] }),
        'InvalidNetworkAclId.Malformed',
        malformed('acl-g')
      );
      assertXmlError(
        await server.query({ Action: 'DescribeNetworkAcls', 'NetworkAclId.1': 'acl-XYZ' }),
        400,
        'InvalidNetworkAclId.Malformed',
        malformed('acl-XYZ')
      );
      assertCliError(
        await server.aws('ec2', 'describe-network-acls', '--network-acl-ids', 'acl-XYZ'),
        'InvalidNetworkAclId.Malformed',
        malformed('acl-XYZ')
      );
    });

    it('refuses an unknown id, quoting it, even next to a known one', async () => {
      await assertSdkError(
        describeAcls({ NetworkAclIds: [UNKNOWN_ACL] }),
        'InvalidNetworkAclID.NotFound',
        notFound(UNKNOWN_ACL)
      );
      await assertSdkError(
        describeAcls({ NetworkAclIds: [aclIdOf(lab.vpcId), UNKNOWN_ACL] }),
        'InvalidNetworkAclID.NotFound',
        notFound(UNKNOWN_ACL)
      );
      assertXmlError(
        await server.query({ Action: 'DescribeNetworkAcls', 'NetworkAclId.1': UNKNOWN_ACL }),
        400,
        'InvalidNetworkAclID.NotFound',
        notFound(UNKNOWN_ACL)
      );
      assertCliError(
        await server.aws('ec2', 'describe-network-acls', '--network-acl-ids', UNKNOWN_ACL),
        'InvalidNetworkAclID.NotFound',
        notFound(UNKNOWN_ACL)
      );
    });

    it("refuses a VPC's route table id or an association id as a network ACL id", async () => {
      const associationId = associationIdOf(subnet.id);
      await assertSdkError(
        describeAcls({ NetworkAclIds: [associationId] }),
        'InvalidNetworkAclId.Malformed',
        malformed(associationId)
      );
      // Well-formed but never an ACL: the digits of another derivation.
      const lookalike = `acl-${digits(`rtb:${lab.vpcId}`)}`;
      await assertSdkError(
        describeAcls({ NetworkAclIds: [lookalike] }),
        'InvalidNetworkAclID.NotFound',
        notFound(lookalike)
      );
    });

    for (const max of [4, 1001, 0, -1]) {
      it(`refuses MaxResults ${max}: it runs from 5 to 1000`, async () => {
        await assertSdkError(describeAcls({ MaxResults: max }), 'InvalidParameterValue', maxResultsText(max));
      });
    }

    it('refuses MaxResults out of range on the Query face and in the AWS CLI too', async () => {
      assertXmlError(
        await server.query({ Action: 'DescribeNetworkAcls', MaxResults: 1001 }),
        400,
        'InvalidParameterValue',
        maxResultsText(1001)
      );
      // The CLI checks only the lower bound itself, so it sends the upper one on.
      assertCliError(
        await server.aws('ec2', 'describe-network-acls', '--page-size', '1001'),
        'InvalidParameterValue',
        maxResultsText(1001)
      );
    });

    it('refuses a NextToken it did not issue', async () => {
      await assertSdkError(
        describeAcls({ NextToken: 'not-a-token' }),
        'InvalidParameterValue',
        'Value ( not-a-token ) for parameter NextToken is invalid. The token is invalid.'
      );
    });

    it('refuses an unknown filter name', async () => {
      await assertSdkError(
        describeAcls({ Filters: [{ Name: 'subnet-id', Values: [subnet.id] }] }),
        'InvalidParameterValue',
        "The filter 'subnet-id' is invalid"
      );
      await assertSdkError(
        describeAcls({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
        'InvalidParameterValue',
        "The filter 'is-default' is invalid"
      );
    });

    it('answers a dry run with DryRunOperation (412), and still checks the ids first', async () => {
      await assertSdkError(describeAcls({ DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      await assertSdkError(
        describeAcls({ DryRun: true, NetworkAclIds: [aclIdOf(lab.vpcId)] }),
        'DryRunOperation',
        DRY_RUN,
        412
      );
      assertXmlError(
        await server.query({ Action: 'DescribeNetworkAcls', DryRun: true }),
        412,
        'DryRunOperation',
        DRY_RUN
      );
      assertCliError(await server.aws('ec2', 'describe-network-acls', '--dry-run'), 'DryRunOperation', DRY_RUN);
      await assertSdkError(
        describeAcls({ DryRun: true, NetworkAclIds: [UNKNOWN_ACL] }),
        'InvalidNetworkAclID.NotFound',
        notFound(UNKNOWN_ACL)
      );
      await assertSdkError(
        describeAcls({ DryRun: true, NetworkAclIds: ['acl-XYZ'] }),
        'InvalidNetworkAclId.Malformed',
        malformed('acl-XYZ')
      );
    });
  });

  describe('functionality', () => {
    describe('filters', () => {
      const ours = (): string[] => [lab.vpcId, otherVpcId];
      /** ACLs of this file's two VPCs that also match `filter`. */
      const matching = async (filter: Filter): Promise<string[]> =>
        aclIds(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: ours() }, filter] }));
      const lab1 = () => aclIdOf(lab.vpcId);
      const other = () => aclIdOf(otherVpcId);
      const both = () => [lab1(), other()];
      const none = (): string[] => [];

      /** Filter name, what its values are, the values (known once the VPCs exist) and the ACLs expected. */
      const cases: [string, string, () => string[], () => string[]][] = [
        [
          'association.association-id',
          "the lab subnet's association",
          () => [associationIdOf(subnet.id)],
          () => [lab1()]
        ],
        ['association.association-id', 'aclassoc-*', () => ['aclassoc-*'], () => [lab1()]],
        ['association.association-id', 'an unknown association', () => ['aclassoc-0123456789abcdef0'], none],
        // Only an ACL with an association names itself in one: the lab's, not the subnet-less VPC's.
        ['association.network-acl-id', "the lab's ACL", () => [lab1()], () => [lab1()]],
        ['association.network-acl-id', "the other VPC's ACL", () => [other()], none],
        ['association.network-acl-id', 'acl-*', () => ['acl-*'], () => [lab1()]],
        ['association.subnet-id', 'the lab subnet', () => [subnet.id], () => [lab1()]],
        ['association.subnet-id', 'subnet-*', () => ['subnet-*'], () => [lab1()]],
        ['default', 'true', () => ['true'], both],
        ['default', 'false', () => ['false'], none],
        ['entry.cidr', '0.0.0.0/0', () => ['0.0.0.0/0'], both],
        ['entry.cidr', "a VPC's CIDR", () => ['10.20.0.0/16'], none],
        ['entry.icmp.code', '*', () => ['*'], none],
        ['entry.icmp.type', '*', () => ['*'], none],
        ['entry.ipv6-cidr', '::/0', () => ['::/0'], none],
        ['entry.ipv6-cidr', '*', () => ['*'], none],
        ['entry.port-range.from', '*', () => ['*'], none],
        ['entry.port-range.to', '*', () => ['*'], none],
        ['entry.protocol', '-1', () => ['-1'], both],
        ['entry.protocol', 'tcp, 6', () => ['tcp', '6'], none],
        ['entry.rule-action', 'allow', () => ['allow'], both],
        ['entry.rule-action', 'deny', () => ['deny'], both],
        ['entry.rule-action', 'reject', () => ['reject'], none],
        ['entry.egress', 'true', () => ['true'], both],
        ['entry.egress', 'false', () => ['false'], both],
        ['entry.egress', 'True', () => ['True'], none],
        ['entry.rule-number', '100', () => ['100'], both],
        ['entry.rule-number', '32767', () => ['32767'], both],
        ['entry.rule-number', '200', () => ['200'], none],
        ['network-acl-id', 'an ACL id', () => [other()], () => [other()]],
        ['network-acl-id', 'acl-*', () => ['acl-*'], both],
        ['network-acl-id', 'an unknown id', () => [UNKNOWN_ACL], none],
        ['owner-id', 'the account', () => [ACCOUNT], both],
        ['owner-id', 'another account', () => ['210987654321'], none],
        // The VPC's Name tag is not the ACL's: ACLs are untagged.
        ['tag:Name', "the VPC's Name", () => ['lab'], none],
        ['tag:Name', '*', () => ['*'], none],
        ['tag-key', '*', () => ['*'], none]
      ];
      for (const [name, label, values, expected] of cases) {
        it(`${name} = ${label}`, async () => {
          assert.deepEqual(await matching({ Name: name, Values: values() }), expected());
        });
      }

      it('vpc-id names the VPCs, OR-ing its values', async () => {
        assert.deepEqual(aclIds(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: [lab.vpcId] }] })), [
          aclIdOf(lab.vpcId)
        ]);
        assert.deepEqual(aclIds(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: ours() }] })), both());
        assert.deepEqual(aclIds(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: ['vpc-*'] }] })), [
          ...aclIds(await describeAcls())
        ]);
      });

      it('AND-s filters with each other and with NetworkAclId.N', async () => {
        assert.deepEqual(await matching({ Name: 'association.subnet-id', Values: [subnet.id, ...defaultSubnetIds] }), [
          lab1()
        ]);
        const byIds = await describeAcls({
          NetworkAclIds: [aclIdOf(defaultVpcId), other(), lab1()],
          Filters: [
            { Name: 'association.subnet-id', Values: ['subnet-*'] },
            { Name: 'owner-id', Values: [ACCOUNT] }
          ]
        });
        assert.deepEqual(aclIds(byIds), [aclIdOf(defaultVpcId), lab1()]);
      });

      it('answers the AWS CLI with the filters Terraform uses', async () => {
        // aws_network_acl_rule reads a rule by ACL id, rule number and direction.
        const byRule = await server.aws(
          'ec2',
          'describe-network-acls',
          '--network-acl-ids',
          lab1(),
          '--filters',
          'Name=entry.rule-number,Values=100',
          'Name=entry.egress,Values=true'
        );
        assert.equal(byRule.code, 0, byRule.stderr);
        assert.deepEqual(byRule.json, { NetworkAcls: [labAcl()] });
        // aws_network_acl_association and aws_subnet look a subnet's ACL up by its subnet.
        const bySubnet = await server.aws(
          'ec2',
          'describe-network-acls',
          '--filters',
          `Name=association.subnet-id,Values=${subnet.id}`
        );
        assert.equal(bySubnet.code, 0, bySubnet.stderr);
        assert.deepEqual(bySubnet.json, { NetworkAcls: [labAcl()] });
      });
    });

    describe('associations', () => {
      it('follow the subnets of the VPC: a new subnet is associated, a deleted one no longer', async () => {
        const vpcId = (await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.23.0.0/16' }))).Vpc!.VpcId!;
        const aclId = aclIdOf(vpcId);
        assert.deepEqual(await describeAcls({ NetworkAclIds: [aclId] }), [defaultAcl(vpcId)]);
        const create = async (cidr: string): Promise<string> =>
          (
            await server.ec2.send(
              new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1b' })
            )
          ).Subnet!.SubnetId!;
        const first = await create('10.23.1.0/24');
        const second = await create('10.23.2.0/24');
        assert.deepEqual(await describeAcls({ NetworkAclIds: [aclId] }), [defaultAcl(vpcId, [first, second])]);
        assert.deepEqual(
          aclIds(await describeAcls({ Filters: [{ Name: 'association.subnet-id', Values: [second] }] })),
          [aclId]
        );

        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: first }));
        assert.deepEqual(await describeAcls({ NetworkAclIds: [aclId] }), [defaultAcl(vpcId, [second])]);
        assert.deepEqual(await describeAcls({ Filters: [{ Name: 'association.subnet-id', Values: [first] }] }), []);
        assert.deepEqual(
          await describeAcls({ Filters: [{ Name: 'association.association-id', Values: [associationIdOf(first)] }] }),
          []
        );
        await server.ec2.send(new DeleteSubnetCommand({ SubnetId: second }));
        assert.deepEqual(await describeAcls({ NetworkAclIds: [aclId] }), [defaultAcl(vpcId)]);
        await server.ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
      });

      it('give each subnet an association id of its own, distinct from every ACL id', async () => {
        const acls = await describeAcls();
        const associationIds = acls.flatMap((a) => a.Associations!.map((s) => s.NetworkAclAssociationId!));
        const subnetIds = acls.flatMap((a) => a.Associations!.map((s) => s.SubnetId!));
        assert.equal(new Set(subnetIds).size, subnetIds.length);
        assert.equal(new Set(associationIds).size, subnetIds.length);
        const allDigits = [
          ...associationIds.map((id) => id.slice('aclassoc-'.length)),
          ...aclIds(acls).map((id) => id.slice('acl-'.length))
        ];
        assert.equal(new Set(allDigits).size, associationIds.length + acls.length);
      });
    });

    describe('ids', () => {
      it('answers NetworkAclId.N with those ACLs, in the order of the VPCs', async () => {
        const acls = await describeAcls({ NetworkAclIds: [aclIdOf(otherVpcId), aclIdOf(lab.vpcId)] });
        assert.deepEqual(acls, [labAcl(), otherAcl()]);
        const result = await server.aws(
          'ec2',
          'describe-network-acls',
          '--network-acl-ids',
          aclIdOf(defaultVpcId),
          aclIdOf(defaultVpcId)
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.json, { NetworkAcls: [defaultAcl(defaultVpcId, defaultSubnetIds)] });
      });

      it('takes NetworkAclId.N together with MaxResults: the API reference does not forbid it', async () => {
        const acls = await describeAcls({ NetworkAclIds: [aclIdOf(lab.vpcId), aclIdOf(otherVpcId)], MaxResults: 5 });
        assert.deepEqual(aclIds(acls), [aclIdOf(lab.vpcId), aclIdOf(otherVpcId)]);
      });

      it('gives each VPC an ACL id of its own, unlike its main route table id', async () => {
        const acls = await describeAcls();
        assert.equal(new Set(aclIds(acls)).size, acls.length);
        const { RouteTables } = await server.ec2.send(new DescribeRouteTablesCommand({}));
        const tableDigits = new Set(RouteTables!.map((t) => t.RouteTableId!.slice('rtb-'.length)));
        for (const id of aclIds(acls)) assert.ok(!tableDigits.has(id.slice('acl-'.length)), id);
      });

      it("drops a deleted VPC's ACL", async () => {
        const vpcId = (await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.22.0.0/16' }))).Vpc!.VpcId!;
        assert.deepEqual(await describeAcls({ NetworkAclIds: [aclIdOf(vpcId)] }), [defaultAcl(vpcId)]);
        await server.ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
        await assertSdkError(
          describeAcls({ NetworkAclIds: [aclIdOf(vpcId)] }),
          'InvalidNetworkAclID.NotFound',
          notFound(aclIdOf(vpcId))
        );
        assert.deepEqual(await describeAcls({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), []);
        assert.ok(!aclIds(await describeAcls()).includes(aclIdOf(vpcId)));
      });
    });

    describe('paging', () => {
      before(async () => {
        for (let i = 0; i < 6; i++) await server.ec2.send(new CreateVpcCommand({ CidrBlock: `10.30.${i * 16}.0/20` }));
      });

      itPages({
        server: () => server,
        page: async (input) => {
          const answer = await server.ec2.send(new DescribeNetworkAclsCommand(input));
          return { items: answer.NetworkAcls, nextToken: answer.NextToken };
        },
        idOf: (item) => item.NetworkAclId!,
        maxResults: 1000,
        filters: [{ Name: 'default', Values: ['true'] }],
        cli: ['describe-network-acls', 'NetworkAcls']
      });
    });
  });
});

describe('DescribeNetworkAcls across a restart', () => {
  let dataDir: string;
  const options = (): Partial<Ec2liteConfig> => ({ ephemeral: false, dataDir });

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-network-acls-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the same ACLs and ids after a restart on the same data folder', async () => {
    const first = await startTestServer(options());
    let before1: NetworkAcl[];
    let vpcId: string;
    let subnetId: string;
    try {
      vpcId = (await first.ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
      subnetId = (await first.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24' }))).Subnet!
        .SubnetId!;
      before1 = await describeWith(first);
      assert.equal(before1.length, 2);
    } finally {
      await first.close();
    }
    const second = await startTestServer(options());
    try {
      assert.deepEqual(await describeWith(second), before1);
      assert.deepEqual(await describeWith(second, { NetworkAclIds: [aclIdOf(vpcId)] }), [
        defaultAcl(vpcId, [subnetId])
      ]);
    } finally {
      await second.close();
    }
  });
});
