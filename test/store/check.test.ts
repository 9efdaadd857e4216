import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateNetworkInterfaceCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type NetworkInterface
} from '@aws-sdk/client-ec2';
import Database from 'better-sqlite3';
import pg from 'pg';
import { NoDataError, checkDataFolder, checkPostgres, dataFile } from '../../src/store/check.js';
import { partitionSchema } from '../../src/store/postgres-store.js';
import { launch } from '../helpers/attach-lab.js';
import { runCheck } from '../helpers/child-server.js';
import { startTestServer } from '../helpers/ec2lite.js';
import { MISSING_POSTGRES, dropSchema, freshSchemaName, postgresUrl } from '../helpers/postgres.js';
import { VpcLab, assign, describeEni, toInt } from '../helpers/vpc-lab.js';

/** `ec2lite check --data DIR` on a folder a server wrote, then on copies of it broken one invariant at a time. */
describe('ec2lite check', () => {
  let root: string;
  let clean: string;
  let eni: NetworkInterface;
  let instanceEniId: string;
  let instanceId: string;
  let subnetBase: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'ec2lite-check-'));
    clean = join(root, 'clean');
    const server = await startTestServer({ ephemeral: false, dataDir: clean });
    try {
      const lab = await VpcLab.create(server);
      const subnet = await lab.subnet(24);
      subnetBase = subnet.base;
      const created = await subnet.eni({ SecondaryPrivateIpAddressCount: 3 });
      await assign(server, { NetworkInterfaceId: created.NetworkInterfaceId!, Ipv4PrefixCount: 1 });
      eni = await describeEni(server, created.NetworkInterfaceId!);
      ({ instanceId, primaryEniId: instanceEniId } = await launch(server, subnet, 'm5.large'));
      const { AllocationId } = await server.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await server.ec2.send(
        new AssociateAddressCommand({
          AllocationId,
          NetworkInterfaceId: eni.NetworkInterfaceId!,
          PrivateIpAddress: eni.PrivateIpAddresses![1]!.PrivateIpAddress!
        })
      );
    } finally {
      await server.close();
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the clean folder with `sql` applied to it behind the emulator's back. */
  let copies = 0;
  function broken(sql: string, ...params: unknown[]): string {
    const dir = join(root, `broken-${copies++}`);
    cpSync(clean, dir, { recursive: true });
    const db = new Database(dataFile(dir));
    db.pragma('foreign_keys = OFF');
    for (const statement of sql.split(';').filter((s) => s.trim())) {
      const count = (statement.match(/\?/g) ?? []).length;
      db.prepare(statement).run(...params.splice(0, count));
    }
    db.close();
    return dir;
  }

  const rules = async (dir: string): Promise<string[]> =>
    (await checkDataFolder(dir)).violations.map((v) => `${v.rule}: ${v.detail}`);

  it('finds nothing wrong in a folder the server wrote, and exits 0', async () => {
    assert.deepEqual(await rules(clean), []);
    const result = await runCheck(clean);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /is consistent \(7 subnets, 2 network interfaces, 21 addresses, 1 instances\)/);
  });

  it("checks every account's and region's state, and names the one a violation is in", async () => {
    const dir = join(root, 'partitions');
    const server = await startTestServer({ ephemeral: false, dataDir: dir });
    let eniId: string;
    try {
      const other = new EC2Client({
        endpoint: server.url,
        region: 'ap-northeast-1',
        credentials: { accessKeyId: '210987654321', secretAccessKey: 'any' },
        maxAttempts: 1
      });
      const { SubnetId } = (await other.send(new DescribeSubnetsCommand({}))).Subnets![0]!;
      const { NetworkInterface } = await other.send(new CreateNetworkInterfaceCommand({ SubnetId }));
      eniId = NetworkInterface!.NetworkInterfaceId!;
      other.destroy();
    } finally {
      await server.close();
    }
    const consistent = await runCheck(dir);
    assert.equal(consistent.code, 0, consistent.stdout + consistent.stderr);
    assert.match(
      consistent.stdout,
      /is consistent \(2 account\/region states, 9 subnets, 1 network interfaces, 1 addresses, 0 instances\)/
    );
    const db = new Database(join(dir, 'accounts', '210987654321', 'ap-northeast-1.sqlite'));
    db.pragma('foreign_keys = OFF');
    db.prepare("DELETE FROM private_ip_addresses WHERE kind = 'primary'").run();
    db.close();
    const found = await rules(dir);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, new RegExp(`^[a-z-]+: 210987654321/ap-northeast-1: .*${eniId!}`));
  });

  it('exits 2 for a usage error: no --data, a missing folder, a folder without state', async () => {
    await assert.rejects(checkDataFolder(join(root, 'nowhere')), NoDataError);
    for (const args of [join(root, 'nowhere'), root]) {
      const result = await runCheck(args);
      assert.equal(result.code, 2, result.stdout + result.stderr);
    }
    const neither = await runCheck([]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /^ec2lite check: give either --data DIR or --store postgres:\/\/…/);
    const both = await runCheck(['--data', clean, '--store', 'postgres://localhost/x']);
    assert.equal(both.code, 2);
    const notPostgres = await runCheck(['--store', 'mysql://localhost/x']);
    assert.equal(notPostgres.code, 2);
    assert.equal(notPostgres.stderr, "ec2lite check: --store takes a postgres:// URL, not 'mysql://localhost/x'\n");
  });

  it('reports an address on two interfaces, by the rows and by the missing UNIQUE constraint', async () => {
    const secondary = toInt(eni.PrivateIpAddresses![1]!.PrivateIpAddress!);
    const dir = broken(
      `CREATE TABLE copy AS SELECT * FROM private_ip_addresses;
       DROP TABLE private_ip_addresses;
       CREATE TABLE private_ip_addresses (seq INTEGER PRIMARY KEY AUTOINCREMENT, subnet_id TEXT NOT NULL, address INTEGER NOT NULL,
         network_interface_id TEXT NOT NULL, kind TEXT NOT NULL, prefix_base INTEGER);
       INSERT INTO private_ip_addresses SELECT * FROM copy;
       DROP TABLE copy;
       INSERT INTO private_ip_addresses (subnet_id, address, network_interface_id, kind) VALUES (?, ?, ?, 'secondary')`,
      eni.SubnetId,
      secondary,
      instanceEniId
    );
    const found = await rules(dir);
    assert.ok(
      found.includes('unique-constraint: private_ip_addresses has no UNIQUE (subnet_id, address) constraint'),
      found.join('\n')
    );
    assert.ok(
      found.some((v) =>
        v.startsWith(`duplicate-address: ${eni.PrivateIpAddresses![1]!.PrivateIpAddress} in ${eni.SubnetId} is held by`)
      ),
      found.join('\n')
    );
    const result = await runCheck(dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^duplicate-address: /m);
    assert.match(result.stdout, /violations in /);
  });

  it('reports addresses outside their subnet or among its five reserved', async () => {
    const dir = broken(
      `INSERT INTO private_ip_addresses (subnet_id, address, network_interface_id, kind) VALUES (?, ?, ?, 'secondary');
       INSERT INTO private_ip_addresses (subnet_id, address, network_interface_id, kind) VALUES (?, ?, ?, 'secondary')`,
      eni.SubnetId,
      subnetBase + 1,
      eni.NetworkInterfaceId,
      eni.SubnetId,
      subnetBase + 300,
      eni.NetworkInterfaceId
    );
    const found = await rules(dir);
    assert.ok(
      found.some((v) => /^address: .*\.1 of eni-.* is one of the five addresses reserved/.test(v)),
      found.join('\n')
    );
    assert.ok(
      found.some((v) => /^address: .* lies outside subnet-/.test(v)),
      found.join('\n')
    );
  });

  it('reports an interface without its primary, or with two', async () => {
    const none = await rules(
      broken(
        "DELETE FROM private_ip_addresses WHERE network_interface_id = ? AND kind = 'primary'",
        eni.NetworkInterfaceId
      )
    );
    assert.ok(none.includes(`primary: ${eni.NetworkInterfaceId} has 0 primary addresses`), none.join('\n'));
    const two = await rules(
      broken(
        "UPDATE private_ip_addresses SET kind = 'primary' WHERE network_interface_id = ? AND address = ?",
        eni.NetworkInterfaceId,
        toInt(eni.PrivateIpAddresses![2]!.PrivateIpAddress!)
      )
    );
    assert.ok(two.includes(`primary: ${eni.NetworkInterfaceId} has 2 primary addresses`), two.join('\n'));
  });

  it('reports a prefix that is not 16 aligned rows', async () => {
    const base = toInt(eni.Ipv4Prefixes![0]!.Ipv4Prefix!.split('/')[0]!);
    const found = await rules(broken('DELETE FROM private_ip_addresses WHERE address = ?', base + 7));
    assert.ok(
      found.some((v) => v.startsWith('prefix: ') && v.includes('has 15 rows')),
      found.join('\n')
    );
  });

  it('reports attachments to missing instances, shared device indexes and live instances without a primary interface', async () => {
    const missing = await rules(broken('DELETE FROM instances WHERE id = ?', instanceId));
    assert.ok(
      missing.some((v) =>
        v.startsWith(`attachment: ${instanceEniId} is attached to ${instanceId}, which does not exist`)
      ),
      missing.join('\n')
    );
    const shared = await rules(
      broken(
        `DROP INDEX network_interfaces_device;
         UPDATE network_interfaces SET attachment_id = 'eni-attach-0123456789abcdef0', instance_id = ?, device_index = 0,
           network_card_index = 0, attach_time = '2026-01-01T00:00:00.000Z', delete_on_termination = 0 WHERE id = ?`,
        instanceId,
        eni.NetworkInterfaceId
      )
    );
    assert.ok(
      shared.some((v) => v.startsWith('attachment: ') && v.includes('both sit at')),
      shared.join('\n')
    );
    const orphan = await rules(
      broken(
        'UPDATE network_interfaces SET attachment_id = NULL, instance_id = NULL, device_index = NULL, network_card_index = NULL WHERE id = ?',
        instanceEniId
      )
    );
    assert.ok(
      orphan.includes(`attachment: ${instanceId} (running) has no interface at device index 0`),
      orphan.join('\n')
    );
  });

  it('reports an Elastic IP associated with an address its interface does not hold', async () => {
    const found = await rules(
      broken(
        'DELETE FROM private_ip_addresses WHERE network_interface_id = ? AND address = ?',
        eni.NetworkInterfaceId,
        toInt(eni.PrivateIpAddresses![1]!.PrivateIpAddress!)
      )
    );
    assert.ok(
      found.some((v) => v.startsWith('elastic-ip: ') && v.includes('does not hold')),
      found.join('\n')
    );
  });
});

/** `ec2lite check --store URL`: the state several nodes share in PostgreSQL, every account's and region's schema. */
describe('ec2lite check on PostgreSQL', () => {
  const url = postgresUrl();
  const schema = freshSchemaName('check');
  const other = { accountId: '210987654321', region: 'us-west-2' };
  let storeUrl: string;
  let sql: pg.Client;

  before(async () => {
    assert.ok(url, MISSING_POSTGRES);
    storeUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
    await sql.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    const server = await startTestServer({ ephemeral: false, store: storeUrl });
    try {
      const lab = await VpcLab.create(server);
      const subnet = await lab.subnet(24);
      await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      const client = new EC2Client({
        endpoint: server.url,
        region: other.region,
        credentials: { accessKeyId: other.accountId, secretAccessKey: 'any' },
        maxAttempts: 1
      });
      const { SubnetId } = (await client.send(new DescribeSubnetsCommand({}))).Subnets![0]!;
      await client.send(new CreateNetworkInterfaceCommand({ SubnetId, SecondaryPrivateIpAddressCount: 1 }));
      client.destroy();
    } finally {
      await server.close();
    }
  });
  after(async () => {
    await sql?.end();
    if (url) {
      await dropSchema(url, partitionSchema(schema, other.accountId, other.region));
      await dropSchema(url, schema);
    }
  });

  it('finds both states consistent, and exits 0', async () => {
    const report = await checkPostgres(storeUrl);
    assert.deepEqual(report.violations, []);
    assert.equal(report.partitions, 2);
    assert.deepEqual(
      { interfaces: report.counts.networkInterfaces, addresses: report.counts.addressRows },
      { interfaces: 2, addresses: 5 }
    );
    const result = await runCheck(['--store', storeUrl]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /is consistent \(2 account\/region states, 11 subnets, 2 network interfaces, 5 addresses, 0 instances\)/
    );
  });

  it('reports a broken row in the other account’s schema, naming it', async () => {
    const partition = pg.escapeIdentifier(partitionSchema(schema, other.accountId, other.region));
    await sql.query('BEGIN');
    try {
      // Behind the server's back, as a bug or a hand edit could: the interface loses its primary address.
      await sql.query(`DELETE FROM ${partition}.private_ip_addresses WHERE kind = 'primary'`);
      const result = await runCheck(['--store', storeUrl]);
      // The check reads committed state only: this deletion is not committed yet.
      assert.equal(result.code, 0, result.stdout);
      await sql.query('COMMIT');
    } catch (error) {
      await sql.query('ROLLBACK');
      throw error;
    }
    const report = await checkPostgres(storeUrl);
    assert.equal(report.violations.length, 1, JSON.stringify(report.violations));
    assert.equal(report.violations[0]!.rule, 'primary');
    assert.match(report.violations[0]!.detail, /^210987654321\/us-west-2: eni-[0-9a-f]+ has 0 primary addresses$/);
    const result = await runCheck(['--store', storeUrl]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^primary: 210987654321\/us-west-2: eni-/m);
  });

  it('exits 2 for a schema that holds no ec2lite state', async () => {
    const empty = freshSchemaName('empty');
    await sql.query(`CREATE SCHEMA ${pg.escapeIdentifier(empty)}`);
    try {
      const result = await runCheck([
        '--store',
        `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${empty}`)}`
      ]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.equal(result.stderr, `ec2lite check: schema ${empty} holds no ec2lite state\n`);
    } finally {
      await dropSchema(url!, empty);
    }
  });
});
