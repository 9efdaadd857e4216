import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteVpcCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ReleaseAddressCommand,
  RunInstancesCommand
} from '@aws-sdk/client-ec2';
import { checkDataFolder } from '../../src/store/check.js';
import { control } from '../helpers/control.js';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';
import { imdsValue, metadataEndpoints } from '../helpers/imds.js';
import { MISSING_POSTGRES, dropSchema, freshSchemaName, postgresUrl } from '../helpers/postgres.js';

/**
 * Accounts and regions are isolated (store/partitions.ts): another account's or region's resources answer
 * NotFound exactly as if they did not exist, each starts with a default VPC of its own, and the same CIDRs,
 * addresses and ClientTokens mean nothing across them. In open mode a 12-digit access key is that account.
 */

const ALICE = '111122223333';
const BOB = '444455556666';

function as(server: TestServer, accountId: string, region = 'us-east-1'): EC2Client {
  return new EC2Client({
    endpoint: server.url,
    region,
    credentials: { accessKeyId: accountId, secretAccessKey: 'any' },
    maxAttempts: 1
  });
}

async function defaultVpc(client: EC2Client): Promise<{ vpcId: string; ownerId: string; zones: string[] }> {
  const { Vpcs } = await client.send(new DescribeVpcsCommand({}));
  const vpc = Vpcs?.find((v) => v.IsDefault);
  assert.ok(vpc?.VpcId && vpc.OwnerId);
  const { Subnets } = await client.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId] }] })
  );
  return { vpcId: vpc.VpcId, ownerId: vpc.OwnerId, zones: (Subnets ?? []).map((s) => s.AvailabilityZone!).sort() };
}

/** A VPC with one subnet and one interface in it, as `client`'s account. */
async function lab(client: EC2Client, cidr = '10.0.0.0/16', subnetCidr = '10.0.0.0/24') {
  const { Vpc } = await client.send(new CreateVpcCommand({ CidrBlock: cidr }));
  const { Subnet } = await client.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: subnetCidr }));
  const { NetworkInterface } = await client.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnet!.SubnetId! }));
  return { vpcId: Vpc!.VpcId!, subnetId: Subnet!.SubnetId!, eniId: NetworkInterface!.NetworkInterfaceId! };
}

describe('accounts and regions are isolated', () => {
  let server: TestServer;
  let alice: EC2Client;
  let bob: EC2Client;
  let aliceWest: EC2Client;

  before(async () => {
    server = await startTestServer({ placement: 'lowest' });
    alice = as(server, ALICE);
    bob = as(server, BOB);
    aliceWest = as(server, ALICE, 'us-west-2');
  });
  after(async () => {
    for (const client of [alice, bob, aliceWest]) client.destroy();
    await server.close();
  });

  it('gives each account and region a default VPC of its own, with the region’s zones', async () => {
    const [a, b, west, home] = await Promise.all([
      defaultVpc(alice),
      defaultVpc(bob),
      defaultVpc(aliceWest),
      defaultVpc(server.ec2)
    ]);
    assert.equal(a.ownerId, ALICE);
    assert.equal(b.ownerId, BOB);
    assert.equal(west.ownerId, ALICE);
    assert.equal(home.ownerId, '123456789012');
    assert.equal(new Set([a.vpcId, b.vpcId, west.vpcId, home.vpcId]).size, 4);
    assert.deepEqual(a.zones, ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
    assert.deepEqual(west.zones, ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d']);
  });

  it("answers another account's VPC, subnet and interface with NotFound, and lists none of them", async () => {
    const mine = await lab(alice);
    await assertSdkError(
      bob.send(new DescribeVpcsCommand({ VpcIds: [mine.vpcId] })),
      'InvalidVpcID.NotFound',
      `The vpc ID '${mine.vpcId}' does not exist`
    );
    await assertSdkError(
      bob.send(new DescribeSubnetsCommand({ SubnetIds: [mine.subnetId] })),
      'InvalidSubnetID.NotFound',
      `The subnet ID '${mine.subnetId}' does not exist`
    );
    await assertSdkError(
      bob.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [mine.eniId] })),
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${mine.eniId}' does not exist`
    );
    await assertSdkError(
      bob.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: mine.eniId, SecondaryPrivateIpAddressCount: 1 })
      ),
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${mine.eniId}' does not exist`
    );
    await assertSdkError(
      bob.send(new DeleteVpcCommand({ VpcId: mine.vpcId })),
      'InvalidVpcID.NotFound',
      `The vpc ID '${mine.vpcId}' does not exist`
    );
    const { Vpcs } = await bob.send(new DescribeVpcsCommand({}));
    assert.ok(!Vpcs?.some((v) => v.VpcId === mine.vpcId));
    const { NetworkInterfaces } = await bob.send(new DescribeNetworkInterfacesCommand({}));
    assert.deepEqual(NetworkInterfaces, []);
    // Nothing of Bob's attempts touched Alice's interface.
    const { NetworkInterfaces: hers } = await alice.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [mine.eniId] })
    );
    assert.equal(hers?.[0]?.PrivateIpAddresses?.length, 1);
  });

  it("answers the same account's resources in another region with NotFound", async () => {
    const east = await lab(alice, '10.9.0.0/16', '10.9.0.0/24');
    await assertSdkError(
      aliceWest.send(new DescribeSubnetsCommand({ SubnetIds: [east.subnetId] })),
      'InvalidSubnetID.NotFound',
      `The subnet ID '${east.subnetId}' does not exist`
    );
    // The AWS CLI, signing for us-west-2, is refused alike.
    assertCliError(
      await server.awsAs(
        { accessKeyId: ALICE, secretAccessKey: 'any', region: 'us-west-2' },
        'ec2',
        'describe-network-interfaces',
        '--network-interface-ids',
        east.eniId
      ),
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${east.eniId}' does not exist`
    );
    const ok = await server.awsAs(
      { accessKeyId: ALICE, secretAccessKey: 'any' },
      'ec2',
      'describe-network-interfaces',
      '--network-interface-ids',
      east.eniId
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json.NetworkInterfaces[0].NetworkInterfaceId, east.eniId);
  });

  it('lets two accounts use the same CIDRs and the same private address, each in its own subnet', async () => {
    const a = await lab(alice, '10.50.0.0/16', '10.50.0.0/24');
    const b = await lab(bob, '10.50.0.0/16', '10.50.0.0/24');
    // Lowest placement: both primaries took the same first usable address.
    const primary = async (client: EC2Client, eniId: string) =>
      (await client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces![0]!
        .PrivateIpAddress;
    assert.equal(await primary(alice, a.eniId), '10.50.0.4');
    assert.equal(await primary(bob, b.eniId), '10.50.0.4');
    for (const [client, eniId] of [
      [alice, a.eniId],
      [bob, b.eniId]
    ] as const) {
      const out = await client.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: ['10.50.0.77'] })
      );
      assert.deepEqual(out.AssignedPrivateIpAddresses, [{ PrivateIpAddress: '10.50.0.77' }]);
    }
  });

  it('keeps ClientTokens per account: the same token creates one interface in each', async () => {
    const token = `isolation-${Date.now()}`;
    const create = async (client: EC2Client) => {
      const { SubnetId } = (await client.send(new DescribeSubnetsCommand({}))).Subnets!.find((s) => s.DefaultForAz)!;
      const { NetworkInterface } = await client.send(
        new CreateNetworkInterfaceCommand({ SubnetId, ClientToken: token })
      );
      return NetworkInterface!.NetworkInterfaceId!;
    };
    const [a1, b1] = [await create(alice), await create(bob)];
    assert.notEqual(a1, b1);
    assert.equal(await create(alice), a1);
    assert.equal(await create(bob), b1);
  });

  it('refuses a signature scoped to no region with SignatureDoesNotMatch (403), in open mode too', async () => {
    const nowhere = as(server, ALICE, 'nowhere');
    try {
      await assertSdkError(
        nowhere.send(new DescribeVpcsCommand({})),
        'SignatureDoesNotMatch',
        "Credential should be scoped to a valid region, not 'nowhere'. ",
        403
      );
    } finally {
      nowhere.destroy();
    }
  });

  it('wipes every account and region on a reset of the state, each starting again from a default VPC', async () => {
    const before = await defaultVpc(bob);
    const { vpcId } = await lab(bob, '10.70.0.0/16', '10.70.0.0/24');
    const reset = await control(server, 'POST', '/reset', { state: true });
    assert.equal(reset.status, 200);
    await assertSdkError(
      bob.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })),
      'InvalidVpcID.NotFound',
      `The vpc ID '${vpcId}' does not exist`
    );
    const after = await defaultVpc(bob);
    assert.equal(after.ownerId, BOB);
    assert.notEqual(after.vpcId, before.vpcId);
    const { Vpcs } = await bob.send(new DescribeVpcsCommand({}));
    assert.deepEqual(
      Vpcs?.map((v) => v.VpcId),
      [after.vpcId]
    );
  });
});

describe('public addresses are shared by every account and region', () => {
  let server: TestServer;
  let alice: EC2Client;
  let bob: EC2Client;
  let bobWest: EC2Client;

  before(async () => {
    // A /29: six public addresses for everyone, picked lowest first, so that two accounts would collide at once.
    server = await startTestServer({ placement: 'lowest', publicIpPool: '203.0.113.0/29', elasticIpLimit: 5 });
    alice = as(server, ALICE);
    bob = as(server, BOB);
    bobWest = as(server, BOB, 'us-west-2');
  });
  after(async () => {
    for (const client of [alice, bob, bobWest]) client.destroy();
    await server.close();
  });

  const allocate = async (client: EC2Client, address?: string) =>
    (await client.send(new AllocateAddressCommand({ Domain: 'vpc', ...(address ? { Address: address } : {}) })))
      .PublicIp!;

  it('never hands one public address to two accounts or regions, even when they allocate at once', async () => {
    const ips = await Promise.all([alice, bob, bobWest, alice, bob, bobWest].map((client) => allocate(client)));
    assert.deepEqual([...ips].sort(), [
      '203.0.113.1',
      '203.0.113.2',
      '203.0.113.3',
      '203.0.113.4',
      '203.0.113.5',
      '203.0.113.6'
    ]);
    // The pool is empty for everyone, though each account holds fewer than its limit.
    await assertSdkError(
      alice.send(new AllocateAddressCommand({ Domain: 'vpc' })),
      'InsufficientAddressCapacity',
      'Not enough available addresses to satisfy your minimum request.',
      500
    );
    const { Addresses: bobs } = await bob.send(new DescribeAddressesCommand({}));
    const { Addresses: alices } = await alice.send(new DescribeAddressesCommand({}));
    assert.equal(bobs?.length, 2);
    assert.equal(alices?.length, 2);
    // Another account's address cannot be recovered by naming it; once released, it can.
    const hers = alices[0]!;
    await assertSdkError(
      bob.send(new AllocateAddressCommand({ Domain: 'vpc', Address: hers.PublicIp! })),
      'InvalidAddress.NotFound',
      `Address '${hers.PublicIp}' not found.`
    );
    await alice.send(new ReleaseAddressCommand({ AllocationId: hers.AllocationId! }));
    assert.equal(await allocate(bob, hers.PublicIp), hers.PublicIp);
  });
});

describe('accounts and regions on a data folder', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-isolation-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps each account's state in a file of its own, across a restart, with its instances' metadata", async () => {
    let server = await startTestServer({ ephemeral: false, dataDir });
    let bob = as(server, BOB, 'eu-west-1');
    let vpcId: string;
    let instanceId: string;
    try {
      vpcId = (await lab(bob, '10.8.0.0/16', '10.8.0.0/24')).vpcId;
      const { Instances } = await bob.send(
        new RunInstancesCommand({
          ImageId: 'ami-0123456789abcdef0',
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1
        })
      );
      instanceId = Instances![0]!.InstanceId!;
    } finally {
      bob.destroy();
      await server.close();
    }
    assert.ok(existsSync(join(dataDir, 'ec2lite.sqlite')));
    assert.ok(existsSync(join(dataDir, 'accounts', BOB, 'eu-west-1.sqlite')));
    const report = await checkDataFolder(dataDir);
    assert.deepEqual(report.violations, []);
    assert.equal(report.partitions, 2);
    assert.equal(report.counts.instances, 1);

    server = await startTestServer({ ephemeral: false, dataDir });
    bob = as(server, BOB, 'eu-west-1');
    try {
      const { Vpcs } = await bob.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
      assert.equal(Vpcs?.[0]?.OwnerId, BOB);
      await assertSdkError(
        server.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })),
        'InvalidVpcID.NotFound',
        `The vpc ID '${vpcId}' does not exist`
      );
      // The metadata service finds an instance of any account and region, right after the start.
      const { pathEndpoint } = await metadataEndpoints(server, instanceId);
      assert.equal(await imdsValue(pathEndpoint, '/latest/meta-data/instance-id'), instanceId);
      assert.equal(await imdsValue(pathEndpoint, '/latest/meta-data/placement/region'), 'eu-west-1');
    } finally {
      bob.destroy();
      await server.close();
    }
  });

  it('refuses to start on a folder whose state is another account’s or region’s', async () => {
    await assert.rejects(
      startTestServer({ ephemeral: false, dataDir, accountId: '999988887777' }),
      new RegExp(
        `^Error: this state belongs to account 123456789012 in us-east-1, not to account 999988887777 in us-east-1: ` +
          'start with --account-id 123456789012 --region us-east-1, or use another data folder or database$'
      )
    );
  });
});

describe('accounts and regions on PostgreSQL', () => {
  const url = postgresUrl();
  const schema = freshSchemaName('isolation');

  it('keeps another account in a schema of its own, which a second node sharing the database finds', async (t) => {
    assert.ok(url, MISSING_POSTGRES);
    const storeUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const { default: pg } = await import('pg');
    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    await sql.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    const partitionSchema = `${schema}_${BOB}_us_east_1`;
    t.after(async () => {
      await sql.end();
      await dropSchema(url, partitionSchema);
      await dropSchema(url, schema);
    });
    const first = await startTestServer({ ephemeral: false, store: storeUrl, placement: 'lowest' });
    const second = await startTestServer({ ephemeral: false, store: storeUrl, placement: 'lowest' });
    const bobOnFirst = as(first, BOB);
    const bobOnSecond = as(second, BOB);
    try {
      const { vpcId, eniId } = await lab(bobOnFirst, '10.6.0.0/16', '10.6.0.0/24');
      const { rows } = await sql.query(
        'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1',
        [partitionSchema]
      );
      assert.equal(rows[0].n, 1);
      // The second node opens Bob's partition on first use and sees what the first node wrote there.
      const { Vpcs } = await bobOnSecond.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
      assert.equal(Vpcs?.[0]?.OwnerId, BOB);
      // One default VPC for Bob, however many nodes opened his partition.
      const { Vpcs: all } = await bobOnSecond.send(new DescribeVpcsCommand({}));
      assert.equal(all?.filter((v) => v.IsDefault).length, 1);
      await assertSdkError(
        second.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${eniId}' does not exist`
      );
      // Two nodes, two accounts, one public pool picked lowest first: never the same address twice.
      const allocations = await Promise.all(
        [bobOnFirst, bobOnSecond, first.ec2, second.ec2, bobOnSecond, second.ec2].map(async (client) => {
          const { PublicIp } = await client.send(new AllocateAddressCommand({ Domain: 'vpc' }));
          return PublicIp!;
        })
      );
      assert.equal(new Set(allocations).size, 6, allocations.join(' '));
    } finally {
      bobOnFirst.destroy();
      bobOnSecond.destroy();
      await first.close();
      await second.close();
    }
  });
});
