import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { newId, newMacAddress } from '../../src/domain/ids.js';
import { formatIpv4, parseCidr, parseIpv4 } from '../../src/domain/ipv4.js';
import type { Instance, NetworkInterface, Subnet, Vpc } from '../../src/domain/model.js';
import { postgresMigrations } from '../../src/store/migrations/postgres-migrations.js';
import { createTags } from '../../src/actions/create-tags.js';
import type { Ec2Error } from '../../src/protocol/errors.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { StoreTx } from '../../src/store/store.js';
import { MISSING_POSTGRES, dropSchema, freshSchemaName, postgresUrl } from '../helpers/postgres.js';

/**
 * What only a store shared by several nodes must show: each PostgresStore here plays one ec2lite node, all of them
 * on one schema. The behaviour every backend shares is in store-contract.test.ts.
 */

function ip(text: string): number {
  return parseIpv4(text)!;
}

function makeVpc(): Vpc {
  return {
    id: newId('vpc'),
    cidr: parseCidr('10.0.0.0/16')!,
    cidrAssociationId: newId('vpc-cidr-assoc'),
    isDefault: false,
    instanceTenancy: 'default',
    dhcpOptionsId: newId('dopt'),
    ownerId: '000000000000',
    defaultSecurityGroupId: newId('sg'),
    enableDnsSupport: true,
    enableDnsHostnames: false,
    enableNetworkAddressUsageMetrics: false,
    tags: []
  };
}

function makeSubnet(vpc: Vpc, block: string): Subnet {
  return {
    id: newId('subnet'),
    vpcId: vpc.id,
    cidr: parseCidr(block)!,
    availabilityZone: 'us-east-1a',
    availabilityZoneId: 'use1-az1',
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    ownerId: '000000000000',
    tags: []
  };
}

function makeEni(subnet: Subnet, primary: string): NetworkInterface {
  return {
    id: newId('eni'),
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: '',
    macAddress: newMacAddress(),
    ownerId: '000000000000',
    interfaceType: 'interface',
    sourceDestCheck: true,
    requesterManaged: false,
    groups: [],
    privateIpAddresses: [{ address: ip(primary), primary: true }],
    ipv4Prefixes: [],
    tags: []
  };
}

function makeInstance(subnet: Subnet): Instance {
  return {
    id: newId('i'),
    reservationId: newId('r'),
    imageId: 'ami-0123456789abcdef0',
    instanceType: 't3.micro',
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    ownerId: '000000000000',
    state: 'running',
    stateTransitionReason: '',
    launchTime: new Date('2026-01-02T03:04:05.678Z'),
    amiLaunchIndex: 0,
    groups: [],
    metadataOptions: { httpTokens: 'optional', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 },
    tags: []
  };
}

/** A promise and the function that settles it: lets a test hold one transaction open while others run. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('PostgreSQL store shared by several nodes', () => {
  const url = postgresUrl();
  if (url === undefined) {
    it('has a database to test against', () => assert.fail(MISSING_POSTGRES));
    return;
  }

  let schema: string;
  let nodes: PostgresStore[];
  let vpc: Vpc;
  let subnet: Subnet;
  let other: Subnet;
  let eni: NetworkInterface;

  const open = (): Promise<PostgresStore> => PostgresStore.open({ url, schema });

  beforeEach(async () => {
    schema = freshSchemaName('nodes');
    nodes = await Promise.all([open(), open(), open()]);
    vpc = makeVpc();
    subnet = makeSubnet(vpc, '10.0.1.0/24');
    other = makeSubnet(vpc, '10.0.2.0/24');
    eni = makeEni(subnet, '10.0.1.4');
    await nodes[0]!.transaction(async (tx) => {
      await tx.insertVpc(vpc);
      await tx.insertSubnet(subnet);
      await tx.insertSubnet(other);
      await tx.insertNetworkInterface(eni);
    });
  });

  afterEach(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await dropSchema(url, schema);
  });

  const on =
    (i: number) =>
    <T>(fn: (tx: StoreTx) => Promise<T>) =>
      nodes[i]!.transaction(fn);

  describe('migrations', () => {
    it('applies each step once when several nodes start at once on an empty database', async () => {
      const fresh = freshSchemaName('migrate');
      const starting = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open({ url, schema: fresh })));
      try {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query(
            `SELECT version, name FROM ${pg.escapeIdentifier(fresh)}.schema_migrations ORDER BY version`
          );
          assert.deepEqual(
            rows.map((r) => [r.version, r.name]),
            postgresMigrations.map((m) => [m.version, m.name])
          );
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all(starting.map((s) => s.close()));
        await dropSchema(url, fresh);
      }
    });
  });

  describe('types', () => {
    it('returns bigint columns as numbers, exact above 2^31', async () => {
      const high = { ...makeSubnet(vpc, '192.168.255.240/28'), vpcId: vpc.id };
      await on(0)((tx) => tx.insertSubnet(high));
      const stored = await on(1)((tx) => tx.getSubnet(high.id));
      assert.equal(typeof stored?.cidr.base, 'number');
      assert.equal(stored?.cidr.base, ip('192.168.255.240'));
      assert.equal(typeof (await on(1)((tx) => tx.countNetworkInterfacesInSubnet(subnet.id))), 'number');
    });
  });

  describe('cached occupancy', () => {
    it('sees at once through node B an address that node A assigned, and one it freed', async () => {
      // Both nodes have the subnet's map cached.
      assert.equal((await on(0)((tx) => tx.addressMap(subnet))).freeCount, 250);
      assert.equal((await on(1)((tx) => tx.addressMap(subnet))).freeCount, 250);
      await on(0)((tx) => tx.addSecondaryAddresses(eni, [ip('10.0.1.5')]));
      const seenByB = await on(1)((tx) => tx.addressMap(subnet));
      assert.equal(seenByB.isFree(ip('10.0.1.5')), false);
      assert.equal(seenByB.freeCount, 249);
      // B picks lowest-first past it.
      assert.deepEqual(seenByB.pick(1, null)?.map(formatIpv4), ['10.0.1.6']);
      await on(0)((tx) => tx.removeSecondaryAddresses(eni, [ip('10.0.1.5')]));
      const again = await on(1)((tx) => tx.addressMap(subnet));
      assert.equal(again.isFree(ip('10.0.1.5')), true);
      assert.equal(again.freeCount, 250);
      await on(1)(async (tx) => tx.addSecondaryAddresses(eni, (await tx.addressMap(subnet)).pick(1, null)!));
      assert.deepEqual(
        (await on(2)((tx) => tx.getNetworkInterface(eni.id)))?.privateIpAddresses.map((a) => formatIpv4(a.address)),
        ['10.0.1.4', '10.0.1.5']
      );
    });

    it('keeps a map a reader holds unchanged while a writer on the same node goes on', async () => {
      const seen = await nodes[0]!.transaction((tx) => tx.addressMap(subnet), { readOnly: true });
      await on(0)((tx) => tx.addSecondaryAddresses(eni, [ip('10.0.1.9')]));
      assert.equal(seen.isFree(ip('10.0.1.9')), true);
      assert.equal((await on(0)((tx) => tx.addressMap(subnet))).isFree(ip('10.0.1.9')), false);
    });

    it('gives 60 transactions spread over three nodes distinct addresses from a nearly full subnet', async () => {
      const holders = Array.from({ length: 6 }, (_, i) => makeEni(subnet, `10.0.1.${200 + i}`));
      await on(0)(async (tx) => {
        for (const h of holders) await tx.insertNetworkInterface(h);
        const map = await tx.addressMap(subnet);
        await tx.addSecondaryAddresses(eni, map.pick(map.freeCount - 25, null)!);
      });
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          on(i % 3)(async (tx) => {
            const picked = (await tx.addressMap(subnet)).pick(1, null);
            if (!picked) throw new Error('full');
            await tx.addSecondaryAddresses(holders[i % holders.length]!, picked);
            return picked[0]!;
          })
        )
      );
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      assert.equal(won.length, 25);
      assert.equal(new Set(won).size, 25);
      assert.deepEqual([...new Set(lost)], ['full']);
      for (let i = 0; i < 3; i++) assert.equal((await on(i)((tx) => tx.addressMap(subnet))).freeCount, 0);
    });
  });

  describe('reset', () => {
    it('empties the state for every node, whatever they had cached', async () => {
      await on(1)((tx) => tx.addressMap(subnet));
      await on(0)((tx) => tx.setMeta('k', 'v'));
      await nodes[0]!.reset();
      assert.deepEqual(await on(1)((tx) => tx.listSubnets()), []);
      assert.deepEqual(await on(1)((tx) => tx.listNetworkInterfaces()), []);
      assert.equal(await on(2)((tx) => tx.getMeta('k')), undefined);
      // The same records can be made again.
      await on(1)(async (tx) => {
        await tx.insertVpc(vpc);
        await tx.insertSubnet(subnet);
        await tx.insertNetworkInterface(eni);
      });
      assert.equal((await on(2)((tx) => tx.addressMap(subnet))).freeCount, 250);
    });
  });

  describe('locking', () => {
    it('makes one subnet take turns across nodes while another subnet proceeds', async () => {
      const held = gate();
      const entered = gate();
      const order: string[] = [];
      const first = on(0)(async (tx) => {
        await tx.addressMap(subnet);
        entered.open();
        await held.opened;
        await tx.addSecondaryAddresses(eni, [ip('10.0.1.10')]);
        order.push('first');
      });
      await entered.opened;
      const sameSubnet = on(1)(async (tx) => {
        const map = await tx.addressMap(subnet);
        order.push('same subnet');
        return map.isFree(ip('10.0.1.10'));
      });
      const otherEni = makeEni(other, '10.0.2.4');
      await on(2)((tx) => tx.insertNetworkInterface(otherEni));
      order.push('other subnet');
      // A reader takes no lock either.
      assert.equal((await nodes[1]!.transaction((tx) => tx.addressMap(subnet), { readOnly: true })).freeCount, 250);
      order.push('reader');
      held.open();
      await first;
      assert.equal(await sameSubnet, false, 'the waiting node decides on the first node’s committed change');
      assert.deepEqual(order, ['other subnet', 'reader', 'first', 'same subnet']);
    });

    it('computes in SQL the same lock key as in the node, for names only the database knows', async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const name of ['instance:i-0123456789abcdef0', 'subnet:subnet-1', 'é ü:∆']) {
          const { rows } = await client.query(`SELECT ${nodes[0]!.lockKeySql('$1::text')}::text AS key`, [name]);
          assert.equal(rows[0].key, nodes[0]!.lockKey(name), name);
        }
      } finally {
        await client.end();
      }
    });

    it('orders the locks of an attached interface with its instance: an assignment and a termination do not deadlock', async () => {
      // An assignment on an attached interface reads it (its subnet's lock) and then records the instance's new
      // metadata (the instance's lock); a termination takes the instance's lock and then deletes the interface (its
      // subnet's lock). Taken in those orders, the two would deadlock and one would wait out PostgreSQL's
      // deadlock_timeout before running again; the interface's instance is locked before its subnet instead.
      const instance = makeInstance(subnet);
      const attached: NetworkInterface = {
        ...makeEni(subnet, '10.0.1.30'),
        attachment: {
          attachmentId: newId('eni-attach'),
          instanceId: instance.id,
          deviceIndex: 1,
          networkCardIndex: 0,
          attachTime: new Date('2026-01-02T03:04:05.678Z'),
          deleteOnTermination: true
        }
      };
      await on(0)(async (tx) => {
        await tx.insertInstance(instance);
        await tx.insertNetworkInterface(attached);
      });
      const assignmentRead = gate();
      const terminationLocked = gate();
      const order: string[] = [];
      const assigning = on(0)(async (tx) => {
        const eni = (await tx.getNetworkInterface(attached.id))!;
        assignmentRead.open();
        // Give the termination the chance to take the instance's lock here, as it could without the ordering.
        await Promise.race([terminationLocked.opened, new Promise((resolve) => setTimeout(resolve, 200))]);
        await tx.addSecondaryAddresses(eni, [ip('10.0.1.31')]);
        await tx.appendMetadataJournal(instance.id, 0, 'after the assignment');
        order.push('assigned');
      });
      await assignmentRead.opened;
      const terminating = on(1)(async (tx) => {
        const held = (await tx.getInstance(instance.id))!;
        terminationLocked.open();
        await tx.updateInstance({ ...held, state: 'terminated' });
        for (const eni of await tx.listAttachedNetworkInterfaces(instance.id)) await tx.deleteNetworkInterface(eni.id);
        order.push('terminated');
      });
      await Promise.all([assigning, terminating]);
      assert.deepEqual(order, ['assigned', 'terminated']);
      assert.equal((nodes[0]!.retries.get('40P01') ?? 0) + (nodes[1]!.retries.get('40P01') ?? 0), 0);
      assert.equal(await on(2)((tx) => tx.getNetworkInterface(attached.id)), undefined);
      assert.equal((await on(2)((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.31')]))).size, 0);
    });

    it('lets two nodes change one VPC at once: read for update, neither waits out a deadlock', async () => {
      // ModifyVpcAttribute and DeleteVpc read the VPC and then write it. Were the read under a shared lock, two of
      // them could both read and then both wait for the other to let go: a deadlock. forUpdate locks for writing.
      const bothRead = gate();
      let reads = 0;
      const modify = (node: number, enableDnsHostnames: boolean) =>
        on(node)(async (tx) => {
          const read = (await tx.getVpc(vpc.id, { forUpdate: true }))!;
          if (++reads === 2) bothRead.open();
          await Promise.race([bothRead.opened, new Promise((resolve) => setTimeout(resolve, 200))]);
          await tx.updateVpcAttributes({ ...read, enableDnsHostnames });
        });
      await Promise.all([modify(0, true), modify(1, false)]);
      assert.equal((nodes[0]!.retries.get('40P01') ?? 0) + (nodes[1]!.retries.get('40P01') ?? 0), 0);
      assert.equal(reads, 2);
    });

    it('runs a transaction again after a deadlock, and both land', async () => {
      const a = makeEni(other, '10.0.2.4');
      await on(0)((tx) => tx.insertNetworkInterface(a));
      const bothLocked = { count: 0, ready: gate() };
      const lockThenWait = async (
        tx: StoreTx,
        first: Subnet,
        second: Subnet,
        holder: NetworkInterface,
        address: string
      ) => {
        await tx.addressMap(first);
        if (++bothLocked.count === 2) bothLocked.ready.open();
        await bothLocked.ready.opened;
        await tx.addressMap(second);
        await tx.addSecondaryAddresses(holder, [ip(address)]);
      };
      const before = [...nodes[0]!.retries.values(), ...nodes[1]!.retries.values()].reduce((n, v) => n + v, 0);
      await Promise.all([
        on(0)((tx) => lockThenWait(tx, subnet, other, a, '10.0.2.20')),
        on(1)((tx) => lockThenWait(tx, other, subnet, eni, '10.0.1.20'))
      ]);
      const retried = (nodes[0]!.retries.get('40P01') ?? 0) + (nodes[1]!.retries.get('40P01') ?? 0);
      assert.ok(retried >= 1 && before === 0, 'one of them was chosen as the deadlock victim and ran again');
      assert.equal((await on(2)((tx) => tx.addressHolders(other.id, [ip('10.0.2.20')]))).size, 1);
      assert.equal((await on(2)((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.20')]))).size, 1);
    });

    it('never reports as committed a transaction whose database error fn swallowed', async () => {
      await on(0)((tx) => tx.setMeta('k', 'before'));
      await assert.rejects(
        on(1)(async (tx) => {
          await tx.setMeta('k', 'after');
          await tx.addSecondaryAddresses(eni, [ip('10.0.1.4')]).catch(() => undefined);
        }),
        /duplicate key/
      );
      assert.equal(await on(2)((tx) => tx.getMeta('k')), 'before');
    });

    it('runs again a transaction that listed instances when one of them changed before it wrote', async () => {
      const instance = makeInstance(subnet);
      await on(0)((tx) => tx.insertInstance(instance));
      const listed = gate();
      const changed = gate();
      let runs = 0;
      const stopping = on(0)(async (tx) => {
        runs++;
        const seen = (await tx.listInstances()).find((i) => i.id === instance.id)!;
        if (runs === 1) {
          listed.open();
          await changed.opened;
        }
        // Decide from the listed state, as StopInstances does.
        if (seen.state !== 'running') return 'refused';
        await tx.updateInstance({ ...seen, state: 'stopped' });
        return 'stopped';
      });
      await listed.opened;
      await on(1)((tx) => tx.updateInstance({ ...instance, state: 'terminated' }));
      changed.open();
      assert.equal(await stopping, 'refused');
      assert.equal(runs, 2);
      assert.equal((await on(2)((tx) => tx.getInstance(instance.id)))?.state, 'terminated');
    });

    it('leaves no tag on a subnet another node deletes while it is being tagged', async () => {
      const bare = makeSubnet(vpc, '10.0.9.0/24');
      await on(0)((tx) => tx.insertSubnet(bare));
      const deleted = gate();
      const release = gate();
      const deleting = on(1)(async (tx) => {
        await tx.deleteSubnet(bare.id);
        deleted.open();
        await release.opened;
      });
      await deleted.opened;
      const tagging = on(0)(async (tx) => {
        // Read before the deletion commits: the subnet is still there, as CreateTags finds it.
        assert.ok(await tx.getSubnet(bare.id));
        const tagged = tx.setTags(bare.id, 'subnet', [{ Key: 'team', Value: 'net' }]);
        release.open();
        await tagged;
      });
      await Promise.all([deleting, tagging]);
      assert.deepEqual(await on(2)((tx) => tx.tagsOf(bare.id)), []);
      assert.equal(await on(2)((tx) => tx.getSubnet(bare.id)), undefined);
    });

    /**
     * CreateTags, run on node 0 while node 1 deletes the resource and holds its transaction open: the action's
     * existence check has seen the resource (the deletion is not committed yet), then waits for node 1's lock.
     * Once it may go on, it must find the resource gone and tag nothing.
     */
    const tagDuringDeletion = async (
      resourceId: string,
      deletion: (tx: StoreTx) => Promise<void>
    ): Promise<{ outcome: unknown; tags: unknown }> => {
      const deleted = gate();
      const release = gate();
      const deleting = on(1)(async (tx) => {
        await deletion(tx);
        deleted.open();
        await release.opened;
      });
      await deleted.opened;
      const tagging = on(0)((tx) =>
        createTags.run(tx, { Resources: [resourceId], Tags: [{ Key: 'team', Value: 'net' }] }, {} as never)
      ).then(
        () => 'tagged',
        (error: Ec2Error) => error.code
      );
      // Let node 1 commit once node 0 waits for a lock, or has finished without waiting (the race a lock prevents).
      let finished = false;
      void tagging.then(() => (finished = true));
      const watcher = new pg.Client({ connectionString: url });
      await watcher.connect();
      try {
        const waiting = async (): Promise<boolean> =>
          (
            await watcher.query(`SELECT count(*)::int AS n FROM pg_locks
               WHERE locktype = 'advisory' AND NOT granted
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
          ).rows[0].n > 0;
        while (!finished && !(await waiting())) await new Promise((resolve) => setTimeout(resolve, 5));
      } finally {
        await watcher.end();
      }
      release.open();
      await deleting;
      return { outcome: await tagging, tags: await on(2)((tx) => tx.tagsOf(resourceId)) };
    };

    it("leaves no tag on a VPC's security group another node deletes with the VPC while it is being tagged", async () => {
      const bare = makeVpc();
      await on(0)((tx) => tx.insertVpc(bare));
      const result = await tagDuringDeletion(bare.defaultSecurityGroupId, async (tx) => {
        await tx.deleteTags(bare.defaultSecurityGroupId);
        await tx.deleteVpc(bare.id);
      });
      assert.deepEqual(result, { outcome: 'InvalidGroup.NotFound', tags: [] });
    });

    it('leaves no tag on a volume another node deletes by terminating its instance while it is being tagged', async () => {
      const volumeId = newId('vol');
      const instance: Instance = {
        ...makeInstance(subnet),
        rootDeviceName: '/dev/xvda',
        blockDevices: [
          {
            deviceName: '/dev/xvda',
            volumeId,
            attachTime: new Date('2026-01-02T03:04:05.678Z'),
            deleteOnTermination: true
          }
        ]
      };
      await on(0)((tx) => tx.insertInstance(instance));
      const result = await tagDuringDeletion(volumeId, async (tx) => {
        const held = (await tx.getInstance(instance.id))!;
        await tx.updateInstance({ ...held, state: 'terminated' });
        await tx.deleteTags(volumeId);
      });
      assert.deepEqual(result, { outcome: 'InvalidVolume.NotFound', tags: [] });
    });

    it('runs again a transaction that listed subnets when another node added one before it did', async () => {
      const listed = gate();
      const added = gate();
      let runs = 0;
      const late = makeSubnet(vpc, '10.0.3.0/24');
      const creating = on(0)(async (tx) => {
        runs++;
        const seen = await tx.listSubnets();
        if (runs === 1) {
          listed.open();
          await added.opened;
        }
        // Refuse an overlap with a subnet listed, as CreateSubnet does.
        if (seen.some((s) => s.cidr.base === late.cidr.base)) return 'overlap';
        await tx.insertSubnet(late);
        return 'created';
      });
      await listed.opened;
      await on(1)((tx) => tx.insertSubnet({ ...late, id: newId('subnet') }));
      added.open();
      assert.equal(await creating, 'overlap');
      assert.equal(runs, 2);
    });
  });

  describe('a node that dies', () => {
    let killer: pg.Client;
    before(async () => {
      killer = new pg.Client({ connectionString: url });
      await killer.connect();
    });
    after(async () => {
      await killer.end();
    });

    it('releases its subnet lock with its connection, and the other nodes carry on', async () => {
      const entered = gate();
      const resume = gate();
      const dying = nodes[0]!.transaction(async (tx) => {
        await tx.addressMap(subnet);
        await tx.addSecondaryAddresses(eni, [ip('10.0.1.30')]);
        entered.open();
        await resume.opened;
        await tx.setMeta('never', 'written');
      });
      await entered.opened;
      const waiting = on(1)(async (tx) => {
        await tx.addSecondaryAddresses(eni, [ip('10.0.1.31')]);
        return (await tx.addressMap(subnet)).isFree(ip('10.0.1.30'));
      });
      // The lock holder's connection ends as it would when its process is killed.
      await killer.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() AND a.state = 'idle in transaction'`
      );
      assert.equal(await waiting, true, 'the dead node’s uncommitted address is free');
      resume.open();
      await assert.rejects(dying);
      assert.equal(await on(2)((tx) => tx.getMeta('never')), undefined);
      // The node that lost its connection goes on with a new one.
      await on(0)((tx) => tx.setMeta('after', 'reconnect'));
      assert.equal(await on(1)((tx) => tx.getMeta('after')), 'reconnect');
    });
  });
});
