import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteVpcCommand,
  DescribeRouteTablesCommand,
  type DescribeRouteTablesCommandInput,
  DescribeVpcsCommand,
  type Filter,
  type RouteTable,
  paginateDescribeRouteTables
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

/** DescribeRouteTables: a read-only view of each VPC's main route table, in three parts as the other actions. */

const ACCOUNT = '123456789012';
const RTB_ID = /^rtb-[0-9a-f]{17}$/;
const RTBASSOC_ID = /^rtbassoc-[0-9a-f]{17}$/;
const UNKNOWN_RTB = 'rtb-0123456789abcdef0';
const DRY_RUN = 'Request would have succeeded, but DryRun flag is set.';
const notFound = (id: string): string => `The routeTable ID '${id}' does not exist`;
const malformed = (id: string): string => `Invalid id: "${id}" (expecting "rtb-...")`;
const maxResultsText = (value: number): string =>
  `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 100.`;

/** The ids as domain/route-tables.ts derives them, recomputed here so that a change to them is noticed. */
const digits = (seed: string): string => createHash('sha256').update(seed).digest('hex').slice(0, 17);
const tableIdOf = (vpcId: string): string => `rtb-${digits(`rtb:${vpcId}`)}`;
const associationIdOf = (vpcId: string): string => `rtbassoc-${digits(`rtbassoc:${vpcId}`)}`;

/** A VPC's main route table exactly as EC2 describes one of a new VPC. */
function mainTable(vpcId: string, cidr: string): RouteTable {
  return {
    Associations: [
      {
        Main: true,
        RouteTableAssociationId: associationIdOf(vpcId),
        RouteTableId: tableIdOf(vpcId),
        AssociationState: { State: 'associated' }
      }
    ],
    PropagatingVgws: [],
    RouteTableId: tableIdOf(vpcId),
    Routes: [{ DestinationCidrBlock: cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }],
    Tags: [],
    VpcId: vpcId,
    OwnerId: ACCOUNT
  };
}

async function describeWith(server: TestServer, input: DescribeRouteTablesCommandInput = {}): Promise<RouteTable[]> {
  return (await server.ec2.send(new DescribeRouteTablesCommand(input))).RouteTables ?? [];
}

describe('DescribeRouteTables', () => {
  let server: TestServer;
  let defaultVpcId: string;
  /** Two VPCs of this file's own, the first with a subnet and a Name tag. */
  let lab: VpcLab;
  let subnet: LabSubnet;
  let otherVpcId: string;
  const describeTables = (input: DescribeRouteTablesCommandInput = {}) => describeWith(server, input);
  const tableIds = (tables: readonly RouteTable[]) => tables.map((t) => t.RouteTableId!);

  before(async () => {
    server = await startTestServer();
    const { Vpcs } = await server.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })
    );
    defaultVpcId = Vpcs![0]!.VpcId!;
    lab = await VpcLab.create(server, '10.20.0.0/16');
    subnet = await lab.subnet(24);
    await server.ec2.send(new CreateTagsCommand({ Resources: [lab.vpcId], Tags: [{ Key: 'Name', Value: 'lab' }] }));
    otherVpcId = (await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!.VpcId!;
  });
  after(() => server.close());

  describe('serializations', () => {
    it("shows the SDK the default VPC's main route table with every field", async () => {
      const tables = await describeTables({ Filters: [{ Name: 'vpc-id', Values: [defaultVpcId] }] });
      assert.deepEqual(tables, [mainTable(defaultVpcId, '172.31.0.0/16')]);
      assert.match(tables[0]!.RouteTableId!, RTB_ID);
      assert.match(tables[0]!.Associations![0]!.RouteTableAssociationId!, RTBASSOC_ID);
    });

    it("shows a new VPC's main route table: its CIDR's local route, no subnet on the main association", async () => {
      const tables = await describeTables({ Filters: [{ Name: 'vpc-id', Values: [lab.vpcId] }] });
      // The VPC's subnet and Name tag appear nowhere: the subnet is associated implicitly, the table untagged.
      assert.deepEqual(tables, [mainTable(lab.vpcId, '10.20.0.0/16')]);
    });

    it('lists one table per VPC, in the order of the VPCs, when asked for all', async () => {
      const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
      const tables = await describeTables();
      assert.deepEqual(
        tables.map((t) => t.VpcId),
        Vpcs!.map((v) => v.VpcId)
      );
      assert.deepEqual(
        tables,
        Vpcs!.map((v) => mainTable(v.VpcId!, v.CidrBlock!))
      );
    });

    it('writes the XML element names of the EC2 model', async () => {
      const response = await server.query({ Action: 'DescribeRouteTables', 'RouteTableId.1': tableIdOf(lab.vpcId) });
      assert.equal(response.status, 200, response.text);
      const body = response.xml.DescribeRouteTablesResponse;
      assert.match(body.requestId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(items(body.routeTableSet), [
        {
          associationSet: {
            item: {
              main: 'true',
              routeTableAssociationId: associationIdOf(lab.vpcId),
              routeTableId: tableIdOf(lab.vpcId),
              associationState: { state: 'associated' }
            }
          },
          propagatingVgwSet: '',
          routeTableId: tableIdOf(lab.vpcId),
          routeSet: {
            item: {
              destinationCidrBlock: '10.20.0.0/16',
              gatewayId: 'local',
              origin: 'CreateRouteTable',
              state: 'active'
            }
          },
          tagSet: '',
          vpcId: lab.vpcId,
          ownerId: ACCOUNT
        }
      ]);
      assert.match(response.text, /<propagatingVgwSet\/>/);
      assert.match(response.text, /<tagSet\/>/);
      assert.doesNotMatch(response.text, /<subnetId>|<nextToken>/);
    });

    it('answers an empty routeTableSet when nothing matches', async () => {
      const response = await server.query({
        Action: 'DescribeRouteTables',
        'Filter.1.Name': 'vpc-id',
        'Filter.1.Value.1': 'vpc-0123456789abcdef0'
      });
      assert.equal(response.status, 200, response.text);
      assert.match(response.text, /<routeTableSet\/>/);
    });

    it('answers the AWS CLI with a vpc-id filter', async () => {
      const result = await server.aws('ec2', 'describe-route-tables', '--filters', `Name=vpc-id,Values=${otherVpcId}`);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.json, { RouteTables: [mainTable(otherVpcId, '10.21.0.0/16')] });
    });

    it('gives what the Cilium operator reads: RouteTableId, VpcId and associated subnets, through the paginator', async () => {
      const seen: RouteTable[] = [];
      for await (const page of paginateDescribeRouteTables(
        { client: server.ec2 },
        { Filters: [{ Name: 'vpc-id', Values: [lab.vpcId] }] }
      )) {
        seen.push(...(page.RouteTables ?? []));
      }
      assert.equal(seen.length, 1);
      const [table] = seen;
      assert.equal(table!.RouteTableId, tableIdOf(lab.vpcId));
      assert.equal(table!.VpcId, lab.vpcId);
      const associated = table!.Associations!.filter((a) => a.AssociationState?.State === 'associated');
      assert.deepEqual(
        associated.map((a) => a.SubnetId),
        [undefined]
      );
    });
  });

  describe('validations', () => {
    it('refuses a malformed id, before looking any id up', async () => {
      for (const bad of ['rtb-XYZ', 'rtb-', 'rtb', 'vpc-0123456789abcdef0', 'rtbassoc-0123456789abcdef0', '']) {
        await assertSdkError(describeTables({ RouteTableIds: [bad] }), 'InvalidRouteTableId.Malformed', malformed(bad));
      }
      await assertSdkError(
        describeTables({ RouteTableIds: [UNKNOWN_RTB, 'rtb-g'] }),
        'InvalidRouteTableId.Malformed',
        malformed('rtb-g')
      );
      assertXmlError(
        await server.query({ Action: 'DescribeRouteTables', 'RouteTableId.1': 'rtb-XYZ' }),
        400,
        'InvalidRouteTableId.Malformed',
        malformed('rtb-XYZ')
      );
      assertCliError(
        await server.aws('ec2', 'describe-route-tables', '--route-table-ids', 'rtb-XYZ'),
        'InvalidRouteTableId.Malformed',
        malformed('rtb-XYZ')
      );
    });

    it('refuses an unknown id, quoting it, even next to a known one', async () => {
      await assertSdkError(
        describeTables({ RouteTableIds: [UNKNOWN_RTB] }),
        'InvalidRouteTableID.NotFound',
        notFound(UNKNOWN_RTB)
      );
      await assertSdkError(
        describeTables({ RouteTableIds: [tableIdOf(lab.vpcId), UNKNOWN_RTB] }),
        'InvalidRouteTableID.NotFound',
        notFound(UNKNOWN_RTB)
      );
      assertXmlError(
        await server.query({ Action: 'DescribeRouteTables', 'RouteTableId.1': UNKNOWN_RTB }),
        400,
        'InvalidRouteTableID.NotFound',
        notFound(UNKNOWN_RTB)
      );
      assertCliError(
        await server.aws('ec2', 'describe-route-tables', '--route-table-ids', UNKNOWN_RTB),
        'InvalidRouteTableID.NotFound',
        notFound(UNKNOWN_RTB)
      );
    });

    for (const max of [4, 101, 0, -1]) {
      it(`refuses MaxResults ${max}: it runs from 5 to 100`, async () => {
        await assertSdkError(describeTables({ MaxResults: max }), 'InvalidParameterValue', maxResultsText(max));
      });
    }

    it('refuses a NextToken it did not issue', async () => {
      await assertSdkError(
        describeTables({ NextToken: 'not-a-token' }),
        'InvalidParameterValue',
        'Value ( not-a-token ) for parameter NextToken is invalid. The token is invalid.'
      );
    });

    it('refuses an unknown filter name', async () => {
      await assertSdkError(
        describeTables({ Filters: [{ Name: 'subnet-id', Values: [subnet.id] }] }),
        'InvalidParameterValue',
        "The filter 'subnet-id' is invalid"
      );
    });

    it('answers a dry run with DryRunOperation (412), and still checks the ids first', async () => {
      await assertSdkError(describeTables({ DryRun: true }), 'DryRunOperation', DRY_RUN, 412);
      await assertSdkError(
        describeTables({ DryRun: true, RouteTableIds: [tableIdOf(lab.vpcId)] }),
        'DryRunOperation',
        DRY_RUN,
        412
      );
      assertXmlError(
        await server.query({ Action: 'DescribeRouteTables', DryRun: true }),
        412,
        'DryRunOperation',
        DRY_RUN
      );
      assertCliError(await server.aws('ec2', 'describe-route-tables', '--dry-run'), 'DryRunOperation', DRY_RUN);
      await assertSdkError(
        describeTables({ DryRun: true, RouteTableIds: [UNKNOWN_RTB] }),
        'InvalidRouteTableID.NotFound',
        notFound(UNKNOWN_RTB)
      );
    });
  });

  describe('functionality', () => {
    describe('filters', () => {
      const ours = (): string[] => [lab.vpcId, otherVpcId];
      /** Tables of this file's two VPCs that also match `filter`. */
      const matching = async (filter: Filter): Promise<string[]> =>
        tableIds(await describeTables({ Filters: [{ Name: 'vpc-id', Values: ours() }, filter] }));
      const lab1 = () => tableIdOf(lab.vpcId);
      const other = () => tableIdOf(otherVpcId);
      const both = () => [lab1(), other()];
      const none = (): string[] => [];

      /** Filter name, what its values are, the values (known once the VPCs exist) and the tables expected. */
      const cases: [string, string, () => string[], () => string[]][] = [
        ['association.main', 'true', () => ['true'], both],
        ['association.main', 'false', () => ['false'], none],
        [
          'association.route-table-association-id',
          'an association id',
          () => [associationIdOf(otherVpcId)],
          () => [other()]
        ],
        ['association.route-table-association-id', 'rtbassoc-*', () => ['rtbassoc-*'], both],
        ['association.route-table-id', 'a table id', () => [lab1()], () => [lab1()]],
        // Implicit associations carry no subnet id, so a subnet filter never matches a main table.
        ['association.subnet-id', 'a subnet of the VPC', () => [subnet.id], none],
        ['association.subnet-id', '*', () => ['*'], none],
        ['association.gateway-id', '*', () => ['*'], none],
        ['owner-id', 'the account', () => [ACCOUNT], both],
        ['owner-id', 'another account', () => ['210987654321'], none],
        ['route-table-id', 'a table id', () => [other()], () => [other()]],
        ['route-table-id', 'rtb-*', () => ['rtb-*'], both],
        ['route-table-id', 'an unknown id', () => [UNKNOWN_RTB], none],
        ['route.destination-cidr-block', "a VPC's CIDR", () => ['10.21.0.0/16'], () => [other()]],
        ['route.destination-cidr-block', '10.2?.0.0/16', () => ['10.2?.0.0/16'], both],
        ['route.destination-cidr-block', 'a subnet of a VPC', () => ['10.20.0.0/24'], none],
        ['route.gateway-id', 'local', () => ['local'], both],
        ['route.gateway-id', 'igw-*', () => ['igw-*'], none],
        ['route.origin', 'CreateRouteTable', () => ['CreateRouteTable'], both],
        ['route.origin', 'CreateRoute', () => ['CreateRoute'], none],
        ['route.state', 'active', () => ['active'], both],
        ['route.state', 'blackhole', () => ['blackhole'], none],
        ['route.nat-gateway-id', '*', () => ['*'], none],
        ['route.destination-ipv6-cidr-block', '*', () => ['*'], none],
        // The VPC's Name tag is not the table's: route tables are untagged.
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
        assert.deepEqual(tableIds(await describeTables({ Filters: [{ Name: 'vpc-id', Values: [lab.vpcId] }] })), [
          tableIdOf(lab.vpcId)
        ]);
        assert.deepEqual(tableIds(await describeTables({ Filters: [{ Name: 'vpc-id', Values: ours() }] })), [
          tableIdOf(lab.vpcId),
          tableIdOf(otherVpcId)
        ]);
      });

      it('AND-s filters with each other and with RouteTableId.N', async () => {
        assert.deepEqual(
          await matching({ Name: 'route.destination-cidr-block', Values: ['10.20.0.0/16', '172.31.0.0/16'] }),
          [tableIdOf(lab.vpcId)]
        );
        const byIds = await describeTables({
          RouteTableIds: [tableIdOf(defaultVpcId), tableIdOf(otherVpcId)],
          Filters: [{ Name: 'route.destination-cidr-block', Values: ['172.31.0.0/16'] }]
        });
        assert.deepEqual(tableIds(byIds), [tableIdOf(defaultVpcId)]);
      });

      it('answers the AWS CLI with the filters other tools use', async () => {
        const bySubnet = await server.aws(
          'ec2',
          'describe-route-tables',
          '--filters',
          `Name=association.subnet-id,Values=${subnet.id}`
        );
        assert.equal(bySubnet.code, 0, bySubnet.stderr);
        assert.deepEqual(bySubnet.json, { RouteTables: [] });
        const byId = await server.aws(
          'ec2',
          'describe-route-tables',
          '--filters',
          `Name=route-table-id,Values=${tableIdOf(lab.vpcId)}`,
          `Name=association.main,Values=true`
        );
        assert.equal(byId.code, 0, byId.stderr);
        assert.deepEqual(byId.json, { RouteTables: [mainTable(lab.vpcId, '10.20.0.0/16')] });
      });
    });

    describe('ids', () => {
      it('answers RouteTableId.N with those tables, in the order of the VPCs', async () => {
        const tables = await describeTables({ RouteTableIds: [tableIdOf(otherVpcId), tableIdOf(lab.vpcId)] });
        assert.deepEqual(tables, [mainTable(lab.vpcId, '10.20.0.0/16'), mainTable(otherVpcId, '10.21.0.0/16')]);
        const result = await server.aws(
          'ec2',
          'describe-route-tables',
          '--route-table-ids',
          tableIdOf(defaultVpcId),
          tableIdOf(defaultVpcId)
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.json, { RouteTables: [mainTable(defaultVpcId, '172.31.0.0/16')] });
      });

      it('takes RouteTableId.N together with MaxResults: the API reference does not forbid it', async () => {
        const tables = await describeTables({
          RouteTableIds: [tableIdOf(lab.vpcId), tableIdOf(otherVpcId)],
          MaxResults: 5
        });
        assert.deepEqual(tableIds(tables), [tableIdOf(lab.vpcId), tableIdOf(otherVpcId)]);
      });

      it('gives each VPC table and association ids of their own', async () => {
        const tables = await describeTables();
        const ids = tables.flatMap((t) => [t.RouteTableId!, t.Associations![0]!.RouteTableAssociationId!]);
        assert.equal(new Set(ids).size, tables.length * 2);
        const tableDigits = tables.map((t) => t.RouteTableId!.slice('rtb-'.length));
        const associationDigits = tables.map((t) => t.Associations![0]!.RouteTableAssociationId!.slice(9));
        assert.equal(new Set([...tableDigits, ...associationDigits]).size, tables.length * 2);
      });

      it("drops a deleted VPC's table", async () => {
        const vpcId = (await server.ec2.send(new CreateVpcCommand({ CidrBlock: '10.22.0.0/16' }))).Vpc!.VpcId!;
        assert.deepEqual(await describeTables({ RouteTableIds: [tableIdOf(vpcId)] }), [
          mainTable(vpcId, '10.22.0.0/16')
        ]);
        await server.ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
        await assertSdkError(
          describeTables({ RouteTableIds: [tableIdOf(vpcId)] }),
          'InvalidRouteTableID.NotFound',
          notFound(tableIdOf(vpcId))
        );
        assert.deepEqual(await describeTables({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), []);
        assert.ok(!tableIds(await describeTables()).includes(tableIdOf(vpcId)));
      });
    });

    describe('paging', () => {
      before(async () => {
        for (let i = 0; i < 6; i++) await server.ec2.send(new CreateVpcCommand({ CidrBlock: `10.30.${i * 16}.0/20` }));
      });

      itPages({
        server: () => server,
        page: async (input) => {
          const answer = await server.ec2.send(new DescribeRouteTablesCommand(input));
          return { items: answer.RouteTables, nextToken: answer.NextToken };
        },
        idOf: (item) => item.RouteTableId!,
        maxResults: 100,
        filters: [{ Name: 'route.destination-cidr-block', Values: ['10.*'] }],
        cli: ['describe-route-tables', 'RouteTables']
      });
    });
  });
});

describe('DescribeRouteTables across a restart', () => {
  let dataDir: string;
  const options = (): Partial<Ec2liteConfig> => ({ ephemeral: false, dataDir });

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-route-tables-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the same tables and ids after a restart on the same data folder', async () => {
    const first = await startTestServer(options());
    let before1: RouteTable[];
    let vpcId: string;
    try {
      vpcId = (await first.ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
      before1 = await describeWith(first);
      assert.equal(before1.length, 2);
    } finally {
      await first.close();
    }
    const second = await startTestServer(options());
    try {
      assert.deepEqual(await describeWith(second), before1);
      assert.deepEqual(await describeWith(second, { RouteTableIds: [tableIdOf(vpcId)] }), [
        mainTable(vpcId, '10.40.0.0/16')
      ]);
    } finally {
      await second.close();
    }
  });
});
