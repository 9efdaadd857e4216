import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newId, newMacAddress } from '../../src/domain/ids.js';
import { type Cidr, formatIpv4, parseCidr, parseIpv4 } from '../../src/domain/ipv4.js';
import type { Instance, NetworkInterface, PrivateIpAddress, Subnet, Tag, Vpc } from '../../src/domain/model.js';
import { seededRandom } from '../../src/domain/random.js';
import { postgresMigrations } from '../../src/store/migrations/postgres-migrations.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite-migrations.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store, StoreTx } from '../../src/store/store.js';
import { MISSING_POSTGRES, dropSchema, freshSchemaName, openThrowawayStore, postgresUrl } from '../helpers/postgres.js';

function cidr(text: string): Cidr {
  const value = parseCidr(text);
  assert.notEqual(value, null, `test setup: ${text} must parse`);
  return value!;
}

function ip(text: string): number {
  const value = parseIpv4(text);
  assert.notEqual(value, null, `test setup: ${text} must parse`);
  return value!;
}

function makeVpc(block = '10.0.0.0/16', tags: Tag[] = []): Vpc {
  return {
    id: newId('vpc'),
    cidr: cidr(block),
    cidrAssociationId: newId('vpc-cidr-assoc'),
    isDefault: false,
    instanceTenancy: 'default',
    dhcpOptionsId: newId('dopt'),
    ownerId: '000000000000',
    defaultSecurityGroupId: newId('sg'),
    enableDnsSupport: true,
    enableDnsHostnames: false,
    enableNetworkAddressUsageMetrics: false,
    tags
  };
}

/**
 * A default and a non-default VPC as rows written before the migration that added the VPC attributes, and the
 * attributes EC2 gives them: both DNS attributes on for the default VPC, DNS support only for the other.
 */
function vpcsBeforeAttributes(): { row: unknown[]; expected: Vpc }[] {
  return [true, false].map((isDefault) => {
    const vpc: Vpc = {
      ...makeVpc(isDefault ? '172.31.0.0/16' : '10.0.0.0/16'),
      isDefault,
      enableDnsSupport: true,
      enableDnsHostnames: isDefault
    };
    const row = [
      vpc.id,
      vpc.cidr.base,
      vpc.cidr.prefixLength,
      vpc.cidrAssociationId,
      vpc.isDefault,
      vpc.instanceTenancy,
      vpc.dhcpOptionsId,
      vpc.ownerId,
      vpc.defaultSecurityGroupId
    ];
    return { row, expected: vpc };
  });
}
const VPC_COLUMNS_BEFORE_ATTRIBUTES =
  'id, cidr_base, prefix_length, cidr_association_id, is_default, instance_tenancy, dhcp_options_id, owner_id, default_security_group_id';

function makeSubnet(vpc: Vpc, block: string, tags: Tag[] = []): Subnet {
  return {
    id: newId('subnet'),
    vpcId: vpc.id,
    cidr: cidr(block),
    availabilityZone: 'us-east-1a',
    availabilityZoneId: 'use1-az1',
    defaultForAz: false,
    mapPublicIpOnLaunch: true,
    ownerId: '000000000000',
    tags
  };
}

function makeEni(
  subnet: Subnet,
  addresses: readonly (string | PrivateIpAddress)[],
  options: { prefixes?: string[]; tags?: Tag[] } = {}
): NetworkInterface {
  return {
    id: newId('eni'),
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: 'test interface',
    macAddress: newMacAddress(),
    ownerId: '000000000000',
    interfaceType: 'interface',
    sourceDestCheck: true,
    requesterManaged: false,
    groups: [{ groupId: 'sg-0123456789abcdef0', groupName: 'default' }],
    // Strings: the first is the primary, the rest secondaries.
    privateIpAddresses: addresses.map((a, i) => (typeof a === 'string' ? { address: ip(a), primary: i === 0 } : a)),
    ipv4Prefixes: (options.prefixes ?? []).map(ip),
    tags: options.tags ?? []
  };
}

/**
 * An instance in `subnet`; `launch` adds its root device, EBS volumes, CPU options and launch settings as
 * RunInstances sets them.
 */
function makeInstance(subnet: Subnet, launch = false): Instance {
  const launchTime = new Date('2026-01-02T03:04:05.678Z');
  return {
    id: newId('i'),
    reservationId: newId('r'),
    imageId: 'ami-0123456789abcdef0',
    instanceType: 'm5.large',
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    ownerId: '000000000000',
    state: 'running',
    stateTransitionReason: '',
    launchTime,
    amiLaunchIndex: 0,
    groups: [{ groupId: 'sg-0123456789abcdef0', groupName: 'default' }],
    metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 2 },
    tags: [{ Key: 'Name', Value: 'web' }],
    ...(launch
      ? {
          rootDeviceName: '/dev/xvda',
          blockDevices: [
            { deviceName: '/dev/xvda', volumeId: newId('vol'), attachTime: launchTime, deleteOnTermination: true },
            {
              deviceName: '/dev/sdf',
              volumeId: newId('vol'),
              attachTime: launchTime,
              deleteOnTermination: false,
              volumeType: 'gp3' as const,
              volumeSize: 100,
              iops: 4000,
              throughput: 250,
              encrypted: true,
              kmsKeyId: 'alias/data',
              snapshotId: 'snap-0123456789abcdef0'
            }
          ],
          cpuOptions: { coreCount: 1, threadsPerCore: 1, amdSevSnp: 'disabled' as const },
          launchSettings: {
            ebsOptimized: true,
            monitoring: true,
            instanceInitiatedShutdownBehavior: 'terminate' as const,
            capacityReservationPreference: 'none' as const,
            autoRecovery: 'disabled' as const,
            cpuCredits: 'standard' as const,
            userData: 'IyEvYmluL3No'
          }
        }
      : {})
  };
}

/** The interface's addresses as "10.0.1.4*" (primary) and "10.0.1.5", in the order the store returns them. */
function addressesOf(eni: NetworkInterface | undefined): string[] {
  assert.ok(eni, 'the interface exists');
  return eni.privateIpAddresses.map((a) => `${formatIpv4(a.address)}${a.primary ? '*' : ''}`);
}

class SubnetFull extends Error {
  constructor() {
    super('no free address left in the subnet');
  }
}

/**
 * The behaviour every Store backend must show. `open` returns a fresh, empty, migrated store each time.
 * Run it once per backend (SQLite in memory, SQLite on a file, PostgreSQL).
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let vpc: Vpc;
    let subnet: Subnet;

    beforeEach(async () => {
      store = await open();
      vpc = makeVpc('10.0.0.0/16', [{ Key: 'Name', Value: 'main' }]);
      subnet = makeSubnet(vpc, '10.0.1.0/24', [{ Key: 'tier', Value: 'app' }]);
      await store.transaction(async (tx) => {
        await tx.insertVpc(vpc);
        await tx.insertSubnet(subnet);
      });
    });

    afterEach(async () => {
      await store.close();
    });

    const read = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => store.transaction(fn);

    describe('VPCs', () => {
      it('returns an inserted VPC as it was given, tags included', async () => {
        assert.deepEqual(await read((tx) => tx.getVpc(vpc.id)), vpc);
      });

      it('returns undefined for an unknown VPC', async () => {
        assert.equal(await read((tx) => tx.getVpc('vpc-00000000000000000')), undefined);
      });

      it('lists VPCs in insertion order, each with its own tags', async () => {
        const second = makeVpc('10.1.0.0/16', [{ Key: 'Name', Value: 'second' }]);
        const third = makeVpc('192.168.0.0/16');
        await store.transaction(async (tx) => {
          await tx.insertVpc(second);
          await tx.insertVpc(third);
        });
        assert.deepEqual(await read((tx) => tx.listVpcs()), [vpc, second, third]);
      });

      it('keeps a CIDR above 2^31 exact', async () => {
        const high = makeVpc('192.168.0.0/16');
        await store.transaction((tx) => tx.insertVpc(high));
        assert.deepEqual((await read((tx) => tx.getVpc(high.id)))?.cidr, { base: ip('192.168.0.0'), prefixLength: 16 });
      });

      it('deletes a VPC and its tags', async () => {
        const lone = makeVpc('10.9.0.0/16', [{ Key: 'Name', Value: 'lone' }]);
        await store.transaction((tx) => tx.insertVpc(lone));
        await store.transaction((tx) => tx.deleteVpc(lone.id));
        assert.equal(await read((tx) => tx.getVpc(lone.id)), undefined);
        assert.deepEqual(
          (await read((tx) => tx.listVpcs())).map((v) => v.id),
          [vpc.id]
        );
        // Inserting the same id again without tags shows no leftover tag rows.
        await store.transaction((tx) => tx.insertVpc({ ...lone, tags: [] }));
        assert.deepEqual((await read((tx) => tx.getVpc(lone.id)))?.tags, []);
      });

      it('counts the subnets of a VPC', async () => {
        await store.transaction((tx) => tx.insertSubnet(makeSubnet(vpc, '10.0.2.0/24')));
        assert.equal(await read((tx) => tx.countSubnetsInVpc(vpc.id)), 2);
        assert.equal(await read((tx) => tx.countSubnetsInVpc('vpc-00000000000000000')), 0);
      });

      it('keeps the VPC attributes as inserted, each on its own', async () => {
        const defaultVpc: Vpc = { ...makeVpc('172.31.0.0/16'), isDefault: true, enableDnsHostnames: true };
        const odd: Vpc = {
          ...makeVpc('10.2.0.0/16'),
          enableDnsSupport: false,
          enableDnsHostnames: true,
          enableNetworkAddressUsageMetrics: true
        };
        await store.transaction(async (tx) => {
          await tx.insertVpc(defaultVpc);
          await tx.insertVpc(odd);
        });
        assert.deepEqual(await read((tx) => tx.getVpc(defaultVpc.id)), defaultVpc);
        assert.deepEqual(await read((tx) => tx.getVpc(odd.id)), odd);
        assert.deepEqual(await read((tx) => tx.listVpcs()), [vpc, defaultVpc, odd]);
      });

      it('updates the attributes of one VPC and nothing else of it', async () => {
        const other = makeVpc('10.3.0.0/16');
        await store.transaction((tx) => tx.insertVpc(other));
        const attributes = {
          enableDnsSupport: false,
          enableDnsHostnames: true,
          enableNetworkAddressUsageMetrics: true
        };
        // Only the attributes are written: a change to any other field passed along is ignored.
        await store.transaction((tx) =>
          tx.updateVpcAttributes({ ...vpc, ...attributes, instanceTenancy: 'dedicated', tags: [] })
        );
        assert.deepEqual(await read((tx) => tx.getVpc(vpc.id)), { ...vpc, ...attributes });
        assert.deepEqual(await read((tx) => tx.getVpc(other.id)), other);
        assert.deepEqual(await read((tx) => tx.listVpcs()), [{ ...vpc, ...attributes }, other]);
        // Seen at once inside the transaction that writes it, and back again.
        await store.transaction(async (tx) => {
          await tx.updateVpcAttributes(vpc);
          assert.deepEqual(await tx.getVpc(vpc.id), vpc);
        });
        assert.deepEqual(await read((tx) => tx.getVpc(vpc.id)), vpc);
      });

      it('keeps the attributes unchanged when the transaction that updated them fails', async () => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.updateVpcAttributes({ ...vpc, enableDnsHostnames: true, enableNetworkAddressUsageMetrics: true });
            throw new Error('abort');
          }),
          /abort/
        );
        assert.deepEqual(await read((tx) => tx.getVpc(vpc.id)), vpc);
      });
    });

    describe('subnets', () => {
      it('returns an inserted subnet as it was given, tags included', async () => {
        assert.deepEqual(await read((tx) => tx.getSubnet(subnet.id)), subnet);
        assert.equal(await read((tx) => tx.getSubnet('subnet-00000000000000000')), undefined);
      });

      it('lists subnets in insertion order', async () => {
        const second = makeSubnet(vpc, '10.0.2.0/24');
        await store.transaction((tx) => tx.insertSubnet(second));
        assert.deepEqual(await read((tx) => tx.listSubnets()), [subnet, second]);
      });

      it('deletes a subnet and its tags', async () => {
        await store.transaction((tx) => tx.deleteSubnet(subnet.id));
        assert.equal(await read((tx) => tx.getSubnet(subnet.id)), undefined);
        assert.deepEqual(await read((tx) => tx.listSubnets()), []);
        await store.transaction((tx) => tx.insertSubnet({ ...subnet, tags: [] }));
        assert.deepEqual((await read((tx) => tx.getSubnet(subnet.id)))?.tags, []);
      });

      it('deletes the terminated instances of a deleted subnet with it', async () => {
        const instance = { ...makeInstance(subnet, true), state: 'terminated' as const };
        await store.transaction(async (tx) => {
          await tx.insertInstance(instance);
          await tx.setTags(instance.id, 'instance', [{ Key: 'Name', Value: 'gone' }]);
          await tx.appendMetadataJournal(instance.id, 0, 'its last snapshot');
        });
        await store.transaction((tx) => tx.deleteSubnet(subnet.id));
        assert.equal(await read((tx) => tx.getInstance(instance.id)), undefined);
        assert.deepEqual(await read((tx) => tx.listInstances()), []);
        // Nothing of it stays behind: its tags and its metadata journal go too.
        assert.deepEqual(await read((tx) => tx.tagsOf(instance.id)), []);
        assert.deepEqual(await read((tx) => tx.listMetadataJournal(instance.id)), []);
      });

      it('gives a fresh occupancy to a subnet deleted and created again with the same id', async () => {
        const eni = makeEni(subnet, ['10.0.1.10']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 250);
        await store.transaction(async (tx) => {
          await tx.deleteNetworkInterface(eni.id);
          await tx.deleteSubnet(subnet.id);
        });
        await store.transaction((tx) => tx.insertSubnet(subnet));
        const map = await read((tx) => tx.addressMap(subnet));
        assert.equal(map.freeCount, 251);
        assert.equal(map.isFree(ip('10.0.1.10')), true);
      });
    });

    describe('network interfaces', () => {
      it('returns an inserted interface as it was given', async () => {
        const eni = makeEni(subnet, ['10.0.1.10', '10.0.1.11', '10.0.1.12'], {
          prefixes: ['10.0.1.32'],
          tags: [{ Key: 'Name', Value: 'web' }]
        });
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        assert.deepEqual(await read((tx) => tx.getNetworkInterface(eni.id)), eni);
        assert.equal(await read((tx) => tx.getNetworkInterface('eni-00000000000000000')), undefined);
      });

      it('returns the primary address first even when it was not given first, secondaries in their order', async () => {
        const eni = makeEni(subnet, [
          { address: ip('10.0.1.50'), primary: false },
          { address: ip('10.0.1.10'), primary: true },
          { address: ip('10.0.1.30'), primary: false }
        ]);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), [
          '10.0.1.10*',
          '10.0.1.50',
          '10.0.1.30'
        ]);
      });

      it('appends secondary addresses in assignment order, not address order', async () => {
        const eni = makeEni(subnet, ['10.0.1.100']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        await store.transaction((tx) => tx.addSecondaryAddresses(eni, [ip('10.0.1.90'), ip('10.0.1.20')]));
        await store.transaction((tx) => tx.addSecondaryAddresses(eni, [ip('10.0.1.5')]));
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), [
          '10.0.1.100*',
          '10.0.1.90',
          '10.0.1.20',
          '10.0.1.5'
        ]);
      });

      it('moves a secondary address removed and assigned again to the end', async () => {
        const eni = makeEni(subnet, ['10.0.1.10', '10.0.1.11', '10.0.1.12']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        await store.transaction((tx) => tx.removeSecondaryAddresses(eni, [ip('10.0.1.11')]));
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), ['10.0.1.10*', '10.0.1.12']);
        await store.transaction((tx) => tx.addSecondaryAddresses(eni, [ip('10.0.1.11')]));
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), [
          '10.0.1.10*',
          '10.0.1.12',
          '10.0.1.11'
        ]);
      });

      it('refuses to remove an address that is not a secondary of the interface, and keeps it', async () => {
        const a = makeEni(subnet, ['10.0.1.10', '10.0.1.11']);
        const b = makeEni(subnet, ['10.0.1.20', '10.0.1.21']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        // The primary of a, a secondary of b, a free address.
        for (const address of ['10.0.1.10', '10.0.1.21', '10.0.1.99']) {
          await assert.rejects(
            store.transaction((tx) => tx.removeSecondaryAddresses(a, [ip(address)])),
            address
          );
        }
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(a.id))), ['10.0.1.10*', '10.0.1.11']);
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(b.id))), ['10.0.1.20*', '10.0.1.21']);
      });

      it('keeps prefixes in delegation order and out of the address list', async () => {
        const eni = makeEni(subnet, ['10.0.1.10']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        await store.transaction((tx) => tx.addPrefixes(eni, [ip('10.0.1.64'), ip('10.0.1.32')]));
        const stored = await read((tx) => tx.getNetworkInterface(eni.id));
        assert.deepEqual(stored?.ipv4Prefixes.map(formatIpv4), ['10.0.1.64', '10.0.1.32']);
        assert.deepEqual(addressesOf(stored), ['10.0.1.10*']);
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251 - 1 - 32);
      });

      it('removes a prefix with all 16 of its addresses', async () => {
        const eni = makeEni(subnet, ['10.0.1.10'], { prefixes: ['10.0.1.32', '10.0.1.48'] });
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        await store.transaction((tx) => tx.removePrefixes(eni, [ip('10.0.1.32')]));
        assert.deepEqual((await read((tx) => tx.getNetworkInterface(eni.id)))?.ipv4Prefixes.map(formatIpv4), [
          '10.0.1.48'
        ]);
        const map = await read((tx) => tx.addressMap(subnet));
        for (let a = ip('10.0.1.32'); a < ip('10.0.1.48'); a++) assert.equal(map.isFree(a), true, formatIpv4(a));
        assert.equal(map.isFree(ip('10.0.1.48')), false);
        assert.equal(map.freeCount, 251 - 1 - 16);
      });

      it('refuses to remove a prefix the interface does not hold', async () => {
        const a = makeEni(subnet, ['10.0.1.10'], { prefixes: ['10.0.1.32'] });
        const b = makeEni(subnet, ['10.0.1.11']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        await assert.rejects(store.transaction((tx) => tx.removePrefixes(b, [ip('10.0.1.32')])));
        await assert.rejects(store.transaction((tx) => tx.removePrefixes(a, [ip('10.0.1.64')])));
        assert.deepEqual((await read((tx) => tx.getNetworkInterface(a.id)))?.ipv4Prefixes.map(formatIpv4), [
          '10.0.1.32'
        ]);
      });

      it('lists interfaces in insertion order, each with its own addresses, prefixes and tags', async () => {
        const a = makeEni(subnet, ['10.0.1.20', '10.0.1.21'], { tags: [{ Key: 'Name', Value: 'a' }] });
        const b = makeEni(subnet, ['10.0.1.10'], { prefixes: ['10.0.1.48'] });
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
          await tx.addSecondaryAddresses(a, [ip('10.0.1.5')]);
        });
        const listed = await read((tx) => tx.listNetworkInterfaces());
        assert.deepEqual(
          listed.map((e) => e.id),
          [a.id, b.id]
        );
        assert.deepEqual(addressesOf(listed[0]), ['10.0.1.20*', '10.0.1.21', '10.0.1.5']);
        assert.deepEqual(listed[0]?.tags, [{ Key: 'Name', Value: 'a' }]);
        assert.deepEqual(listed[1], b);
      });

      it('counts the interfaces of a subnet', async () => {
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(makeEni(subnet, ['10.0.1.10']));
          await tx.insertNetworkInterface(makeEni(subnet, ['10.0.1.11']));
        });
        assert.equal(await read((tx) => tx.countNetworkInterfacesInSubnet(subnet.id)), 2);
        assert.equal(await read((tx) => tx.countNetworkInterfacesInSubnet('subnet-00000000000000000')), 0);
      });

      it('deletes an interface with its addresses, prefixes and tags, freeing them', async () => {
        const eni = makeEni(subnet, ['10.0.1.10', '10.0.1.11'], {
          prefixes: ['10.0.1.32'],
          tags: [{ Key: 'k', Value: 'v' }]
        });
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251 - 18);
        await store.transaction((tx) => tx.deleteNetworkInterface(eni.id));
        assert.equal(await read((tx) => tx.getNetworkInterface(eni.id)), undefined);
        assert.deepEqual(await read((tx) => tx.listNetworkInterfaces()), []);
        assert.equal((await read((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.10'), ip('10.0.1.40')]))).size, 0);
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251);
        // Its addresses can be held again, by a new interface.
        const again = makeEni(subnet, ['10.0.1.11', '10.0.1.10'], { prefixes: ['10.0.1.32'] });
        await store.transaction((tx) => tx.insertNetworkInterface(again));
        assert.deepEqual((await read((tx) => tx.getNetworkInterface(again.id)))?.tags, []);
      });

      it('treats deleting an unknown interface as a no-op', async () => {
        await store.transaction((tx) => tx.deleteNetworkInterface('eni-00000000000000000'));
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251);
      });
    });

    describe('tags', () => {
      it('adds new keys after the existing ones and overwrites the value of an existing key in place', async () => {
        await store.transaction((tx) =>
          tx.setTags(subnet.id, 'subnet', [
            { Key: 'env', Value: 'prod' },
            { Key: 'tier', Value: 'db' }
          ])
        );
        assert.deepEqual((await read((tx) => tx.getSubnet(subnet.id)))?.tags, [
          { Key: 'tier', Value: 'db' },
          { Key: 'env', Value: 'prod' }
        ]);
      });

      it('shows upserted tags in lists, and only on their own resource', async () => {
        const other = makeSubnet(vpc, '10.0.2.0/24');
        await store.transaction(async (tx) => {
          await tx.insertSubnet(other);
          await tx.setTags(other.id, 'subnet', [{ Key: 'Name', Value: 'other' }]);
        });
        const listed = await read((tx) => tx.listSubnets());
        assert.deepEqual(
          listed.map((s) => s.tags),
          [[{ Key: 'tier', Value: 'app' }], [{ Key: 'Name', Value: 'other' }]]
        );
        assert.deepEqual((await read((tx) => tx.getVpc(vpc.id)))?.tags, [{ Key: 'Name', Value: 'main' }]);
      });

      it('keeps keys case-sensitive and values exact, including empty values', async () => {
        await store.transaction((tx) =>
          tx.setTags(vpc.id, 'vpc', [
            { Key: 'name', Value: '' },
            { Key: 'Name', Value: 'renamed ünïcode & <xml>' }
          ])
        );
        assert.deepEqual((await read((tx) => tx.getVpc(vpc.id)))?.tags, [
          { Key: 'Name', Value: 'renamed ünïcode & <xml>' },
          { Key: 'name', Value: '' }
        ]);
      });

      it('reads the tags of any resource in order with tagsOf, and none for an untagged one', async () => {
        await store.transaction((tx) => tx.setTags(subnet.id, 'subnet', [{ Key: 'a', Value: '1' }]));
        assert.deepEqual(await read((tx) => tx.tagsOf(subnet.id)), [
          { Key: 'tier', Value: 'app' },
          { Key: 'a', Value: '1' }
        ]);
        assert.deepEqual(await read((tx) => tx.tagsOf('subnet-00000000000000000')), []);
      });

      it('deletes named keys, only where the value matches when a value is given', async () => {
        await store.transaction((tx) =>
          tx.setTags(vpc.id, 'vpc', [
            { Key: 'env', Value: 'prod' },
            { Key: 'team', Value: 'net' },
            { Key: 'cost', Value: '7' }
          ])
        );
        await store.transaction((tx) =>
          tx.deleteTags(vpc.id, [
            { Key: 'env', Value: 'dev' },
            { Key: 'team', Value: 'net' },
            { Key: 'Name' },
            { Key: 'absent' }
          ])
        );
        assert.deepEqual(await read((tx) => tx.tagsOf(vpc.id)), [
          { Key: 'env', Value: 'prod' },
          { Key: 'cost', Value: '7' }
        ]);
      });

      it('deletes every tag of the resource, and only of it, when no keys are given', async () => {
        await store.transaction((tx) => tx.deleteTags(vpc.id));
        assert.deepEqual(await read((tx) => tx.tagsOf(vpc.id)), []);
        assert.deepEqual(await read((tx) => tx.tagsOf(subnet.id)), [{ Key: 'tier', Value: 'app' }]);
      });

      it('lists every tag with its resource and type', async () => {
        const eni = makeEni(subnet, ['10.0.1.10'], { tags: [{ Key: 'Name', Value: 'web' }] });
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        const tags = await read((tx) => tx.listTags());
        const key = (t: { resourceId: string; key: string }): string => `${t.resourceId} ${t.key}`;
        assert.deepEqual(
          [...tags].sort((x, y) => (key(x) < key(y) ? -1 : 1)),
          [
            { resourceId: eni.id, resourceType: 'network-interface', key: 'Name', value: 'web' },
            { resourceId: subnet.id, resourceType: 'subnet', key: 'tier', value: 'app' },
            { resourceId: vpc.id, resourceType: 'vpc', key: 'Name', value: 'main' }
          ].sort((x, y) => (key(x) < key(y) ? -1 : 1))
        );
      });

      it('tags interfaces, visible through get and list', async () => {
        const eni = makeEni(subnet, ['10.0.1.10']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(eni);
          await tx.setTags(eni.id, 'network-interface', [{ Key: 'Name', Value: 'web' }]);
        });
        assert.deepEqual((await read((tx) => tx.getNetworkInterface(eni.id)))?.tags, [{ Key: 'Name', Value: 'web' }]);
        assert.deepEqual((await read((tx) => tx.listNetworkInterfaces()))[0]?.tags, [{ Key: 'Name', Value: 'web' }]);
      });
    });

    describe('client tokens', () => {
      it('returns undefined for a token never seen, and the record once put', async () => {
        assert.equal(await read((tx) => tx.getClientToken('CreateNetworkInterface', 'tok-1')), undefined);
        await store.transaction((tx) =>
          tx.putClientToken('CreateNetworkInterface', 'tok-1', {
            requestHash: 'h1',
            resourceId: 'eni-0123456789abcdef0'
          })
        );
        assert.deepEqual(await read((tx) => tx.getClientToken('CreateNetworkInterface', 'tok-1')), {
          requestHash: 'h1',
          resourceId: 'eni-0123456789abcdef0'
        });
      });

      it('scopes tokens by action', async () => {
        await store.transaction((tx) =>
          tx.putClientToken('CreateNetworkInterface', 'tok', { requestHash: 'a', resourceId: 'eni-1' })
        );
        assert.equal(await read((tx) => tx.getClientToken('RunInstances', 'tok')), undefined);
        await store.transaction((tx) =>
          tx.putClientToken('RunInstances', 'tok', { requestHash: 'b', resourceId: 'i-1' })
        );
        assert.equal((await read((tx) => tx.getClientToken('CreateNetworkInterface', 'tok')))?.resourceId, 'eni-1');
        assert.equal((await read((tx) => tx.getClientToken('RunInstances', 'tok')))?.resourceId, 'i-1');
      });

      it('refuses to put the same token twice for one action and keeps the first record', async () => {
        await store.transaction((tx) =>
          tx.putClientToken('CreateNetworkInterface', 'tok', { requestHash: 'a', resourceId: 'eni-1' })
        );
        await assert.rejects(
          store.transaction((tx) =>
            tx.putClientToken('CreateNetworkInterface', 'tok', { requestHash: 'b', resourceId: 'eni-2' })
          )
        );
        assert.deepEqual(await read((tx) => tx.getClientToken('CreateNetworkInterface', 'tok')), {
          requestHash: 'a',
          resourceId: 'eni-1'
        });
      });
    });

    describe('meta', () => {
      it('returns undefined for an unknown key, then the value set, then the value overwritten', async () => {
        assert.equal(await read((tx) => tx.getMeta('seed')), undefined);
        await store.transaction((tx) => tx.setMeta('seed', '42'));
        assert.equal(await read((tx) => tx.getMeta('seed')), '42');
        await store.transaction((tx) => tx.setMeta('seed', '43'));
        assert.equal(await read((tx) => tx.getMeta('seed')), '43');
        assert.equal(await read((tx) => tx.getMeta('other')), undefined);
      });
    });

    describe('instances', () => {
      it('returns an instance as it was inserted, with its root device, EBS volumes and CPU options', async () => {
        const launched = makeInstance(subnet, true);
        const bare = makeInstance(subnet);
        await store.transaction(async (tx) => {
          await tx.insertInstance(launched);
          await tx.insertInstance(bare);
        });
        assert.deepEqual(await read((tx) => tx.getInstance(launched.id)), launched);
        assert.deepEqual(await read((tx) => tx.getInstance(bare.id)), bare);
        assert.deepEqual(await read((tx) => tx.listInstances()), [launched, bare]);
        const stored = await read((tx) => tx.getInstance(launched.id));
        assert.ok(stored?.blockDevices?.[0]?.attachTime instanceof Date);
      });

      it('keeps the launch fields when the state changes', async () => {
        const launched = makeInstance(subnet, true);
        await store.transaction((tx) => tx.insertInstance(launched));
        await store.transaction((tx) => tx.updateInstance({ ...launched, state: 'stopped' }));
        assert.deepEqual(await read((tx) => tx.getInstance(launched.id)), { ...launched, state: 'stopped' });
      });
    });

    describe('metadata journal', () => {
      it('lists the entries of an instance in append order with increasing seq, each verbatim', async () => {
        await store.transaction(async (tx) => {
          await tx.appendMetadataJournal('i-0000000000000000a', 2_000_000_000_000, '{"b":2}');
          await tx.appendMetadataJournal('i-0000000000000000b', 5, '{}');
          await tx.appendMetadataJournal('i-0000000000000000a', 1_000, '{"a":"1"}');
        });
        const entries = await read((tx) => tx.listMetadataJournal('i-0000000000000000a'));
        assert.deepEqual(
          entries.map(({ instanceId, effectiveAt, snapshot }) => ({ instanceId, effectiveAt, snapshot })),
          [
            { instanceId: 'i-0000000000000000a', effectiveAt: 2_000_000_000_000, snapshot: '{"b":2}' },
            { instanceId: 'i-0000000000000000a', effectiveAt: 1_000, snapshot: '{"a":"1"}' }
          ]
        );
        assert.equal(typeof entries[0]!.seq, 'number');
        assert.ok(entries[0]!.seq < entries[1]!.seq);
        const other = await read((tx) => tx.listMetadataJournal('i-0000000000000000b'));
        assert.ok(
          other[0]!.seq > entries[0]!.seq && other[0]!.seq < entries[1]!.seq,
          'seq follows appends across instances'
        );
        assert.deepEqual(await read((tx) => tx.listMetadataJournal('i-0123456789abcdef0')), []);
      });

      it('prunes only the entries of the instance below the seq given', async () => {
        await store.transaction(async (tx) => {
          for (const at of [1, 2, 3]) await tx.appendMetadataJournal('i-0000000000000000a', at, `{"at":${at}}`);
          await tx.appendMetadataJournal('i-0000000000000000b', 1, '{}');
        });
        const [, second] = await read((tx) => tx.listMetadataJournal('i-0000000000000000a'));
        await store.transaction((tx) => tx.pruneMetadataJournal('i-0000000000000000a', second!.seq));
        assert.deepEqual(
          (await read((tx) => tx.listMetadataJournal('i-0000000000000000a'))).map((e) => e.effectiveAt),
          [2, 3]
        );
        await store.transaction((tx) => tx.pruneMetadataJournal('i-0000000000000000b', Number.MAX_SAFE_INTEGER));
        assert.deepEqual(await read((tx) => tx.listMetadataJournal('i-0000000000000000b')), []);
        assert.equal((await read((tx) => tx.listMetadataJournal('i-0000000000000000a'))).length, 2);
      });

      it('gives the ends of a journal as its list shows them: newest entry, oldest seq, newest entry due', async () => {
        const none = { last: undefined, firstSeq: undefined, dueSeq: undefined };
        assert.deepEqual(await read((tx) => tx.metadataJournalEnds('i-0000000000000000a', 10)), none);
        await store.transaction(async (tx) => {
          // Times never decrease along the journal (the metadata journal appends them so); two entries share one.
          for (const [i, at] of [5, 8, 8, 20, 30].entries()) {
            await tx.appendMetadataJournal('i-0000000000000000a', at, `{"i":${i}}`);
          }
          await tx.appendMetadataJournal('i-0000000000000000b', 1, '{}');
        });
        const entries = await read((tx) => tx.listMetadataJournal('i-0000000000000000a'));
        // The newest entry due at `now`, as the metadata service picks it (snapshotAt).
        for (const now of [4, 5, 7, 8, 19, 25, 30, 31]) {
          const due = entries.filter((e) => e.effectiveAt <= now).at(-1);
          const ends = await read((tx) => tx.metadataJournalEnds('i-0000000000000000a', now));
          assert.deepEqual(ends, { last: entries.at(-1), firstSeq: entries[0]!.seq, dueSeq: due?.seq }, `at ${now}`);
        }
        assert.deepEqual(await read((tx) => tx.metadataJournalEnds('i-0123456789abcdef0', 100)), none);
      });

      it('keeps no entry appended in a transaction that fails', async () => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.appendMetadataJournal('i-0000000000000000a', 1, '{}');
            throw new Error('rolled back');
          })
        );
        assert.deepEqual(await read((tx) => tx.listMetadataJournal('i-0000000000000000a')), []);
      });
    });

    describe('addressHolders', () => {
      it('names the holder of each occupied address and leaves free ones out', async () => {
        const a = makeEni(subnet, ['10.0.1.10', '10.0.1.11'], { prefixes: ['10.0.1.32'] });
        const b = makeEni(subnet, ['10.0.1.20']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        const holders = await read((tx) =>
          tx.addressHolders(
            subnet.id,
            ['10.0.1.10', '10.0.1.11', '10.0.1.20', '10.0.1.37', '10.0.1.99', '10.0.1.1'].map(ip)
          )
        );
        assert.deepEqual(
          [...holders].sort((x, y) => x[0] - y[0]).map(([address, holder]) => [formatIpv4(address), holder]),
          [
            ['10.0.1.10', { networkInterfaceId: a.id, primary: true }],
            ['10.0.1.11', { networkInterfaceId: a.id, primary: false }],
            ['10.0.1.20', { networkInterfaceId: b.id, primary: true }],
            ['10.0.1.37', { networkInterfaceId: a.id, primary: false, prefixBase: ip('10.0.1.32') }]
          ]
        );
      });

      it('returns an empty map for no addresses or an unknown subnet', async () => {
        await store.transaction((tx) => tx.insertNetworkInterface(makeEni(subnet, ['10.0.1.10'])));
        assert.equal((await read((tx) => tx.addressHolders(subnet.id, []))).size, 0);
        assert.equal((await read((tx) => tx.addressHolders('subnet-00000000000000000', [ip('10.0.1.10')]))).size, 0);
      });

      it('keeps the same address apart in two subnets of different VPCs with the same CIDR', async () => {
        const otherVpc = makeVpc('10.0.0.0/16');
        const twin = makeSubnet(otherVpc, '10.0.1.0/24');
        const a = makeEni(subnet, ['10.0.1.10']);
        const b = makeEni(twin, ['10.0.1.10']);
        await store.transaction(async (tx) => {
          await tx.insertVpc(otherVpc);
          await tx.insertSubnet(twin);
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        assert.equal(
          (await read((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.10')]))).get(ip('10.0.1.10'))
            ?.networkInterfaceId,
          a.id
        );
        assert.equal(
          (await read((tx) => tx.addressHolders(twin.id, [ip('10.0.1.10')]))).get(ip('10.0.1.10'))?.networkInterfaceId,
          b.id
        );
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 250);
        assert.equal((await read((tx) => tx.addressMap(twin))).freeCount, 250);
      });
    });

    describe('addressMap', () => {
      it('reflects the stored rows and stays current inside a transaction', async () => {
        const eni = makeEni(subnet, ['10.0.1.10']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        await store.transaction(async (tx) => {
          const map = await tx.addressMap(subnet);
          assert.equal(map.isFree(ip('10.0.1.10')), false);
          assert.equal(map.freeCount, 250);
          await tx.addSecondaryAddresses(eni, [ip('10.0.1.11')]);
          assert.equal((await tx.addressMap(subnet)).isFree(ip('10.0.1.11')), false);
          assert.equal((await tx.addressMap(subnet)).freeCount, 249);
          await tx.removeSecondaryAddresses(eni, [ip('10.0.1.11')]);
          assert.equal((await tx.addressMap(subnet)).freeCount, 250);
          await tx.addPrefixes(eni, [ip('10.0.1.48')]);
          assert.equal((await tx.addressMap(subnet)).freeCount, 234);
        });
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 234);
      });

      it('picks only addresses that no row holds', async () => {
        const eni = makeEni(subnet, ['10.0.1.4', '10.0.1.5', '10.0.1.7']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        const picked = await read(async (tx) => (await tx.addressMap(subnet)).pick(3, null));
        assert.deepEqual(picked?.map(formatIpv4), ['10.0.1.6', '10.0.1.8', '10.0.1.9']);
      });
    });

    describe('transactions', () => {
      it('returns the value of the function and passes its error through unchanged', async () => {
        assert.equal(await store.transaction(async () => 42), 42);
        const error = new Error('boom');
        await assert.rejects(
          store.transaction(async () => {
            throw error;
          }),
          (e: unknown) => e === error
        );
      });

      it('writes nothing when the function throws after writing', async () => {
        const otherVpc = makeVpc('10.5.0.0/16', [{ Key: 'Name', Value: 'doomed' }]);
        const otherSubnet = makeSubnet(otherVpc, '10.5.0.0/24');
        const eni = makeEni(otherSubnet, ['10.5.0.10', '10.5.0.11'], { prefixes: ['10.5.0.32'] });
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertVpc(otherVpc);
            await tx.insertSubnet(otherSubnet);
            await tx.insertNetworkInterface(eni);
            await tx.setTags(subnet.id, 'subnet', [{ Key: 'tier', Value: 'changed' }]);
            await tx.putClientToken('CreateNetworkInterface', 'tok', { requestHash: 'h', resourceId: eni.id });
            await tx.setMeta('k', 'v');
            throw new Error('decided against it');
          }),
          /decided against it/
        );
        assert.deepEqual(
          (await read((tx) => tx.listVpcs())).map((v) => v.id),
          [vpc.id]
        );
        assert.deepEqual(
          (await read((tx) => tx.listSubnets())).map((s) => s.id),
          [subnet.id]
        );
        assert.deepEqual(await read((tx) => tx.listNetworkInterfaces()), []);
        assert.deepEqual((await read((tx) => tx.getSubnet(subnet.id)))?.tags, [{ Key: 'tier', Value: 'app' }]);
        assert.equal(await read((tx) => tx.getClientToken('CreateNetworkInterface', 'tok')), undefined);
        assert.equal(await read((tx) => tx.getMeta('k')), undefined);
      });

      it('leaves the cached occupancy consistent after a failed assignment: the address can be taken again', async () => {
        const eni = makeEni(subnet, ['10.0.1.4']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        // Warm the cache, then assign inside a transaction that fails.
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 250);
        let doomed: number | undefined;
        await assert.rejects(
          store.transaction(async (tx) => {
            const map = await tx.addressMap(subnet);
            doomed = map.pick(1, null)![0]!;
            await tx.addSecondaryAddresses(eni, [doomed]);
            assert.equal((await tx.addressMap(subnet)).isFree(doomed), false);
            throw new Error('limit exceeded after all');
          })
        );
        assert.equal(formatIpv4(doomed!), '10.0.1.5');
        const map = await read((tx) => tx.addressMap(subnet));
        assert.equal(map.isFree(doomed!), true);
        assert.equal(map.freeCount, 250);
        assert.equal((await read((tx) => tx.addressHolders(subnet.id, [doomed!]))).size, 0);
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), ['10.0.1.4*']);
        // The same address is picked and inserted again.
        const again = await store.transaction(async (tx) => {
          const picked = (await tx.addressMap(subnet)).pick(1, null)![0]!;
          await tx.addSecondaryAddresses(eni, [picked]);
          return picked;
        });
        assert.equal(again, doomed);
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), ['10.0.1.4*', '10.0.1.5']);
      });

      it('leaves the cached occupancy consistent after a failed transaction that built it after writing', async () => {
        const eni = makeEni(subnet, ['10.0.1.4']);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertNetworkInterface(eni);
            assert.equal((await tx.addressMap(subnet)).isFree(ip('10.0.1.4')), false);
            throw new Error('no');
          })
        );
        const map = await read((tx) => tx.addressMap(subnet));
        assert.equal(map.isFree(ip('10.0.1.4')), true);
        assert.equal(map.freeCount, 251);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))), ['10.0.1.4*']);
      });

      it('leaves the cached occupancy consistent after a failed unassignment: the address stays taken', async () => {
        const eni = makeEni(subnet, ['10.0.1.4', '10.0.1.5'], { prefixes: ['10.0.1.16'] });
        const other = makeEni(subnet, ['10.0.1.6']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(eni);
          await tx.insertNetworkInterface(other);
        });
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251 - 19);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.addressMap(subnet);
            await tx.removeSecondaryAddresses(eni, [ip('10.0.1.5')]);
            await tx.removePrefixes(eni, [ip('10.0.1.16')]);
            await tx.deleteNetworkInterface(other.id);
            throw new Error('changed my mind');
          })
        );
        const map = await read((tx) => tx.addressMap(subnet));
        assert.equal(map.freeCount, 251 - 19);
        for (const text of ['10.0.1.5', '10.0.1.6', '10.0.1.16', '10.0.1.31'])
          assert.equal(map.isFree(ip(text)), false, text);
        // A lowest-first pick skips them all.
        assert.deepEqual(map.pick(2, null)?.map(formatIpv4), ['10.0.1.7', '10.0.1.8']);
        await assert.rejects(store.transaction((tx) => tx.addSecondaryAddresses(other, [ip('10.0.1.5')])));
      });

      it('shows a subnet and an interface as last written, not as first read, and nothing of a failed change', async () => {
        const eni = makeEni(subnet, ['10.0.1.4'], { tags: [{ Key: 'Name', Value: 'before' }] });
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        // Read both first, so that a store keeping what it read has it.
        assert.deepEqual((await read((tx) => tx.getSubnet(subnet.id)))?.tags, [{ Key: 'tier', Value: 'app' }]);
        assert.equal((await read((tx) => tx.getNetworkInterface(eni.id)))?.description, 'test interface');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.setTags(subnet.id, 'subnet', [{ Key: 'tier', Value: 'doomed' }]);
            await tx.setTags(eni.id, 'network-interface', [{ Key: 'Name', Value: 'doomed' }]);
            await tx.updateNetworkInterface({ ...eni, description: 'doomed' });
            // Read back inside the transaction, which sees its own writes.
            assert.deepEqual((await tx.getSubnet(subnet.id))?.tags, [{ Key: 'tier', Value: 'doomed' }]);
            const inside = await tx.getNetworkInterface(eni.id);
            assert.equal(inside?.description, 'doomed');
            assert.deepEqual(inside?.tags, [{ Key: 'Name', Value: 'doomed' }]);
            throw new Error('rolled back');
          })
        );
        assert.deepEqual((await read((tx) => tx.getSubnet(subnet.id)))?.tags, [{ Key: 'tier', Value: 'app' }]);
        const unchanged = await read((tx) => tx.getNetworkInterface(eni.id));
        assert.equal(unchanged?.description, 'test interface');
        assert.deepEqual(unchanged?.tags, [{ Key: 'Name', Value: 'before' }]);
        // A change that commits shows in the next transaction.
        await store.transaction(async (tx) => {
          await tx.deleteTags(subnet.id);
          await tx.updateNetworkInterface({ ...eni, description: 'after' });
          await tx.addSecondaryAddresses(eni, [ip('10.0.1.9')]);
        });
        assert.deepEqual((await read((tx) => tx.getSubnet(subnet.id)))?.tags, []);
        const changed = await read((tx) => tx.getNetworkInterface(eni.id));
        assert.equal(changed?.description, 'after');
        assert.deepEqual(addressesOf(changed), ['10.0.1.4*', '10.0.1.9']);
        await store.transaction(async (tx) => {
          await tx.removeSecondaryAddresses(eni, [ip('10.0.1.9')]);
          await tx.deleteNetworkInterface(eni.id);
          await tx.deleteSubnet(subnet.id);
        });
        assert.equal(await read((tx) => tx.getNetworkInterface(eni.id)), undefined);
        assert.equal(await read((tx) => tx.getSubnet(subnet.id)), undefined);
      });

      it('runs the next transaction normally after one fails', async () => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.setMeta('a', '1');
            throw new Error('first');
          })
        );
        await store.transaction((tx) => tx.setMeta('a', '2'));
        assert.equal(await read((tx) => tx.getMeta('a')), '2');
      });

      it('does not undo concurrent transactions that succeed when one among them fails', async () => {
        const eni = makeEni(subnet, ['10.0.1.10']);
        await store.transaction((tx) => tx.insertNetworkInterface(eni));
        const results = await Promise.allSettled([
          store.transaction(async (tx) => {
            await tx.addSecondaryAddresses(eni, [ip('10.0.1.20')]);
            await tx.setMeta('first', 'kept');
          }),
          store.transaction(async (tx) => {
            await tx.addSecondaryAddresses(eni, [ip('10.0.1.21')]);
            await tx.setMeta('second', 'lost');
            throw new Error('second fails');
          }),
          store.transaction(async (tx) => {
            await tx.addSecondaryAddresses(eni, [ip('10.0.1.22')]);
            await tx.setMeta('third', 'kept');
          })
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled']
        );
        // Sorted: concurrent transactions need not land in the order they were called (PostgreSQL's pool connections race).
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(eni.id))).sort(), [
          '10.0.1.10*',
          '10.0.1.20',
          '10.0.1.22'
        ]);
        assert.equal(await read((tx) => tx.getMeta('first')), 'kept');
        assert.equal(await read((tx) => tx.getMeta('second')), undefined);
        assert.equal(await read((tx) => tx.getMeta('third')), 'kept');
        const map = await read((tx) => tx.addressMap(subnet));
        assert.equal(map.isFree(ip('10.0.1.21')), true);
        assert.equal(map.freeCount, 251 - 3);
      });
    });

    describe('the database has the last word on uniqueness', () => {
      it('refuses a second holder of an address, even when the code skips every check', async () => {
        const a = makeEni(subnet, ['10.0.1.10', '10.0.1.11']);
        const b = makeEni(subnet, ['10.0.1.20']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        // Without ever loading the occupancy, then with it cached.
        await assert.rejects(store.transaction((tx) => tx.addSecondaryAddresses(b, [ip('10.0.1.11')])));
        await read((tx) => tx.addressMap(subnet));
        await assert.rejects(store.transaction((tx) => tx.addSecondaryAddresses(b, [ip('10.0.1.10')])));
        await assert.rejects(store.transaction((tx) => tx.addSecondaryAddresses(a, [ip('10.0.1.11')])));
        const holders = await read((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.10'), ip('10.0.1.11')]));
        assert.equal(holders.get(ip('10.0.1.10'))?.networkInterfaceId, a.id);
        assert.equal(holders.get(ip('10.0.1.11'))?.networkInterfaceId, a.id);
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(b.id))), ['10.0.1.20*']);
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251 - 3);
      });

      it('refuses a new interface whose primary another interface holds, and writes none of it', async () => {
        const a = makeEni(subnet, ['10.0.1.10']);
        await store.transaction((tx) => tx.insertNetworkInterface(a));
        const b = makeEni(subnet, ['10.0.1.10']);
        await assert.rejects(store.transaction((tx) => tx.insertNetworkInterface(b)));
        assert.equal(await read((tx) => tx.getNetworkInterface(b.id)), undefined);
      });

      it('refuses the same address twice in one batch and writes none of the batch', async () => {
        const a = makeEni(subnet, ['10.0.1.10']);
        await store.transaction((tx) => tx.insertNetworkInterface(a));
        await assert.rejects(
          store.transaction((tx) => tx.addSecondaryAddresses(a, [ip('10.0.1.30'), ip('10.0.1.31'), ip('10.0.1.30')]))
        );
        assert.deepEqual(addressesOf(await read((tx) => tx.getNetworkInterface(a.id))), ['10.0.1.10*']);
        assert.equal((await read((tx) => tx.addressMap(subnet))).isFree(ip('10.0.1.31')), true);
      });

      it('refuses a prefix that overlaps a held address, and a secondary inside a delegated prefix', async () => {
        const a = makeEni(subnet, ['10.0.1.10', '10.0.1.40']);
        const b = makeEni(subnet, ['10.0.1.20'], { prefixes: ['10.0.1.64'] });
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        await assert.rejects(store.transaction((tx) => tx.addPrefixes(b, [ip('10.0.1.32')])));
        await assert.rejects(store.transaction((tx) => tx.addSecondaryAddresses(a, [ip('10.0.1.70')])));
        assert.deepEqual((await read((tx) => tx.getNetworkInterface(b.id)))?.ipv4Prefixes.map(formatIpv4), [
          '10.0.1.64'
        ]);
        assert.equal(
          (await read((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.70')]))).get(ip('10.0.1.70'))
            ?.networkInterfaceId,
          b.id
        );
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, 251 - 3 - 16);
      });
    });

    describe('concurrent assigners', () => {
      /** Fills `subnet` with secondaries of `holder` until exactly `free` addresses remain. */
      async function crowd(holder: NetworkInterface, free: number): Promise<void> {
        await store.transaction(async (tx) => {
          const map = await tx.addressMap(subnet);
          await tx.addSecondaryAddresses(holder, map.pick(map.freeCount - free, null)!);
        });
        assert.equal((await read((tx) => tx.addressMap(subnet))).freeCount, free);
      }

      for (const placement of ['lowest', 'random'] as const) {
        it(`gives 50 parallel transactions distinct addresses from a nearly full subnet, ${placement} first; the rest fail cleanly`, async () => {
          const holder = makeEni(subnet, ['10.0.1.200']);
          const enis = Array.from({ length: 5 }, (_, i) => makeEni(subnet, [`10.0.1.${210 + i}`]));
          await store.transaction(async (tx) => {
            await tx.insertNetworkInterface(holder);
            for (const eni of enis) await tx.insertNetworkInterface(eni);
          });
          await crowd(holder, 20);
          const random = placement === 'random' ? seededRandom(2024) : null;

          const results = await Promise.allSettled(
            Array.from({ length: 50 }, (_, i) =>
              store.transaction(async (tx) => {
                const eni = enis[i % enis.length]!;
                const map = await tx.addressMap(subnet);
                const picked = map.pick(1, random);
                if (picked === null) throw new SubnetFull();
                // Give other transactions every chance to run in between.
                await yieldToEventLoop();
                await tx.addSecondaryAddresses(eni, picked);
                return { eni: eni.id, address: picked[0]! };
              })
            )
          );

          const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
          const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
          assert.equal(won.length, 20);
          assert.equal(new Set(won.map((w) => w.address)).size, 20, 'every winner has its own address');
          assert.equal(lost.length, 30);
          assert.ok(
            lost.every((e) => e instanceof SubnetFull),
            'losers fail because the subnet is full, nothing else'
          );

          const map = await read((tx) => tx.addressMap(subnet));
          assert.equal(map.freeCount, 0);
          const holders = await read((tx) =>
            tx.addressHolders(
              subnet.id,
              won.map((w) => w.address)
            )
          );
          for (const w of won) assert.equal(holders.get(w.address)?.networkInterfaceId, w.eni, formatIpv4(w.address));
          const perEni = await read(async (tx) => Promise.all(enis.map((e) => tx.getNetworkInterface(e.id))));
          assert.equal(
            perEni.reduce((n, e) => n + (e?.privateIpAddresses.length ?? 0) - 1, 0),
            20
          );
        });
      }

      it('keeps distinct addresses when parallel transactions race on explicit addresses too', async () => {
        const a = makeEni(subnet, ['10.0.1.200']);
        const b = makeEni(subnet, ['10.0.1.201']);
        await store.transaction(async (tx) => {
          await tx.insertNetworkInterface(a);
          await tx.insertNetworkInterface(b);
        });
        // Both ask for the same explicit address, checking first as an action would.
        const results = await Promise.allSettled(
          [a, b, a, b].map((eni) =>
            store.transaction(async (tx) => {
              const holders = await tx.addressHolders(subnet.id, [ip('10.0.1.50')]);
              if (holders.size > 0) throw new SubnetFull();
              await yieldToEventLoop();
              await tx.addSecondaryAddresses(eni, [ip('10.0.1.50')]);
              return eni.id;
            })
          )
        );
        const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        assert.equal(won.length, 1);
        assert.equal(
          (await read((tx) => tx.addressHolders(subnet.id, [ip('10.0.1.50')]))).get(ip('10.0.1.50'))
            ?.networkInterfaceId,
          won[0]
        );
      });
    });
  });
}

storeContract('SQLite in memory', async () => new SqliteStore({ path: ':memory:' }));

describe('PostgreSQL', () => {
  const url = postgresUrl();
  if (url === undefined) {
    it('has a database to test against', () => assert.fail(MISSING_POSTGRES));
    return;
  }
  storeContract('PostgreSQL', () => openThrowawayStore(url));

  it("gives VPCs stored before the attribute columns EC2's defaults", async () => {
    const schema = freshSchemaName('premigration');
    const vpcs = vpcsBeforeAttributes();
    const step = postgresMigrations.find((m) => m.name === 'vpc-attributes');
    assert.ok(step, 'the vpc-attributes migration exists');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
      await client.query(`SET search_path = ${pg.escapeIdentifier(schema)}`);
      await client.query(
        'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)'
      );
      for (const earlier of postgresMigrations.filter((m) => m.version < step.version)) {
        await client.query(earlier.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
          earlier.version,
          earlier.name
        ]);
      }
      for (const { row } of vpcs) {
        await client.query(
          `INSERT INTO vpcs (${VPC_COLUMNS_BEFORE_ATTRIBUTES}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          row
        );
      }
    } finally {
      await client.end();
    }
    const store = await PostgresStore.open({ url, schema });
    try {
      for (const { expected } of vpcs)
        assert.deepEqual(await store.transaction((tx) => tx.getVpc(expected.id)), expected);
    } finally {
      await store.close();
      await dropSchema(url, schema);
    }
  });
});

describe('SQLite: one writer for the whole store', () => {
  let store: Store;
  beforeEach(() => {
    store = new SqliteStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });
  const read = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => store.transaction(fn);

  it('never interleaves two transactions, even across awaits', async () => {
    const order: string[] = [];
    const first = store.transaction(async (tx) => {
      order.push('first:start');
      await tx.setMeta('k', 'first');
      await yieldToEventLoop();
      await yieldToEventLoop();
      const seen = await tx.getMeta('k');
      order.push('first:end');
      return seen;
    });
    const second = store.transaction(async (tx) => {
      order.push('second:start');
      const seen = await tx.getMeta('k');
      await tx.setMeta('k', 'second');
      order.push('second:end');
      return seen;
    });
    assert.deepEqual(await Promise.all([first, second]), ['first', 'first']);
    assert.deepEqual(order, ['first:start', 'first:end', 'second:start', 'second:end']);
    assert.equal(await read((tx) => tx.getMeta('k')), 'second');
  });
});

describe('SQLite on a file', () => {
  let dir: string;
  let count = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ec2lite-store-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  storeContract('SQLite on a file (WAL)', async () => new SqliteStore({ path: join(dir, `contract-${++count}.db`) }));

  it('uses write-ahead logging', async () => {
    const path = join(dir, 'wal.db');
    const store = new SqliteStore({ path });
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('keeps every kind of row across a close and reopen, and rebuilds the occupancy from them', async () => {
    const path = join(dir, 'reopen.db');
    const vpc = makeVpc('10.0.0.0/16', [{ Key: 'Name', Value: 'kept' }]);
    const subnet = makeSubnet(vpc, '10.0.1.0/24');
    const eni = makeEni(subnet, ['10.0.1.10', '10.0.1.11'], {
      prefixes: ['10.0.1.32'],
      tags: [{ Key: 'k', Value: 'v' }]
    });
    const instance = makeInstance(subnet, true);

    const first = new SqliteStore({ path });
    await first.transaction(async (tx) => {
      await tx.insertVpc(vpc);
      await tx.insertSubnet(subnet);
      await tx.insertNetworkInterface(eni);
      await tx.addSecondaryAddresses(eni, [ip('10.0.1.5')]);
      await tx.putClientToken('CreateNetworkInterface', 'tok', { requestHash: 'h', resourceId: eni.id });
      await tx.setMeta('seed', '7');
      await tx.insertInstance(instance);
    });
    await first.close();

    const second = new SqliteStore({ path });
    try {
      await second.transaction(async (tx) => {
        assert.deepEqual(await tx.getVpc(vpc.id), vpc);
        assert.deepEqual(await tx.getSubnet(subnet.id), subnet);
        const stored = await tx.getNetworkInterface(eni.id);
        assert.deepEqual(addressesOf(stored), ['10.0.1.10*', '10.0.1.11', '10.0.1.5']);
        assert.deepEqual(stored?.ipv4Prefixes.map(formatIpv4), ['10.0.1.32']);
        assert.deepEqual(stored?.tags, [{ Key: 'k', Value: 'v' }]);
        assert.equal((await tx.getClientToken('CreateNetworkInterface', 'tok'))?.resourceId, eni.id);
        assert.equal(await tx.getMeta('seed'), '7');
        assert.deepEqual(await tx.getInstance(instance.id), instance);
        const map = await tx.addressMap(subnet);
        assert.equal(map.freeCount, 251 - 19);
        assert.equal(map.isFree(ip('10.0.1.5')), false);
        assert.equal(map.isFree(ip('10.0.1.47')), false);
      });
    } finally {
      await second.close();
    }
  });

  it('has committed a transaction to the file by the time its promise resolves', async () => {
    const path = join(dir, 'committed.db');
    const store = new SqliteStore({ path });
    try {
      await store.transaction((tx) => tx.setMeta('durable', 'yes'));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.setMeta('doomed', 'yes');
          throw new Error('no');
        })
      );
      // Another connection sees only committed data.
      const db = new Database(path, { readonly: true });
      try {
        const rows = db.prepare('SELECT key, value FROM meta ORDER BY key').all();
        assert.deepEqual(rows, [{ key: 'durable', value: 'yes' }]);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });

  it("gives VPCs stored before the attribute columns EC2's defaults", async () => {
    const path = join(dir, 'before-attributes.db');
    const vpcs = vpcsBeforeAttributes();
    const step = sqliteMigrations.find((m) => m.name === 'vpc-attributes');
    assert.ok(step, 'the vpc-attributes migration exists');
    const db = new Database(path);
    try {
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)'
      );
      for (const earlier of sqliteMigrations.filter((m) => m.version < step.version)) {
        db.exec(earlier.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          earlier.version,
          earlier.name,
          new Date().toISOString()
        );
      }
      const insert = db.prepare(
        `INSERT INTO vpcs (${VPC_COLUMNS_BEFORE_ATTRIBUTES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      );
      for (const { row } of vpcs) insert.run(...row.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    } finally {
      db.close();
    }
    const store = new SqliteStore({ path });
    try {
      for (const { expected } of vpcs)
        assert.deepEqual(await store.transaction((tx) => tx.getVpc(expected.id)), expected);
    } finally {
      await store.close();
    }
  });

  it('does not run applied migrations again on reopen', async () => {
    const path = join(dir, 'migrations.db');
    const applied = (): { version: number; name: string; applied_at: string }[] => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
          version: number;
          name: string;
          applied_at: string;
        }[];
      } finally {
        db.close();
      }
    };
    await new SqliteStore({ path }).close();
    const before = applied();
    assert.deepEqual(
      before.map((m) => [m.version, m.name]),
      sqliteMigrations.map((m) => [m.version, m.name])
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reopened = new SqliteStore({ path });
    await reopened.transaction((tx) => tx.setMeta('still', 'works'));
    await reopened.close();
    assert.deepEqual(applied(), before);
  });
});
