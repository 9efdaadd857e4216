import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  type AssignPrivateIpAddressesCommandInput,
  AttachNetworkInterfaceCommand,
  type AttachNetworkInterfaceCommandInput,
  DetachNetworkInterfaceCommand,
  StartInstancesCommand,
  StopInstancesCommand
} from '@aws-sdk/client-ec2';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';
import { attach, describeInstance, interfaceName, launch } from '../helpers/attach-lab.js';
import {
  type LabSubnet,
  VpcLab,
  addressesOf,
  assign,
  describeEni,
  prefixesOf,
  secondariesOf,
  toInt
} from '../helpers/vpc-lab.js';

const LIMIT = 'Number of private addresses will exceed limit.';
const xen = (type: string) =>
  `Prefix delegation is not supported for instance type ${type}. Use an instance type built on the Nitro System.`;

/** An aligned /28 of the subnet that no interface holds any address of (placement may be random). */
async function freePrefix(subnet: LabSubnet): Promise<string> {
  const taken = new Set<number>();
  for (const eni of await subnet.interfaces()) {
    for (const a of addressesOf(eni)) taken.add(Math.floor((toInt(a) - subnet.base) / 16));
    for (const p of prefixesOf(eni)) taken.add(Math.floor((toInt(p.split('/')[0]!) - subnet.base) / 16));
  }
  for (let block = 1; block < subnet.size / 16 - 1; block++) if (!taken.has(block)) return subnet.prefix(block * 16);
  throw new Error('no free /28 left in the subnet');
}

/** A usable address of the subnet that no interface holds. */
async function freeAddress(subnet: LabSubnet): Promise<string> {
  const taken = new Set<string>();
  for (const eni of await subnet.interfaces()) for (const a of addressesOf(eni)) taken.add(a);
  for (let offset = 4; offset < subnet.size - 1; offset++) if (!taken.has(subnet.at(offset))) return subnet.at(offset);
  throw new Error('no free address left in the subnet');
}

/**
 * The per-interface address limit follows the instance type the interface is attached to: primary + secondaries +
 * one slot per /28 prefix ≤ Ipv4AddressesPerInterface (spec §3.3, ec2-prefix-eni.md), checked at assign for an
 * attached interface and at attach for one filled while it was attached to nothing.
 */
describe('address limits by instance type', () => {
  let server: TestServer;
  let lab: VpcLab;
  const assignRaw = (input: AssignPrivateIpAddressesCommandInput) =>
    server.ec2.send(new AssignPrivateIpAddressesCommand(input));
  const attachRaw = (input: AttachNetworkInterfaceCommandInput) =>
    server.ec2.send(new AttachNetworkInterfaceCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('an attached m5.large interface (limit 10)', () => {
    it('takes 9 secondaries beside its primary, then PrivateIpAddressLimitExceeded with nothing changed', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      const { addresses } = await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 9 });
      assert.equal(addresses.length, 9);
      const full = await describeEni(server, id);
      const available = await subnet.available();

      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, PrivateIpAddresses: [await freeAddress(subnet)] }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, Ipv4PrefixCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      assertCliError(
        await server.aws(
          'ec2',
          'assign-private-ip-addresses',
          '--network-interface-id',
          id,
          '--secondary-private-ip-address-count',
          '1'
        ),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      const after = await describeEni(server, id);
      assert.deepEqual(addressesOf(after), addressesOf(full));
      assert.deepEqual(prefixesOf(after), []);
      assert.equal(await subnet.available(), available);
    });

    it('a count that would overshoot fails whole: nothing is assigned', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 3 });
      const id = eni.NetworkInterfaceId!;
      await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      const available = await subnet.available();
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 7 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      assert.deepEqual(addressesOf(await describeEni(server, id)), addressesOf(eni));
      assert.equal(await subnet.available(), available);
      // Exactly to the limit is fine.
      await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 6 });
      assert.equal(addressesOf(await describeEni(server, id)).length, 10);
    });

    it("the instance's primary interface has the same limit", async () => {
      const subnet = await lab.subnet();
      const { primaryEniId } = await launch(server, subnet, 'm5.large');
      await assign(server, { NetworkInterfaceId: primaryEniId, SecondaryPrivateIpAddressCount: 9 });
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: primaryEniId, SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
    });

    it('prefixes count one slot each: 9 prefixes with only the primary, then no more of either kind', async () => {
      const subnet = await lab.subnet(22);
      const { instanceId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      const { prefixes } = await assign(server, { NetworkInterfaceId: id, Ipv4PrefixCount: 9 });
      assert.equal(prefixes.length, 9);
      const available = await subnet.available();
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, Ipv4PrefixCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, Ipv4Prefixes: [await freePrefix(subnet)] }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      const after = await describeEni(server, id);
      assert.equal(prefixesOf(after).length, 9);
      assert.deepEqual(secondariesOf(after), []);
      assert.equal(await subnet.available(), available);
    });

    it('secondaries and prefixes share the budget: 4 secondaries leave room for 5 prefixes', async () => {
      const subnet = await lab.subnet(22);
      const { instanceId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 4 });
      const id = eni.NetworkInterfaceId!;
      await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, Ipv4PrefixCount: 6 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await assign(server, { NetworkInterfaceId: id, Ipv4PrefixCount: 5 });
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
    });

    it('a detached interface falls back to the unattached cap, and then may not come back over the type limit', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 9 });
      const id = eni.NetworkInterfaceId!;
      const attachmentId = await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      await server.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId }));
      await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 });
      await assertSdkError(
        attachRaw({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidInterface.IpAddressLimitExceeded',
        `Address count 11 on ${interfaceName(id)} exceeds the limit for m5.large`
      );
    });
  });

  describe('attaching an interface filled while unattached', () => {
    it('over the type limit: InvalidInterface.IpAddressLimitExceeded with the text cilium saw', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      // Cilium's bug (#9730): the type's limit as secondaries, plus the primary, is one too many.
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 6 });
      const id = eni.NetworkInterfaceId!;
      const text = `Address count 7 on ${interfaceName(id)} exceeds the limit for t3.medium`;
      await assertSdkError(
        attachRaw({ NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidInterface.IpAddressLimitExceeded',
        text
      );
      assertCliError(
        await server.aws(
          'ec2',
          'attach-network-interface',
          '--network-interface-id',
          id,
          '--instance-id',
          instanceId,
          '--device-index',
          '1'
        ),
        'InvalidInterface.IpAddressLimitExceeded',
        text
      );
      const unchanged = await describeEni(server, id);
      assert.equal(unchanged.Status, 'available');
      assert.deepEqual(addressesOf(unchanged), addressesOf(eni));
      assert.equal((await describeInstance(server, instanceId)).NetworkInterfaces?.length, 1);
    });

    it('prefixes count toward the address count at attach too; exactly at the limit attaches', async () => {
      const subnet = await lab.subnet(22);
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const over = await subnet.eni({ SecondaryPrivateIpAddressCount: 4 });
      await assign(server, { NetworkInterfaceId: over.NetworkInterfaceId, Ipv4PrefixCount: 2 });
      await assertSdkError(
        attachRaw({ NetworkInterfaceId: over.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidInterface.IpAddressLimitExceeded',
        `Address count 7 on ${interfaceName(over.NetworkInterfaceId!)} exceeds the limit for t3.medium`
      );
      const exact = await subnet.eni({ SecondaryPrivateIpAddressCount: 3 });
      await assign(server, { NetworkInterfaceId: exact.NetworkInterfaceId, Ipv4PrefixCount: 2 });
      await attach(server, { NetworkInterfaceId: exact.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: exact.NetworkInterfaceId, Ipv4PrefixCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
    });
  });

  describe('prefix delegation needs a Nitro type', () => {
    it('an interface of a t2 or m4 (Xen) instance takes no prefixes, but takes addresses', async () => {
      const subnet = await lab.subnet(22);
      for (const type of ['t2.medium', 'm4.large']) {
        const { instanceId, primaryEniId } = await launch(server, subnet, type);
        const eni = await subnet.eni();
        await attach(server, { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
        for (const id of [primaryEniId, eni.NetworkInterfaceId!]) {
          await assertSdkError(
            assignRaw({ NetworkInterfaceId: id, Ipv4PrefixCount: 1 }),
            'InvalidParameterValue',
            xen(type)
          );
          await assertSdkError(
            assignRaw({ NetworkInterfaceId: id, Ipv4Prefixes: [await freePrefix(subnet)] }),
            'InvalidParameterValue',
            xen(type)
          );
          assert.deepEqual(prefixesOf(await describeEni(server, id)), []);
        }
        await assign(server, { NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 });
      }
      const cli = await server.aws(
        'ec2',
        'assign-private-ip-addresses',
        '--network-interface-id',
        (await launch(server, subnet, 't2.micro')).primaryEniId,
        '--ipv4-prefix-count',
        '1'
      );
      assertCliError(cli, 'InvalidParameterValue', xen('t2.micro'));
    });

    it('an unattached interface holding a prefix cannot be attached to a Xen instance', async () => {
      const subnet = await lab.subnet(22);
      const { instanceId } = await launch(server, subnet, 'm4.large');
      const eni = await subnet.eni();
      await assign(server, { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 1 });
      await assertSdkError(
        attachRaw({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidParameterValue',
        xen('m4.large')
      );
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).Status, 'available');
    });

    it('m5 and bare metal (*.metal, no hypervisor) take prefixes, assigned or brought along', async () => {
      const subnet = await lab.subnet(22);
      for (const type of ['m5.large', 'm5.metal', 'c5.metal']) {
        const { instanceId, primaryEniId } = await launch(server, subnet, type);
        const { prefixes } = await assign(server, { NetworkInterfaceId: primaryEniId, Ipv4PrefixCount: 1 });
        assert.equal(prefixes.length, 1);
        const eni = await subnet.eni();
        await assign(server, { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4PrefixCount: 2 });
        await attach(server, { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
        assert.equal(prefixesOf(await describeEni(server, eni.NetworkInterfaceId!)).length, 2);
      }
    });

    it('bare metal has its own, larger limit (m5.metal: 50)', async () => {
      const subnet = await lab.subnet(22);
      const { primaryEniId } = await launch(server, subnet, 'm5.metal');
      await assign(server, { NetworkInterfaceId: primaryEniId, SecondaryPrivateIpAddressCount: 30 });
      await assign(server, { NetworkInterfaceId: primaryEniId, Ipv4PrefixCount: 19 });
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: primaryEniId, Ipv4PrefixCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
    });
  });

  describe('a stopped instance', () => {
    it('keeps its addresses, can take more, and still has its type limit', async () => {
      const subnet = await lab.subnet();
      const { instanceId, primaryEniId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 2 });
      const before = await describeEni(server, id);
      const primaryBefore = await describeEni(server, primaryEniId);
      const available = await subnet.available();

      await server.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
      const stopped = await describeInstance(server, instanceId);
      assert.equal(stopped.State?.Name, 'stopped');
      assert.deepEqual(addressesOf(await describeEni(server, id)), addressesOf(before));
      assert.deepEqual(addressesOf(await describeEni(server, primaryEniId)), addressesOf(primaryBefore));
      assert.equal(stopped.PrivateIpAddress, primaryBefore.PrivateIpAddress);
      assert.equal(await subnet.available(), available);

      await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 7 });
      assert.equal(addressesOf(await describeEni(server, id)).length, 10);
      await assertSdkError(
        assignRaw({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );

      await server.ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
      assert.equal(addressesOf(await describeEni(server, id)).length, 10);
      assert.deepEqual(addressesOf(await describeEni(server, primaryEniId)), addressesOf(primaryBefore));
    });
  });
});
