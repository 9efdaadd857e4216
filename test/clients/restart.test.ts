import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type NetworkInterface,
  type Subnet,
  type Vpc
} from '@aws-sdk/client-ec2';
import type { Ec2liteConfig } from '../../src/config.js';
import { type TestServer, assertSdkError, startTestServer } from '../helpers/ec2lite.js';
import { type LabSubnet, VpcLab, addressesOf, assign, describeEni, prefixesOf } from '../helpers/vpc-lab.js';

interface Snapshot {
  readonly vpcs: Vpc[];
  readonly subnets: Subnet[];
  readonly interfaces: NetworkInterface[];
}

async function snapshot(server: TestServer): Promise<Snapshot> {
  const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
  const { Subnets } = await server.ec2.send(new DescribeSubnetsCommand({}));
  const { NetworkInterfaces } = await server.ec2.send(new DescribeNetworkInterfacesCommand({}));
  return { vpcs: Vpcs ?? [], subnets: Subnets ?? [], interfaces: NetworkInterfaces ?? [] };
}

/** Every address held in a subnet, as the interfaces list them: private addresses and the 16 of each prefix. */
function heldIn(snap: Snapshot, subnetId: string): Set<string> {
  const held = new Set<string>();
  for (const eni of snap.interfaces.filter((e) => e.SubnetId === subnetId)) {
    for (const a of addressesOf(eni)) held.add(a);
    for (const p of prefixesOf(eni)) {
      const [base] = p.split('/') as [string];
      const octets = base.split('.').map(Number) as [number, number, number, number];
      for (let i = 0; i < 16; i++) held.add(`${octets[0]}.${octets[1]}.${octets[2]}.${octets[3] + i}`);
    }
  }
  return held;
}

describe('a state kept in a data folder survives a restart', () => {
  let dataDir: string;
  /** Random placement with a fixed seed: after a restart the generator starts over and proposes the same addresses. */
  const options = (): Partial<Ec2liteConfig> => ({ ephemeral: false, dataDir, placement: 'random', seed: 11 });
  let before1: Snapshot;
  let subnet: LabSubnet;
  let small: LabSubnet;
  let eniId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-restart-'));
    const first = await startTestServer(options());
    try {
      const lab = await VpcLab.create(first);
      subnet = await lab.subnet(24);
      small = await lab.subnet(26);
      const eni = await subnet.eni({
        Description: 'survivor',
        SecondaryPrivateIpAddressCount: 2,
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'kept' }] }]
      });
      eniId = eni.NetworkInterfaceId!;
      await assign(first, { NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 5 });
      await assign(first, { NetworkInterfaceId: eniId, Ipv4PrefixCount: 2 });
      const other = (await subnet.eni({ SecondaryPrivateIpAddressCount: 3 })).NetworkInterfaceId!;
      // A move and an unassign, so the state is more than a list of appends.
      await assign(first, {
        NetworkInterfaceId: other,
        PrivateIpAddresses: [secondaryOf(await describeEni(first, eniId))],
        AllowReassignment: true
      });
      await first.ec2.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: other, SecondaryPrivateIpAddressCount: 1 })
      );
      await small.eni({ SecondaryPrivateIpAddressCount: 40 });
      before1 = await snapshot(first);
    } finally {
      await first.close();
    }
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  function secondaryOf(eni: NetworkInterface): string {
    return addressesOf(eni)[1]!;
  }

  it('keeps its state in the data folder, not in memory', () => {
    assert.ok(
      readdirSync(dataDir).some((name) => name.endsWith('.sqlite')),
      readdirSync(dataDir).join(', ')
    );
  });

  it('answers with the same VPCs, subnets (AvailableIpAddressCount included) and interfaces', async () => {
    const second = await startTestServer(options());
    try {
      const after = await snapshot(second);
      assert.deepEqual(after.vpcs, before1.vpcs);
      assert.deepEqual(after.subnets, before1.subnets);
      assert.deepEqual(after.interfaces, before1.interfaces);
      const eni = after.interfaces.find((e) => e.NetworkInterfaceId === eniId)!;
      assert.equal(eni.Description, 'survivor');
      assert.deepEqual(eni.TagSet, [{ Key: 'Name', Value: 'kept' }]);
      assert.equal(prefixesOf(eni).length, 2);
      const count = (s: LabSubnet) => after.subnets.find((x) => x.SubnetId === s.id)!.AvailableIpAddressCount;
      assert.equal(count(subnet), 251 - heldIn(after, subnet.id).size);
      assert.equal(count(small), 59 - 41);
    } finally {
      await second.close();
    }
  });

  it('creates the default VPC once, not again on each start', async () => {
    for (let start = 0; start < 2; start++) {
      const server = await startTestServer(options());
      try {
        const { Vpcs } = await server.ec2.send(new DescribeVpcsCommand({}));
        assert.equal(Vpcs?.filter((v) => v.IsDefault).length, 1);
        assert.equal(Vpcs?.length, 2);
        const { Subnets } = await server.ec2.send(
          new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] })
        );
        assert.equal(Subnets?.length, 6);
      } finally {
        await server.close();
      }
    }
  });

  it('never hands out an address held before the restart', async () => {
    const server = await startTestServer(options());
    try {
      const held = heldIn(before1, subnet.id);
      const fresh = await server.ec2.send(
        new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 20 })
      );
      const { addresses } = await assign(server, { NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 10 });
      const handedOut = [...addressesOf(fresh.NetworkInterface!), ...addresses];
      for (const a of handedOut) assert.ok(!held.has(a), `${a} was already held before the restart`);
      assert.equal(new Set(handedOut).size, 31);

      // An explicit address held before the restart is still in use.
      const [taken] = [...held];
      await assertSdkError(
        server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, PrivateIpAddress: taken })),
        'InvalidIPAddress.InUse',
        'The specified address is already in use.'
      );

      // The small subnet fills up exactly to its last free address, each handed out once.
      const { NetworkInterface: filler } = await server.ec2.send(
        new CreateNetworkInterfaceCommand({ SubnetId: small.id, SecondaryPrivateIpAddressCount: 17 })
      );
      const smallHeld = heldIn(before1, small.id);
      for (const a of addressesOf(filler!)) assert.ok(!smallHeld.has(a) && small.usable(a), a);
      const { Subnets } = await server.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [small.id] }));
      assert.equal(Subnets?.[0]?.AvailableIpAddressCount, 0);
      await assertSdkError(
        server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: small.id })),
        'InsufficientFreeAddressesInSubnet',
        'The specified subnet does not have enough free addresses to satisfy the request.'
      );
    } finally {
      await server.close();
    }
  });

  it('keeps what was added after a restart through the next one', async () => {
    const server = await startTestServer(options());
    let expected: Snapshot;
    try {
      expected = await snapshot(server);
      assert.ok(expected.interfaces.length > before1.interfaces.length);
    } finally {
      await server.close();
    }
    const again = await startTestServer(options());
    try {
      assert.deepEqual(await snapshot(again), expected);
    } finally {
      await again.close();
    }
  });
});
