import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DetachNetworkInterfaceCommand, UnassignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { attach } from '../helpers/attach-lab.js';
import { type TestServer, startTestServer } from '../helpers/ec2lite.js';
import { eventually, imdsGet, imdsList, launchInstance, metadataEndpoints } from '../helpers/imds.js';
import { type LabSubnet, VpcLab, addressesOf, assign, describeEni } from '../helpers/vpc-lab.js';

/** The metadata lag of the main server in these tests. */
const DELAY = 1000;

/** An instance with its eth0, as a lag test needs it. */
interface Subject {
  readonly instanceId: string;
  readonly eniId: string;
  readonly mac: string;
  readonly endpoint: string;
}

async function launchSubject(server: TestServer, subnet: LabSubnet): Promise<Subject> {
  const instance = await launchInstance(server, { InstanceType: 'm5.large', SubnetId: subnet.id });
  const eni = instance.NetworkInterfaces![0]!;
  return {
    instanceId: instance.InstanceId!,
    eniId: eni.NetworkInterfaceId!,
    mac: eni.MacAddress!,
    endpoint: (await metadataEndpoints(server, instance.InstanceId!)).endpoint
  };
}

const ipsOf = (subject: Subject) => imdsList(subject.endpoint, `network/interfaces/macs/${subject.mac}/local-ipv4s`);
const macsOf = async (subject: Subject) =>
  (await imdsList(subject.endpoint, 'network/interfaces/macs/')).map((m) => m.replace(/\/$/, ''));

/**
 * Asserts that `present` is false now, provided the read ended before `since + DELAY` (when it could not yet
 * legitimately show); a machine too slow to read in time proves nothing either way.
 */
async function assertNotYet(since: number, read: () => Promise<boolean>, what: string): Promise<void> {
  const shown = await read();
  if (Date.now() < since + DELAY) assert.equal(shown, false, `${what} showed before the delay`);
}

describe('IMDS: the metadata lags the control plane', () => {
  let server: TestServer;
  let subnet: LabSubnet;

  before(async () => {
    server = await startTestServer({ imdsDelayMs: DELAY });
    subnet = await (await VpcLab.create(server)).subnet(24);
  });
  after(() => server.close());

  it('shows a launched instance complete at once', async () => {
    const subject = await launchSubject(server, subnet);
    assert.deepEqual(await macsOf(subject), [subject.mac]);
    assert.deepEqual(await ipsOf(subject), addressesOf(await describeEni(server, subject.eniId)));
  });

  it('shows an assigned address in local-ipv4s only after the delay, while DescribeNetworkInterfaces has it at once', async () => {
    const subject = await launchSubject(server, subnet);
    const started = Date.now();
    const { addresses } = await assign(server, {
      NetworkInterfaceId: subject.eniId,
      SecondaryPrivateIpAddressCount: 1
    });
    const address = addresses[0]!;
    assert.ok(addressesOf(await describeEni(server, subject.eniId)).includes(address));
    await assertNotYet(started, async () => (await ipsOf(subject)).includes(address), address);
    const { at, value } = await eventually(
      () => ipsOf(subject),
      (ips) => ips.includes(address)
    );
    assert.ok(at >= started + DELAY, `shown after ${at - started} ms`);
    assert.deepEqual(value, addressesOf(await describeEni(server, subject.eniId)));
  });

  it('takes an unassigned address out of local-ipv4s only after the delay', async () => {
    const subject = await launchSubject(server, subnet);
    const { addresses } = await assign(server, {
      NetworkInterfaceId: subject.eniId,
      SecondaryPrivateIpAddressCount: 2
    });
    await eventually(
      () => ipsOf(subject),
      (ips) => addresses.every((a) => ips.includes(a))
    );
    const started = Date.now();
    await server.ec2.send(
      new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: subject.eniId, PrivateIpAddresses: [addresses[0]!] })
    );
    await assertNotYet(
      started,
      async () => !(await ipsOf(subject)).includes(addresses[0]!),
      `removal of ${addresses[0]}`
    );
    const { at, value } = await eventually(
      () => ipsOf(subject),
      (ips) => !ips.includes(addresses[0]!)
    );
    assert.ok(at >= started + DELAY);
    assert.ok(value.includes(addresses[1]!));
  });

  it('moves a reassigned address out of one instance and into the other after the delay', async () => {
    const from = await launchSubject(server, subnet);
    const to = await launchSubject(server, subnet);
    const { addresses } = await assign(server, { NetworkInterfaceId: from.eniId, SecondaryPrivateIpAddressCount: 1 });
    const moving = addresses[0]!;
    await eventually(
      () => ipsOf(from),
      (ips) => ips.includes(moving)
    );
    const started = Date.now();
    await assign(server, { NetworkInterfaceId: to.eniId, PrivateIpAddresses: [moving], AllowReassignment: true });
    await assertNotYet(
      started,
      async () => (await ipsOf(to)).includes(moving) || !(await ipsOf(from)).includes(moving),
      'the move'
    );
    const { at } = await eventually(
      () => ipsOf(to),
      (ips) => ips.includes(moving)
    );
    assert.ok(at >= started + DELAY);
    assert.ok(!(await ipsOf(from)).includes(moving), 'the address left the source instance with the same change');
    assert.deepEqual(await ipsOf(from), addressesOf(await describeEni(server, from.eniId)));
    assert.deepEqual(await ipsOf(to), addressesOf(await describeEni(server, to.eniId)));
  });

  it('gives each change its own delay: a later change neither reveals an earlier one early nor hides it late', async () => {
    const subject = await launchSubject(server, subnet);
    const firstAt = Date.now();
    const first = (await assign(server, { NetworkInterfaceId: subject.eniId, SecondaryPrivateIpAddressCount: 1 }))
      .addresses[0]!;
    await sleep(DELAY / 2);
    const secondAt = Date.now();
    const second = (await assign(server, { NetworkInterfaceId: subject.eniId, SecondaryPrivateIpAddressCount: 1 }))
      .addresses[0]!;
    // The first change shows on its own time, before the second one does.
    const shown = await eventually(
      () => ipsOf(subject),
      (ips) => ips.includes(first),
      10_000,
      10
    );
    assert.ok(shown.at >= firstAt + DELAY);
    if (shown.at < secondAt + DELAY)
      assert.ok(!shown.value.includes(second), 'the second change showed with the first');
    const both = await eventually(
      () => ipsOf(subject),
      (ips) => ips.includes(second)
    );
    assert.ok(both.at >= secondAt + DELAY);
    assert.ok(both.value.includes(first));
  });

  it('lists an attached interface after the delay, and drops it after the delay once detached', async () => {
    const subject = await launchSubject(server, subnet);
    const extra = await subnet.eni({ SecondaryPrivateIpAddressCount: 1 });
    const attachedAt = Date.now();
    const attachmentId = await attach(server, {
      NetworkInterfaceId: extra.NetworkInterfaceId!,
      InstanceId: subject.instanceId,
      DeviceIndex: 1
    });
    await assertNotYet(attachedAt, async () => (await macsOf(subject)).includes(extra.MacAddress!), 'the attachment');
    const listed = await eventually(
      () => macsOf(subject),
      (macs) => macs.includes(extra.MacAddress!)
    );
    assert.ok(listed.at >= attachedAt + DELAY);
    assert.equal(
      (await imdsGet(subject.endpoint, `network/interfaces/macs/${extra.MacAddress}/device-number`)).text,
      '1'
    );
    assert.deepEqual(
      await imdsList(subject.endpoint, `network/interfaces/macs/${extra.MacAddress}/local-ipv4s`),
      addressesOf(extra)
    );

    const detachedAt = Date.now();
    await server.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId }));
    await assertNotYet(detachedAt, async () => !(await macsOf(subject)).includes(extra.MacAddress!), 'the detachment');
    const gone = await eventually(
      () => macsOf(subject),
      (macs) => !macs.includes(extra.MacAddress!)
    );
    assert.ok(gone.at >= detachedAt + DELAY);
    assert.deepEqual(gone.value, [subject.mac]);
  });

  it('shows a change at once with a delay of 0', async () => {
    const instant = await startTestServer({ imdsDelayMs: 0 });
    try {
      const subject = await launchSubject(instant, await (await VpcLab.create(instant)).subnet(24));
      const { addresses } = await assign(instant, {
        NetworkInterfaceId: subject.eniId,
        SecondaryPrivateIpAddressCount: 2
      });
      const ips = await ipsOf(subject);
      assert.deepEqual(ips, addressesOf(await describeEni(instant, subject.eniId)));
      assert.deepEqual(ips.slice(1), addresses);
      const { prefixes } = await assign(instant, { NetworkInterfaceId: subject.eniId, Ipv4PrefixCount: 1 });
      assert.deepEqual(
        await imdsList(subject.endpoint, `network/interfaces/macs/${subject.mac}/ipv4-prefix`),
        prefixes
      );
    } finally {
      await instant.close();
    }
  });
});

describe('IMDS: a detached interface lingers', () => {
  it('keeps the MAC listed for the linger time with every key a 404, then drops it', async () => {
    const LINGER = 800;
    const server = await startTestServer({ imdsDelayMs: 0, imdsLingerMs: LINGER });
    try {
      const subnet = await (await VpcLab.create(server)).subnet(24);
      const subject = await launchSubject(server, subnet);
      const extra = await subnet.eni({});
      const attachmentId = await attach(server, {
        NetworkInterfaceId: extra.NetworkInterfaceId!,
        InstanceId: subject.instanceId,
        DeviceIndex: 1
      });
      assert.deepEqual((await macsOf(subject)).sort(), [subject.mac, extra.MacAddress!].sort());
      const detachedAt = Date.now();
      await server.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId }));
      const macs = await macsOf(subject);
      if (Date.now() < detachedAt + LINGER) {
        assert.deepEqual(macs.sort(), [subject.mac, extra.MacAddress!].sort());
        for (const key of ['', 'device-number', 'interface-id', 'local-ipv4s']) {
          const response = await imdsGet(subject.endpoint, `network/interfaces/macs/${extra.MacAddress}/${key}`);
          assert.equal(response.status, 404, `key ${key}`);
        }
        assert.equal(
          (await imdsGet(subject.endpoint, `network/interfaces/macs/${subject.mac}/device-number`)).text,
          '0'
        );
      }
      const gone = await eventually(
        () => macsOf(subject),
        (list) => !list.includes(extra.MacAddress!)
      );
      assert.ok(gone.at >= detachedAt + LINGER);
    } finally {
      await server.close();
    }
  });
});

describe('IMDS: pending changes survive a restart', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-imds-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps a change that was pending when the server stopped pending until its own time', async () => {
    const RESTART_DELAY = 2000;
    const first = await startTestServer({ ephemeral: false, dataDir, imdsDelayMs: RESTART_DELAY });
    let subject: Subject;
    let address: string;
    let started: number;
    try {
      subject = await launchSubject(first, await (await VpcLab.create(first)).subnet(24));
      started = Date.now();
      address = (await assign(first, { NetworkInterfaceId: subject.eniId, SecondaryPrivateIpAddressCount: 1 }))
        .addresses[0]!;
    } finally {
      await first.close();
    }
    // The restarted server shows changes at once, but one journalled before keeps its time.
    const second = await startTestServer({ ephemeral: false, dataDir, imdsDelayMs: 0 });
    try {
      const endpoints = await metadataEndpoints(second, subject.instanceId);
      assert.equal(
        new URL(endpoints.endpoint).hostname,
        new URL(subject.endpoint).hostname,
        'the instance keeps its address'
      );
      const restarted = { ...subject, endpoint: endpoints.endpoint };
      const ips = await ipsOf(restarted);
      if (Date.now() < started + RESTART_DELAY)
        assert.ok(!ips.includes(address), 'the pending change showed early after the restart');
      const { at } = await eventually(
        () => ipsOf(restarted),
        (list) => list.includes(address)
      );
      assert.ok(at >= started + RESTART_DELAY);
      // A change made now, with the restarted server's delay of 0, shows at once but not before the pending one.
      const later = (await assign(second, { NetworkInterfaceId: subject.eniId, SecondaryPrivateIpAddressCount: 1 }))
        .addresses[0]!;
      assert.ok((await ipsOf(restarted)).includes(later));
    } finally {
      await second.close();
    }
  });
});
