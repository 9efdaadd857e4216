import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DetachNetworkInterfaceCommand,
  ModifyNetworkInterfaceAttributeCommand,
  type NetworkInterface,
  UnassignPrivateIpAddressesCommand
} from '@aws-sdk/client-ec2';
import { type TestServer, assertCliError, assertSdkError, startTestServer } from '../helpers/ec2lite.js';
import { attach, describeInstance, launch } from '../helpers/attach-lab.js';
import {
  type LabSubnet,
  VpcLab,
  addressesOf,
  assign,
  describeEni,
  prefixesOf,
  toInt,
  toText
} from '../helpers/vpc-lab.js';

/**
 * One Kubernetes node's life as the VPC CNI (and, where it differs, Cilium) drives EC2: warm pool on the primary
 * interface, more interfaces tagged and attached, prefix delegation, a fragmented then exhausted subnet, shrinking,
 * moves, detach, delete, termination and the leaked-interface sweep (spec real-clients §a, §c).
 *
 * The steps share one server and run in order. The test keeps its own ledger of what every interface in the subnet
 * holds, built from what each mutating call answered, and after every step checks DescribeSubnets'
 * AvailableIpAddressCount against subnet size − 5 − addresses held − 16 per prefix, and DescribeNetworkInterfaces
 * and DescribeInstances against the ledger.
 */

const SUBNET_PREFIX_LENGTH = 24;
const INITIAL_AVAILABLE = 2 ** (32 - SUBNET_PREFIX_LENGTH) - 5;
const INSTANCE_TYPE = 'm5.large';
const NODE_TAG = 'node.k8s.amazonaws.com/instance_id';
const CREATED_AT_TAG = 'node.k8s.amazonaws.com/createdAt';
/** Addresses per neighbouring interface when other tenants fill the subnet: under the cap of an unattached one. */
const NEIGHBOUR_CHUNK = 32;

const LIMIT = 'Number of private addresses will exceed limit.';
const NO_FREE_ADDRESSES = 'The specified subnet does not have enough free addresses to satisfy the request.';
const NO_FREE_BLOCKS = 'The specified subnet does not have enough free cidr blocks to satisfy the request.';
const NO_ROOM_AT_ALL = "There aren't sufficient free Ipv4 addresses or prefixes";
const deviceTaken = (instance: string, index: number) =>
  `Instance '${instance}' already has an interface attached at device index '${index}'.`;
const moveNotAllowed = (address: string) => `[${address}] assigned, but move is not allowed.`;
const eniNotFound = (id: string) => `The networkInterface ID '${id}' does not exist`;

/** What one interface holds: addresses with the primary first, then in the order they were assigned; prefixes. */
interface Holding {
  addresses: string[];
  prefixes: string[];
}

describe('a Kubernetes node through its life, as a CNI plugin drives EC2', () => {
  let server: TestServer;
  let subnet: LabSubnet;
  let vpcId: string;
  /** Every interface of the subnet, as the test expects EC2 to show it. */
  const ledger = new Map<string, Holding>();

  let maxInterfaces: number;
  let addressesPerInterface: number;
  let instanceId: string;
  let eth0: string;
  let eth1: string;
  let eth1Attachment: string;
  let eth2: string;
  /** Interfaces of other tenants of the subnet, which fragment and then fill it. */
  const neighbours: string[] = [];

  before(async () => {
    // Lowest-first placement packs the node's addresses, so the subnet is fragmented by the step that sets out to
    // fragment it and by nothing else; every expected value below is still computed, not assumed.
    server = await startTestServer({ placement: 'lowest' });
  });
  after(() => server.close());

  // ---------------------------------------------------------------------------------------------------------------
  // The ledger and the checks every step ends with

  function holding(id: string): Holding {
    const held = ledger.get(id);
    assert.ok(held, `${id} is not in the ledger`);
    return held;
  }

  function slotsOf(id: string): number {
    const held = holding(id);
    return held.addresses.length + held.prefixes.length;
  }

  /** Every address taken in the subnet: private addresses and the 16 inside each prefix. */
  function occupied(): Set<number> {
    const taken = new Set<number>();
    for (const held of ledger.values()) {
      for (const address of held.addresses) taken.add(toInt(address));
      for (const prefix of held.prefixes) for (let i = 0; i < 16; i++) taken.add(toInt(prefix.split('/')[0]!) + i);
    }
    return taken;
  }

  /** Subnet size − 5 reserved − addresses held − 16 per prefix. */
  function expectedAvailable(): number {
    let held = 0;
    for (const h of ledger.values()) held += h.addresses.length + 16 * h.prefixes.length;
    return subnet.size - 5 - held;
  }

  /** Aligned /28 blocks of the subnet with no reserved and no taken address in them, by base address. */
  function freeBlocks(): number[] {
    const taken = occupied();
    const blocks: number[] = [];
    for (let offset = 0; offset < subnet.size; offset += 16) {
      const base = subnet.base + offset;
      let free = true;
      for (let i = 0; i < 16 && free; i++) free = subnet.usable(toText(base + i)) && !taken.has(base + i);
      if (free) blocks.push(base);
    }
    return blocks;
  }

  /**
   * DescribeSubnets shows the count the ledger implies; DescribeNetworkInterfaces shows exactly the ledger's
   * interfaces holding exactly the ledger's addresses and prefixes, all usable, none twice. Returns the count.
   */
  async function checkSubnet(): Promise<number> {
    const available = await subnet.available();
    assert.equal(available, expectedAvailable(), 'AvailableIpAddressCount');

    const enis = await subnet.interfaces();
    assert.deepEqual(
      enis.map((e) => e.NetworkInterfaceId).sort(),
      [...ledger.keys()].sort(),
      'interfaces of the subnet'
    );
    let total = 0;
    for (const eni of enis) {
      const held = holding(eni.NetworkInterfaceId!);
      assert.deepEqual(addressesOf(eni), held.addresses, `addresses of ${eni.NetworkInterfaceId}`);
      assert.equal(eni.PrivateIpAddress, held.addresses[0], `primary of ${eni.NetworkInterfaceId}`);
      assert.deepEqual(
        (eni.PrivateIpAddresses ?? []).map((a) => a.Primary),
        held.addresses.map((_, i) => i === 0)
      );
      assert.deepEqual([...prefixesOf(eni)].sort(), [...held.prefixes].sort(), `prefixes of ${eni.NetworkInterfaceId}`);
      for (const address of held.addresses)
        assert.ok(subnet.usable(address), `${address} is not usable in ${subnet.cidr}`);
      for (const prefix of held.prefixes) assertAlignedPrefix(prefix);
      total += held.addresses.length + 16 * held.prefixes.length;
    }
    assert.equal(occupied().size, total, 'no address is held twice in the subnet');
    return available;
  }

  /** A /28 whose network address is a multiple of 16, wholly inside the subnet and clear of its reserved addresses. */
  function assertAlignedPrefix(prefix: string): void {
    const [base, length] = prefix.split('/') as [string, string];
    assert.equal(length, '28', prefix);
    assert.equal(toInt(base) % 16, 0, `${prefix} is not aligned`);
    for (let i = 0; i < 16; i++) assert.ok(subnet.usable(toText(toInt(base) + i)), `${prefix} is not wholly usable`);
  }

  /** DescribeInstances lists the node's interfaces by device index, each holding what the ledger says. */
  async function checkInstance(byDeviceIndex: readonly string[]): Promise<void> {
    const instance = await describeInstance(server, instanceId);
    assert.equal(instance.State?.Name, 'running');
    assert.equal(instance.PrivateIpAddress, holding(eth0).addresses[0]);
    const attached = [...(instance.NetworkInterfaces ?? [])].sort(
      (a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0)
    );
    assert.deepEqual(
      attached.map((n) => n.NetworkInterfaceId),
      byDeviceIndex,
      'interfaces of the instance by device index'
    );
    for (const eni of attached) {
      const held = holding(eni.NetworkInterfaceId!);
      assert.equal(eni.Status, 'in-use');
      assert.equal(eni.Attachment?.Status, 'attached');
      assert.deepEqual(
        (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress),
        held.addresses
      );
      assert.deepEqual((eni.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix).sort(), [...held.prefixes].sort());
    }
  }

  /** Runs a call that must fail and checks that the subnet and the interfaces are exactly as before. */
  async function unchangedAfter(fail: () => Promise<void>): Promise<void> {
    const before = await checkSubnet();
    await fail();
    assert.equal(await checkSubnet(), before);
  }

  /** A new interface of the node, as the VPC CNI creates it: described and tagged for the instance, empty. */
  async function createNodeInterface(): Promise<string> {
    const primary = await describeEni(server, eth0);
    const { NetworkInterface: eni } = await server.ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnet.id,
        Description: `aws-K8S-${instanceId}`,
        Groups: (primary.Groups ?? []).map((g) => g.GroupId!),
        TagSpecifications: [
          {
            ResourceType: 'network-interface',
            Tags: [
              { Key: CREATED_AT_TAG, Value: new Date().toISOString() },
              { Key: NODE_TAG, Value: instanceId }
            ]
          }
        ]
      })
    );
    assert.ok(eni?.NetworkInterfaceId);
    assert.equal(eni.Status, 'available');
    assert.equal(eni.Description, `aws-K8S-${instanceId}`);
    assert.deepEqual(
      eni.TagSet?.find((t) => t.Key === NODE_TAG),
      { Key: NODE_TAG, Value: instanceId }
    );
    assert.equal(addressesOf(eni).length, 1);
    ledger.set(eni.NetworkInterfaceId, { addresses: addressesOf(eni), prefixes: [] });
    return eni.NetworkInterfaceId;
  }

  /** Assigns by count and records the new addresses (or prefixes) the call reported. */
  async function assignCount(id: string, count: number, kind: 'addresses' | 'prefixes'): Promise<string[]> {
    const input =
      kind === 'addresses'
        ? { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: count }
        : { NetworkInterfaceId: id, Ipv4PrefixCount: count };
    const result = await assign(server, input);
    const fresh = kind === 'addresses' ? result.addresses : result.prefixes;
    assert.equal(fresh.length, count);
    assert.deepEqual(kind === 'addresses' ? result.prefixes : result.addresses, []);
    holding(id)[kind].push(...fresh);
    return fresh;
  }

  /** Another tenant's interface, unattached, holding `count` addresses picked by EC2. */
  async function neighbour(count: number): Promise<void> {
    const { NetworkInterface: eni } = await server.ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, SecondaryPrivateIpAddressCount: count - 1 })
    );
    assert.ok(eni?.NetworkInterfaceId);
    assert.equal(addressesOf(eni).length, count);
    ledger.set(eni.NetworkInterfaceId, { addresses: addressesOf(eni), prefixes: [] });
    neighbours.push(eni.NetworkInterfaceId);
  }

  const assignRaw = (id: string, input: { SecondaryPrivateIpAddressCount?: number; Ipv4PrefixCount?: number }) =>
    server.ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, ...input }));

  // ---------------------------------------------------------------------------------------------------------------
  // The node's life

  it('01 a VPC and a /24 subnet: 256 − 5 reserved addresses available, as the CNI discovers it', async () => {
    const lab = await VpcLab.create(server);
    vpcId = lab.vpcId;
    subnet = await lab.subnet(SUBNET_PREFIX_LENGTH);
    assert.equal(await checkSubnet(), INITIAL_AVAILABLE);
    // The VPC CNI's subnet discovery: DescribeSubnets filtered by VPC and zone, ranked by AvailableIpAddressCount.
    const cli = await server.aws(
      'ec2',
      'describe-subnets',
      '--filters',
      `Name=vpc-id,Values=${vpcId}`,
      'Name=availability-zone,Values=us-east-1a'
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(
      cli.json.Subnets.map((s: { SubnetId: string; AvailableIpAddressCount: number }) => [
        s.SubnetId,
        s.AvailableIpAddressCount
      ]),
      [[subnet.id, INITIAL_AVAILABLE]]
    );
  });

  it(`02 DescribeInstanceTypes ${INSTANCE_TYPE}: 3 interfaces of 10 IPv4 addresses, on Nitro (prefix delegation possible)`, async () => {
    const { InstanceTypes } = await server.ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: [INSTANCE_TYPE] })
    );
    assert.equal(InstanceTypes?.length, 1);
    const info = InstanceTypes[0]!;
    assert.equal(info.Hypervisor, 'nitro');
    maxInterfaces = info.NetworkInfo?.MaximumNetworkInterfaces ?? 0;
    addressesPerInterface = info.NetworkInfo?.Ipv4AddressesPerInterface ?? 0;
    assert.equal(maxInterfaces, 3);
    assert.equal(addressesPerInterface, 10);
    // misc/eni-max-pods.txt: interfaces × (addresses − 1) + 2.
    assert.equal(maxInterfaces * (addressesPerInterface - 1) + 2, 29);
    assert.equal(await checkSubnet(), INITIAL_AVAILABLE);
  });

  it(`03 RunInstances ${INSTANCE_TYPE} into the subnet: its primary interface takes one address`, async () => {
    ({ instanceId, primaryEniId: eth0 } = await launch(server, subnet, INSTANCE_TYPE));
    const primary = await describeEni(server, eth0);
    assert.equal(primary.Attachment?.DeviceIndex, 0);
    assert.equal(primary.Attachment?.DeleteOnTermination, true);
    assert.equal(addressesOf(primary).length, 1);
    ledger.set(eth0, { addresses: addressesOf(primary), prefixes: [] });
    assert.equal(await checkSubnet(), INITIAL_AVAILABLE - 1);
    await checkInstance([eth0]);
  });

  it('04 fills the primary interface: SecondaryPrivateIpAddressCount = limit − 1 (9)', async () => {
    const before = await checkSubnet();
    const count = addressesPerInterface - 1;
    const fresh = await assignCount(eth0, count, 'addresses');
    assert.equal(new Set(fresh).size, count);
    assert.ok(!fresh.includes(holding(eth0).addresses[0]!), 'the primary is not handed out again');
    assert.equal(slotsOf(eth0), addressesPerInterface);
    assert.equal(await checkSubnet(), before - count);
    await checkInstance([eth0]);
  });

  it('05 one more on the full primary: PrivateIpAddressLimitExceeded, nothing changed', async () => {
    await unchangedAfter(async () => {
      await assertSdkError(
        assignRaw(eth0, { SecondaryPrivateIpAddressCount: 1 }),
        'PrivateIpAddressLimitExceeded',
        LIMIT
      );
      // The VPC CNI's retry with n = 1 meets the same limit; a prefix takes a slot as well.
      await assertSdkError(assignRaw(eth0, { Ipv4PrefixCount: 1 }), 'PrivateIpAddressLimitExceeded', LIMIT);
    });
    await checkInstance([eth0]);
  });

  it('06 a second interface, tagged for the node at creation, attached at device index 1 (DeleteOnTermination set)', async () => {
    const before = await checkSubnet();
    eth1 = await createNodeInterface();
    assert.equal(await checkSubnet(), before - 1);
    eth1Attachment = await attach(server, {
      NetworkInterfaceId: eth1,
      InstanceId: instanceId,
      DeviceIndex: 1,
      NetworkCardIndex: 0
    });
    // Right after attaching, the CNI has the interface deleted with the instance.
    await server.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: eth1,
        Attachment: { AttachmentId: eth1Attachment, DeleteOnTermination: true }
      })
    );
    const attached = await describeEni(server, eth1);
    assert.equal(attached.Status, 'in-use');
    assert.equal(attached.Attachment?.AttachmentId, eth1Attachment);
    assert.equal(attached.Attachment?.InstanceId, instanceId);
    assert.equal(attached.Attachment?.DeviceIndex, 1);
    assert.equal(attached.Attachment?.DeleteOnTermination, true);
    assert.equal(await checkSubnet(), before - 1, 'attaching takes no address');
    await checkInstance([eth0, eth1]);
  });

  it('07 another interface at device index 1: InvalidParameterValue "… already has an interface attached at device index \'1\'."', async () => {
    const before = await checkSubnet();
    eth2 = await createNodeInterface();
    assert.equal(await checkSubnet(), before - 1);
    await unchangedAfter(() =>
      assertSdkError(
        server.ec2.send(
          new AttachNetworkInterfaceCommand({
            NetworkInterfaceId: eth2,
            InstanceId: instanceId,
            DeviceIndex: 1,
            NetworkCardIndex: 0
          })
        ),
        'InvalidParameterValue',
        deviceTaken(instanceId, 1)
      )
    );
    const left = await describeEni(server, eth2);
    assert.equal(left.Status, 'available');
    assert.equal(left.Attachment, undefined);
    await checkInstance([eth0, eth1]);
  });

  it('08 fills the second interface to the limit with the AWS CLI, then one more is over the limit', async () => {
    const before = await checkSubnet();
    const count = addressesPerInterface - 1;
    const cli = await server.aws(
      'ec2',
      'assign-private-ip-addresses',
      '--network-interface-id',
      eth1,
      '--secondary-private-ip-address-count',
      String(count)
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.json.NetworkInterfaceId, eth1);
    const fresh: string[] = cli.json.AssignedPrivateIpAddresses.map(
      (a: { PrivateIpAddress: string }) => a.PrivateIpAddress
    );
    assert.equal(new Set(fresh).size, count);
    holding(eth1).addresses.push(...fresh);
    assert.equal(await checkSubnet(), before - count);
    await unchangedAfter(() =>
      assertSdkError(assignRaw(eth1, { SecondaryPrivateIpAddressCount: 1 }), 'PrivateIpAddressLimitExceeded', LIMIT)
    );
    await checkInstance([eth0, eth1]);
  });

  it('09 attaches the third interface at the next free device index, 2 (left without DeleteOnTermination)', async () => {
    const before = await checkSubnet();
    await attach(server, { NetworkInterfaceId: eth2, InstanceId: instanceId, DeviceIndex: 2, NetworkCardIndex: 0 });
    const attached = await describeEni(server, eth2);
    assert.equal(attached.Status, 'in-use');
    assert.equal(attached.Attachment?.DeviceIndex, 2);
    assert.equal(attached.Attachment?.DeleteOnTermination, false);
    assert.equal(await checkSubnet(), before);
    await checkInstance([eth0, eth1, eth2]);
  });

  it(`10 a fourth interface: AttachmentLimitExceeded "Interface count 4 exceeds the limit for ${INSTANCE_TYPE}"; the CNI deletes it`, async () => {
    const before = await checkSubnet();
    const eth3 = await createNodeInterface();
    assert.equal(await checkSubnet(), before - 1);
    await unchangedAfter(async () =>
      assertCliError(
        await server.aws(
          'ec2',
          'attach-network-interface',
          '--network-interface-id',
          eth3,
          '--instance-id',
          instanceId,
          '--device-index',
          '3'
        ),
        'AttachmentLimitExceeded',
        `Interface count ${maxInterfaces + 1} exceeds the limit for ${INSTANCE_TYPE}`
      )
    );
    assert.equal((await describeEni(server, eth3)).Status, 'available');
    await checkInstance([eth0, eth1, eth2]);
    // On a failed attach the CNI deletes the interface it made: its address goes back.
    await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eth3 }));
    ledger.delete(eth3);
    assert.equal(await checkSubnet(), before);
  });

  it('11 prefix mode on the fresh third interface: Ipv4PrefixCount 2 gives aligned /28s of the subnet, 16 addresses each', async () => {
    const before = await checkSubnet();
    const blocksBefore = freeBlocks();
    const prefixes = await assignCount(eth2, 2, 'prefixes');
    for (const prefix of prefixes) {
      assertAlignedPrefix(prefix);
      assert.ok(blocksBefore.includes(toInt(prefix.split('/')[0]!)), `${prefix} was not a free block`);
    }
    assert.equal(new Set(prefixes).size, 2);
    // Only the primary address is listed; the prefixes' addresses are not.
    assert.deepEqual(addressesOf(await describeEni(server, eth2)), holding(eth2).addresses);
    assert.equal(slotsOf(eth2), 3, 'each prefix takes one slot');
    assert.equal(await checkSubnet(), before - 2 * 16);
    await checkInstance([eth0, eth1, eth2]);
  });

  it('12 a fragmented subnet: one neighbour address in every free /28, then Ipv4PrefixCount → InsufficientCidrBlocks', async () => {
    const blocks = freeBlocks();
    assert.ok(blocks.length > 0, 'the subnet has free /28 blocks to fragment');
    // Another tenant holds one address in the middle of each whole free block.
    const scattered = blocks.map((base) => toText(base + 8));
    const { NetworkInterface: eni } = await server.ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnet.id,
        PrivateIpAddresses: scattered.map((address, i) => ({ PrivateIpAddress: address, Primary: i === 0 }))
      })
    );
    assert.ok(eni?.NetworkInterfaceId);
    assert.deepEqual(addressesOf(eni), scattered);
    ledger.set(eni.NetworkInterfaceId, { addresses: scattered, prefixes: [] });
    neighbours.push(eni.NetworkInterfaceId);
    assert.deepEqual(freeBlocks(), []);
    const available = await checkSubnet();
    assert.ok(available >= 16, `free addresses remain (${available}), only no whole /28`);

    await unchangedAfter(async () => {
      await assertSdkError(assignRaw(eth2, { Ipv4PrefixCount: 1 }), 'InsufficientCidrBlocks', NO_FREE_BLOCKS);
      // The CNI in prefix mode creates its interfaces with a prefix: same answer, no interface made.
      await assertSdkError(
        server.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, Ipv4PrefixCount: 1 })),
        'InsufficientCidrBlocks',
        NO_FREE_BLOCKS
      );
    });
    await checkInstance([eth0, eth1, eth2]);
  });

  it('13 Cilium falls back to a /32 on the same interface when out of /28s: one secondary address', async () => {
    const before = await checkSubnet();
    await assignCount(eth2, 1, 'addresses');
    assert.equal(await checkSubnet(), before - 1);
    await checkInstance([eth0, eth1, eth2]);
  });

  it('14 a subnet out of room: a count beyond what is left → InsufficientFreeAddressesInSubnet; the retry with 1 works', async () => {
    // Other tenants take all but three addresses.
    const left = 3;
    while (expectedAvailable() > left) await neighbour(Math.min(expectedAvailable() - left, NEIGHBOUR_CHUNK));
    assert.equal(await checkSubnet(), left);
    const room = addressesPerInterface - slotsOf(eth2);
    assert.ok(room > left, 'the interface has more free slots than the subnet has addresses');

    await unchangedAfter(async () => {
      await assertSdkError(
        assignRaw(eth2, { SecondaryPrivateIpAddressCount: left + 1 }),
        'InsufficientFreeAddressesInSubnet',
        NO_FREE_ADDRESSES
      );
      await assertSdkError(
        server.ec2.send(
          new CreateNetworkInterfaceCommand({ SubnetId: subnet.id, SecondaryPrivateIpAddressCount: left })
        ),
        'InsufficientFreeAddressesInSubnet',
        NO_FREE_ADDRESSES
      );
      // Fewer than 16 addresses in all: a prefix fails with the "not enough of anything" answer.
      await assertSdkError(assignRaw(eth2, { Ipv4PrefixCount: 1 }), 'InvalidParameterValue', NO_ROOM_AT_ALL);
    });

    // The VPC CNI retries once with n = 1; then the rest is taken and the subnet shows 0.
    await assignCount(eth2, 1, 'addresses');
    assert.equal(await checkSubnet(), left - 1);
    await assignCount(eth2, left - 1, 'addresses');
    assert.equal(await checkSubnet(), 0);
    await unchangedAfter(() =>
      assertSdkError(
        assignRaw(eth2, { SecondaryPrivateIpAddressCount: 1 }),
        'InsufficientFreeAddressesInSubnet',
        NO_FREE_ADDRESSES
      )
    );
    await checkInstance([eth0, eth1, eth2]);
  });

  it('15 shrinks the pool: UnassignPrivateIpAddresses of addresses, then of a prefix (separate calls, as the CNI makes them)', async () => {
    let expected = await checkSubnet();

    // The third interface gives back its secondary addresses.
    const secondaries = holding(eth2).addresses.slice(1);
    assert.ok(secondaries.length > 0);
    await server.ec2.send(
      new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eth2, PrivateIpAddresses: secondaries })
    );
    holding(eth2).addresses = holding(eth2).addresses.slice(0, 1);
    expected += secondaries.length;
    assert.equal(await checkSubnet(), expected);

    // …and one of its prefixes, with the AWS CLI.
    const [prefix] = holding(eth2).prefixes;
    assert.ok(prefix);
    const cli = await server.aws(
      'ec2',
      'unassign-private-ip-addresses',
      '--network-interface-id',
      eth2,
      '--ipv4-prefixes',
      prefix
    );
    assert.equal(cli.code, 0, cli.stderr);
    holding(eth2).prefixes = holding(eth2).prefixes.filter((p) => p !== prefix);
    expected += 16;
    assert.equal(await checkSubnet(), expected);

    // The primary interface releases part of its warm pool.
    const released = holding(eth0).addresses.slice(-4);
    await server.ec2.send(
      new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eth0, PrivateIpAddresses: released })
    );
    holding(eth0).addresses = holding(eth0).addresses.filter((a) => !released.includes(a));
    expected += released.length;
    assert.equal(await checkSubnet(), expected);
    await checkInstance([eth0, eth1, eth2]);
  });

  it("16 moves a secondary between the node's interfaces: refused without AllowReassignment, moved with it", async () => {
    const address = holding(eth1).addresses[1]!;
    await unchangedAfter(() =>
      assertSdkError(
        server.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eth0, PrivateIpAddresses: [address] })
        ),
        'InvalidParameterValue',
        moveNotAllowed(address)
      )
    );
    const before = await checkSubnet();
    const { addresses } = await assign(server, {
      NetworkInterfaceId: eth0,
      PrivateIpAddresses: [address],
      AllowReassignment: true
    });
    assert.deepEqual(addresses, [address]);
    holding(eth1).addresses = holding(eth1).addresses.filter((a) => a !== address);
    holding(eth0).addresses.push(address);
    assert.equal(await checkSubnet(), before, 'a move within the subnet takes no address');
    await checkInstance([eth0, eth1, eth2]);
  });

  it('17 detaches the second interface: available again, addresses kept, count unchanged', async () => {
    const before = await checkSubnet();
    const kept = [...holding(eth1).addresses];
    await server.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eth1Attachment }));
    const detached = await describeEni(server, eth1);
    assert.equal(detached.Status, 'available');
    assert.equal(detached.Attachment, undefined);
    assert.deepEqual(addressesOf(detached), kept);
    assert.equal(await checkSubnet(), before);
    await checkInstance([eth0, eth2]);
  });

  it('18 deletes the detached interface: its addresses go back to the subnet', async () => {
    const before = await checkSubnet();
    const freed = holding(eth1).addresses.length;
    await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eth1 }));
    ledger.delete(eth1);
    assert.equal(await checkSubnet(), before + freed);
    // The CNI's delete loop treats NotFound on a repeat as done.
    await assertSdkError(
      server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eth1 })),
      'InvalidNetworkInterfaceID.NotFound',
      eniNotFound(eth1)
    );
    await checkInstance([eth0, eth2]);
  });

  it('19 the primary interface cannot be detached: OperationNotPermitted', async () => {
    const attachmentId = (await describeEni(server, eth0)).Attachment?.AttachmentId;
    assert.ok(attachmentId);
    await unchangedAfter(() =>
      assertSdkError(
        server.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId })),
        'OperationNotPermitted',
        'The network interface at device index 0 and networkCard index 0 cannot be detached.'
      )
    );
    assert.equal((await describeEni(server, eth0)).Status, 'in-use');
    await checkInstance([eth0, eth2]);
  });

  it('20 terminates the instance (AWS CLI): the primary interface goes and frees its addresses; the third stays, available', async () => {
    const before = await checkSubnet();
    const freed = holding(eth0).addresses.length + 16 * holding(eth0).prefixes.length;
    const cli = await server.aws('ec2', 'terminate-instances', '--instance-ids', instanceId);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.json.TerminatingInstances[0].InstanceId, instanceId);
    assert.equal(cli.json.TerminatingInstances[0].CurrentState.Name, 'shutting-down');
    ledger.delete(eth0);

    await assertSdkError(
      server.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth0] })),
      'InvalidNetworkInterfaceID.NotFound',
      eniNotFound(eth0)
    );
    const survivor = await describeEni(server, eth2);
    assert.equal(survivor.Status, 'available');
    assert.equal(survivor.Attachment, undefined);
    assert.deepEqual(addressesOf(survivor), holding(eth2).addresses);
    assert.deepEqual(prefixesOf(survivor), holding(eth2).prefixes);
    assert.equal((await describeInstance(server, instanceId)).State?.Name, 'terminated');

    // Back to the starting count, except what still-existing interfaces hold.
    const stillHeld = (id: string) => holding(id).addresses.length + 16 * holding(id).prefixes.length;
    const available = await checkSubnet();
    assert.equal(available, before + freed);
    assert.equal(
      available,
      INITIAL_AVAILABLE - stillHeld(eth2) - neighbours.reduce((sum, id) => sum + stillHeld(id), 0)
    );
  });

  it("21 the CNI's leaked-interface sweep finds the node's left-over interface by its tag and deletes it", async () => {
    const { NetworkInterfaces } = await server.ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'tag-key', Values: [NODE_TAG] },
          { Name: 'status', Values: ['available'] },
          { Name: 'vpc-id', Values: [vpcId] }
        ],
        MaxResults: 1000
      })
    );
    const leaked: NetworkInterface[] = NetworkInterfaces ?? [];
    assert.deepEqual(
      leaked.map((e) => e.NetworkInterfaceId),
      [eth2]
    );
    assert.deepEqual(leaked[0]?.TagSet?.find((t) => t.Key === NODE_TAG)?.Value, instanceId);

    const before = await checkSubnet();
    const freed = holding(eth2).addresses.length + 16 * holding(eth2).prefixes.length;
    await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eth2 }));
    ledger.delete(eth2);
    assert.equal(await checkSubnet(), before + freed);
  });

  it('22 the other tenants leave: the subnet is back to its initial count', async () => {
    for (const id of neighbours) {
      await server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
      ledger.delete(id);
      await checkSubnet();
    }
    assert.equal(ledger.size, 0);
    assert.equal(await checkSubnet(), INITIAL_AVAILABLE);
    assert.deepEqual(await subnet.interfaces(), []);
  });
});
