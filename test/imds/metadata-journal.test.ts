import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newId, newMacAddress } from '../../src/domain/ids.js';
import { parseCidr, parseIpv4 } from '../../src/domain/ipv4.js';
import type { Attachment, Instance, NetworkInterface, Subnet, Vpc } from '../../src/domain/model.js';
import { assignLoopbackAddresses, homeAddress, isInstanceLoopback } from '../../src/imds/loopback.js';
import { type MetadataSnapshot, journaledStore, readSnapshotAt, snapshotAt } from '../../src/imds/metadata-journal.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

const ip = (text: string): number => parseIpv4(text)!;

const vpc: Vpc = {
  id: newId('vpc'),
  cidr: parseCidr('10.0.0.0/16')!,
  cidrAssociationId: newId('vpc-cidr-assoc'),
  isDefault: false,
  instanceTenancy: 'default',
  dhcpOptionsId: newId('dopt'),
  ownerId: '123456789012',
  defaultSecurityGroupId: 'sg-0123456789abcdef0',
  enableDnsSupport: true,
  enableDnsHostnames: false,
  enableNetworkAddressUsageMetrics: false,
  tags: []
};
const subnet: Subnet = {
  id: newId('subnet'),
  vpcId: vpc.id,
  cidr: parseCidr('10.0.1.0/24')!,
  availabilityZone: 'us-east-1a',
  availabilityZoneId: 'use1-az1',
  defaultForAz: false,
  mapPublicIpOnLaunch: false,
  ownerId: '123456789012',
  tags: []
};

function makeInstance(launchTime = new Date(), amiLaunchIndex = 0): Instance {
  return {
    id: newId('i'),
    reservationId: newId('r'),
    imageId: 'ami-0123456789abcdef0',
    instanceType: 'm5.large',
    subnetId: subnet.id,
    vpcId: vpc.id,
    availabilityZone: 'us-east-1a',
    ownerId: '123456789012',
    state: 'running',
    stateTransitionReason: '',
    launchTime,
    amiLaunchIndex,
    groups: [],
    metadataOptions: { httpTokens: 'optional', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 },
    tags: []
  };
}

function makeEni(primary: string, attachment?: { instanceId: string; deviceIndex: number }): NetworkInterface {
  const attached: Attachment | undefined = attachment && {
    attachmentId: newId('eni-attach'),
    instanceId: attachment.instanceId,
    deviceIndex: attachment.deviceIndex,
    networkCardIndex: 0,
    attachTime: new Date(),
    deleteOnTermination: true
  };
  return {
    id: newId('eni'),
    subnetId: subnet.id,
    vpcId: vpc.id,
    availabilityZone: 'us-east-1a',
    description: '',
    macAddress: newMacAddress(),
    ownerId: '123456789012',
    interfaceType: 'interface',
    sourceDestCheck: true,
    requesterManaged: false,
    groups: [{ groupId: vpc.defaultSecurityGroupId, groupName: 'default' }],
    privateIpAddresses: [{ address: ip(primary), primary: true }],
    ipv4Prefixes: [],
    tags: [],
    ...(attached ? { attachment: attached } : {})
  };
}

describe('metadata journal', () => {
  const DELAY = 1000;
  const LINGER = 500;
  let clock: number;
  let raw: Store;
  let journaled: Store;
  /** An instance launched through the journaled store, with its eth0. */
  let instance: Instance;
  let eth0: NetworkInterface;

  const shownAt = async (instanceId: string, at: number): Promise<MetadataSnapshot> =>
    raw.transaction(async (tx) => {
      const shown = snapshotAt(await tx.listMetadataJournal(instanceId), at);
      // What the metadata service reads, from the journal's ends where it can, must be the same at every moment.
      assert.deepEqual(await readSnapshotAt(tx, instanceId, at), shown, `at ${at}`);
      return shown;
    });
  const ipsAt = async (instanceId: string, at: number, mac = eth0.macAddress): Promise<string[]> => [
    ...((await shownAt(instanceId, at)).interfaces.find((i) => i.mac === mac)?.privateIpv4s ?? [])
  ];

  beforeEach(async () => {
    clock = 1_000_000;
    raw = new SqliteStore({ path: ':memory:' });
    journaled = journaledStore(raw, { delayMs: DELAY, lingerMs: LINGER, now: () => clock });
    await raw.transaction(async (tx) => {
      await tx.insertVpc(vpc);
      await tx.insertSubnet(subnet);
    });
    instance = makeInstance();
    eth0 = makeEni('10.0.1.10', { instanceId: instance.id, deviceIndex: 0 });
    await journaled.transaction(async (tx) => {
      await tx.insertNetworkInterface(eth0);
      await tx.insertInstance(instance);
    });
  });
  afterEach(() => raw.close());

  it('shows a launch at once, with the subnet and VPC blocks', async () => {
    const shown = await shownAt(instance.id, clock);
    assert.equal(shown.interfaces.length, 1);
    assert.deepEqual(shown.interfaces[0], {
      id: eth0.id,
      mac: eth0.macAddress,
      deviceIndex: 0,
      networkCardIndex: 0,
      subnetId: subnet.id,
      subnetCidr: '10.0.1.0/24',
      vpcId: vpc.id,
      vpcCidrs: ['10.0.0.0/16'],
      ownerId: '123456789012',
      securityGroupIds: [vpc.defaultSecurityGroupId],
      privateIpv4s: ['10.0.1.10'],
      ipv4Prefixes: []
    });
  });

  it('shows a change from exactly its time plus the delay', async () => {
    const changedAt = clock;
    await journaled.transaction(async (tx) =>
      tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')])
    );
    assert.deepEqual(await ipsAt(instance.id, changedAt + DELAY - 1), ['10.0.1.10']);
    assert.deepEqual(await ipsAt(instance.id, changedAt + DELAY), ['10.0.1.10', '10.0.1.20']);
  });

  it('gives each change its own time', async () => {
    const first = clock;
    await journaled.transaction(async (tx) =>
      tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')])
    );
    clock += 400;
    await journaled.transaction(async (tx) =>
      tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.21')])
    );
    clock += 50;
    await journaled.transaction(async (tx) =>
      tx.removeSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')])
    );
    assert.deepEqual(await ipsAt(instance.id, first + DELAY - 1), ['10.0.1.10']);
    assert.deepEqual(await ipsAt(instance.id, first + DELAY), ['10.0.1.10', '10.0.1.20']);
    assert.deepEqual(await ipsAt(instance.id, first + 400 + DELAY - 1), ['10.0.1.10', '10.0.1.20']);
    assert.deepEqual(await ipsAt(instance.id, first + 400 + DELAY), ['10.0.1.10', '10.0.1.20', '10.0.1.21']);
    assert.deepEqual(await ipsAt(instance.id, first + 450 + DELAY), ['10.0.1.10', '10.0.1.21']);
  });

  it('never shows a later change before an earlier one, even when the delay shrinks', async () => {
    const first = clock;
    await journaled.transaction(async (tx) =>
      tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')])
    );
    clock += 100;
    const instant = journaledStore(raw, { delayMs: 0, lingerMs: 0, now: () => clock });
    await instant.transaction(async (tx) =>
      tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.21')])
    );
    assert.deepEqual(await ipsAt(instance.id, clock), ['10.0.1.10']);
    assert.deepEqual(await ipsAt(instance.id, first + DELAY), ['10.0.1.10', '10.0.1.20', '10.0.1.21']);
  });

  it('moves an address out of one instance and into the other at the same time', async () => {
    const other = makeInstance();
    const otherEth0 = makeEni('10.0.1.30', { instanceId: other.id, deviceIndex: 0 });
    await journaled.transaction(async (tx) => {
      await tx.insertNetworkInterface(otherEth0);
      await tx.insertInstance(other);
      await tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')]);
    });
    clock += DELAY;
    const movedAt = clock;
    await journaled.transaction(async (tx) => {
      await tx.removeSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')]);
      await tx.addSecondaryAddresses((await tx.getNetworkInterface(otherEth0.id))!, [ip('10.0.1.20')]);
    });
    assert.deepEqual(await ipsAt(instance.id, movedAt + DELAY - 1), ['10.0.1.10', '10.0.1.20']);
    assert.deepEqual(await ipsAt(other.id, movedAt + DELAY - 1, otherEth0.macAddress), ['10.0.1.30']);
    assert.deepEqual(await ipsAt(instance.id, movedAt + DELAY), ['10.0.1.10']);
    assert.deepEqual(await ipsAt(other.id, movedAt + DELAY, otherEth0.macAddress), ['10.0.1.30', '10.0.1.20']);
  });

  it('lags attach and detach, and lets a detached MAC linger', async () => {
    const eth1 = makeEni('10.0.1.40');
    await raw.transaction((tx) => tx.insertNetworkInterface(eth1));
    const attachedAt = clock;
    await journaled.transaction(async (tx) =>
      tx.updateNetworkInterface({
        ...eth1,
        attachment: { ...makeEni('10.0.1.99', { instanceId: instance.id, deviceIndex: 1 }).attachment! }
      })
    );
    const macsAt = async (at: number) => (await shownAt(instance.id, at)).interfaces.map((i) => i.mac);
    assert.deepEqual(await macsAt(attachedAt + DELAY - 1), [eth0.macAddress]);
    assert.deepEqual(await macsAt(attachedAt + DELAY), [eth0.macAddress, eth1.macAddress]);
    clock += 2 * DELAY;
    const detachedAt = clock;
    await journaled.transaction(async (tx) => {
      const { attachment: _gone, ...detached } = (await tx.getNetworkInterface(eth1.id))!;
      await tx.updateNetworkInterface(detached);
    });
    assert.deepEqual(await macsAt(detachedAt + DELAY - 1), [eth0.macAddress, eth1.macAddress]);
    const after = await shownAt(instance.id, detachedAt + DELAY);
    assert.deepEqual(
      after.interfaces.map((i) => i.mac),
      [eth0.macAddress]
    );
    assert.deepEqual(after.lingering, [{ mac: eth1.macAddress, until: detachedAt + DELAY + LINGER }]);
  });

  it('journals nothing for a change that leaves the interfaces as they were, or for a transaction that fails', async () => {
    const count = () => raw.transaction(async (tx) => (await tx.listMetadataJournal(instance.id)).length);
    const before = await count();
    await journaled.transaction(async (tx) =>
      tx.updateNetworkInterface({ ...(await tx.getNetworkInterface(eth0.id))!, description: 'renamed' })
    );
    assert.equal(await count(), before);
    await assert.rejects(
      journaled.transaction(async (tx) => {
        await tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip('10.0.1.20')]);
        throw new Error('dry run');
      })
    );
    assert.equal(await count(), before);
  });

  it('keeps the journal short: entries superseded by one already due go', async () => {
    for (let i = 0; i < 20; i++) {
      await journaled.transaction(async (tx) =>
        tx.addSecondaryAddresses((await tx.getNetworkInterface(eth0.id))!, [ip(`10.0.1.${50 + i}`)])
      );
      clock += DELAY / 4;
    }
    const entries = await raw.transaction((tx) => tx.listMetadataJournal(instance.id));
    // At most one entry already due plus those still pending (four per delay here).
    assert.ok(entries.length <= 6, `${entries.length} entries`);
    assert.ok(entries.filter((e) => e.effectiveAt <= clock).length <= 2);
    assert.equal((await ipsAt(instance.id, clock + DELAY)).length, 21);
  });
});

describe('loopback addresses of instances', () => {
  it('gives every instance a distinct address in 127.1.0.1–127.254.255.254, the same every time', () => {
    const instances = Array.from({ length: 2000 }, (_, i) => makeInstance(new Date(1_000_000 + i)));
    const first = assignLoopbackAddresses(instances);
    const again = assignLoopbackAddresses([...instances].reverse());
    assert.deepEqual([...first].sort(), [...again].sort());
    assert.equal(new Set(first.values()).size, instances.length);
    for (const address of first.values()) assert.ok(isInstanceLoopback(address), address);
  });

  it('keeps the address of an instance when later instances come', () => {
    const early = makeInstance(new Date(1_000));
    const before = assignLoopbackAddresses([early]).get(early.id);
    const crowd = Array.from({ length: 500 }, (_, i) => makeInstance(new Date(2_000 + i)));
    assert.equal(assignLoopbackAddresses([...crowd, early]).get(early.id), before);
  });

  it('gives the later of two instances that hash alike the next address', () => {
    // Ids are random: draw until two share a home address (about 5,000 draws for 16.5 million slots).
    const byHome = new Map<string, Instance>();
    let pair: [Instance, Instance] | undefined;
    for (let i = 0; i < 200_000 && !pair; i++) {
      const candidate = makeInstance(new Date(10_000 + i));
      const home = homeAddress(candidate.id);
      const earlier = byHome.get(home);
      if (earlier) pair = [earlier, candidate];
      else byHome.set(home, candidate);
    }
    assert.ok(pair, 'no two ids hashed alike');
    const [earlier, later] = pair;
    const home = homeAddress(earlier.id);
    const [x, y, z] = home.split('.').slice(1).map(Number) as [number, number, number];
    const next = z < 254 ? `127.${x}.${y}.${z + 1}` : y < 255 ? `127.${x}.${y + 1}.1` : `127.${x + 1}.0.1`;
    for (const order of [
      [earlier, later],
      [later, earlier]
    ]) {
      const assigned = assignLoopbackAddresses(order);
      assert.equal(assigned.get(earlier.id), home);
      assert.equal(assigned.get(later.id), next);
    }
    assert.equal(assignLoopbackAddresses([earlier]).get(earlier.id), home);
  });

  it('tells instance addresses from the shared ones', () => {
    assert.equal(isInstanceLoopback('127.0.0.1'), false);
    assert.equal(isInstanceLoopback('127.0.5.5'), false);
    assert.equal(isInstanceLoopback('127.1.0.0'), false);
    assert.equal(isInstanceLoopback('127.1.0.1'), true);
    assert.equal(isInstanceLoopback('127.254.255.254'), true);
    assert.equal(isInstanceLoopback('127.255.0.1'), false);
    assert.equal(isInstanceLoopback('10.1.2.3'), false);
  });
});
