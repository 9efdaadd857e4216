import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  EC2Client,
  type NetworkInterface
} from '@aws-sdk/client-ec2';
import { seededRandom } from '../../src/domain/random.js';
import { runCheck } from '../helpers/child-server.js';
import { type TestServer, credentials, startTestServer } from '../helpers/ec2lite.js';
import { type LabSubnet, VpcLab, addressesOf, secondariesOf } from '../helpers/vpc-lab.js';

/**
 * Concurrency (issue part 5): 64 clients, each with its own connections, race for the last addresses of one
 * subnet and for the same addresses between two interfaces. Every address is handed out once; what cannot be
 * served is InsufficientFreeAddressesInSubnet (or, for one named address, EC2's "move is not allowed"), and
 * nothing else happens.
 */

const CLIENTS = 64;
const SEED = 64_064;

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly status?: number;
  readonly addresses: string[];
}

async function attempt(
  call: Promise<{ AssignedPrivateIpAddresses?: { PrivateIpAddress?: string }[] }>
): Promise<Outcome> {
  try {
    const out = await call;
    return { ok: true, addresses: (out.AssignedPrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!) };
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { ok: false, code: e.name, status: e.$metadata?.httpStatusCode ?? 0, addresses: [] };
  }
}

/** Every address of the subnet mapped to the interfaces that list it. */
function holders(interfaces: readonly NetworkInterface[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const eni of interfaces) {
    for (const a of addressesOf(eni)) map.set(a, [...(map.get(a) ?? []), eni.NetworkInterfaceId!]);
  }
  return map;
}

function assertNoAddressTwice(interfaces: readonly NetworkInterface[]): void {
  for (const [address, ids] of holders(interfaces))
    assert.equal(ids.length, 1, `${address} is on ${ids.join(' and ')}`);
}

describe('64 concurrent clients', () => {
  let dataDir: string;
  let server: TestServer;
  let lab: VpcLab;
  let clients: EC2Client[];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-concurrency-'));
    server = await startTestServer({ ephemeral: false, dataDir });
    lab = await VpcLab.create(server);
    clients = Array.from(
      { length: CLIENTS },
      () => new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 })
    );
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.close();
    // The folder the races left behind holds every invariant.
    const check = await runCheck(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  /** A /24 with one interface per client and fillers that leave exactly `free` addresses. */
  async function nearlyFull(free: number): Promise<{ subnet: LabSubnet; enis: string[]; before: Set<string> }> {
    const subnet = await lab.subnet(24);
    const enis: string[] = [];
    for (let i = 0; i < CLIENTS; i++) enis.push((await subnet.eni()).NetworkInterfaceId!);
    let left = (await subnet.available()) - free;
    while (left > 0) {
      const take = Math.min(left, 49);
      await subnet.eni({ SecondaryPrivateIpAddressCount: take - 1 });
      left -= take;
    }
    assert.equal(await subnet.available(), free);
    return { subnet, enis, before: new Set(holders(await subnet.interfaces()).keys()) };
  }

  it('hand out the last 40 addresses of a subnet once each, then answer InsufficientFreeAddressesInSubnet', async (t) => {
    const { subnet, enis, before: taken } = await nearlyFull(40);
    const told = new Map<string, string[]>(enis.map((id) => [id, []]));
    const outcomes: Outcome[] = [];
    await Promise.all(
      clients.map(async (ec2, i) => {
        const random = seededRandom(SEED + i);
        const eni = enis[i]!;
        // Ask for 1–3 at a time until even a single address is refused.
        for (let count = 1 + random.below(3); count > 0;) {
          const outcome = await attempt(
            ec2.send(
              new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: count })
            )
          );
          outcomes.push(outcome);
          if (outcome.ok) told.get(eni)!.push(...outcome.addresses);
          else count--;
        }
      })
    );
    const handedOut = [...told.values()].flat();
    const duplicates = handedOut.length - new Set(handedOut).size;
    const failures = outcomes.filter((o) => !o.ok);
    t.diagnostic(
      `${outcomes.length} requests: ${outcomes.length - failures.length} served (${handedOut.length} addresses), ` +
        `${failures.length} refused; duplicates: ${duplicates}`
    );
    assert.equal(duplicates, 0);
    assert.equal(handedOut.length, 40);
    for (const a of handedOut) assert.ok(subnet.usable(a) && !taken.has(a), `${a} was not free`);
    for (const f of failures) assert.deepEqual([f.code, f.status], ['InsufficientFreeAddressesInSubnet', 400]);
    assert.equal(await subnet.available(), 0);
    const interfaces = await subnet.interfaces();
    assertNoAddressTwice(interfaces);
    for (const eni of interfaces.filter((e) => told.has(e.NetworkInterfaceId!))) {
      assert.deepEqual(secondariesOf(eni).sort(), told.get(eni.NetworkInterfaceId!)!.sort());
    }
  });

  it('create interfaces into the last 10 addresses: 10 served, the rest InsufficientFreeAddressesInSubnet', async () => {
    const { subnet } = await nearlyFull(10);
    const outcomes = await Promise.all(
      clients.map(async (ec2) => {
        try {
          const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.id }));
          return { ok: true, address: NetworkInterface!.PrivateIpAddress! };
        } catch (error) {
          const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
          return { ok: false, code: e.name, status: e.$metadata?.httpStatusCode };
        }
      })
    );
    const served = outcomes.filter((o) => o.ok).map((o) => o.address!);
    assert.equal(served.length, 10);
    assert.equal(new Set(served).size, 10);
    for (const o of outcomes.filter((x) => !x.ok))
      assert.deepEqual([o.code, o.status], ['InsufficientFreeAddressesInSubnet', 400]);
    assert.equal(await subnet.available(), 0);
    assertNoAddressTwice(await subnet.interfaces());
  });

  it('give one named free address to exactly one of 64 interfaces asking for it at once', async () => {
    const { subnet, enis, before: taken } = await nearlyFull(5);
    const wanted = [...Array(subnet.size).keys()]
      .map((o) => subnet.at(o))
      .find((a) => subnet.usable(a) && !taken.has(a))!;
    const outcomes = await Promise.all(
      clients.map((ec2, i) =>
        attempt(
          ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: enis[i]!, PrivateIpAddresses: [wanted] }))
        )
      )
    );
    assert.equal(outcomes.filter((o) => o.ok).length, 1);
    for (const o of outcomes.filter((x) => !x.ok)) assert.deepEqual([o.code, o.status], ['InvalidParameterValue', 400]);
    const interfaces = await subnet.interfaces();
    assertNoAddressTwice(interfaces);
    assert.equal(holders(interfaces).get(wanted)?.length, 1);
    assert.equal(await subnet.available(), 4);
  });

  it('race AllowReassignment between two interfaces: every request served, each address ends on exactly one', async (t) => {
    const subnet = await lab.subnet(24);
    const a = await subnet.eni({ SecondaryPrivateIpAddressCount: 20 });
    const b = await subnet.eni();
    const pool = secondariesOf(a);
    const ids = [a.NetworkInterfaceId!, b.NetworkInterfaceId!];
    const availableBefore = await subnet.available();
    const outcomes: Outcome[] = [];
    await Promise.all(
      clients.map(async (ec2, i) => {
        const random = seededRandom(SEED * 7 + i);
        for (let round = 0; round < 8; round++) {
          const addresses = pool.filter(() => random.below(4) === 0).slice(0, 6);
          if (addresses.length === 0) addresses.push(pool[random.below(pool.length)]!);
          outcomes.push(
            await attempt(
              ec2.send(
                new AssignPrivateIpAddressesCommand({
                  NetworkInterfaceId: ids[random.below(2)]!,
                  PrivateIpAddresses: addresses,
                  AllowReassignment: true
                })
              )
            )
          );
        }
      })
    );
    const failures = outcomes.filter((o) => !o.ok);
    t.diagnostic(`${outcomes.length} reassignments raced, ${failures.length} failed`);
    assert.deepEqual(failures, []);
    const interfaces = await subnet.interfaces();
    assertNoAddressTwice(interfaces);
    const onPair = interfaces.filter((e) => ids.includes(e.NetworkInterfaceId!)).flatMap(secondariesOf);
    assert.deepEqual(onPair.sort(), [...pool].sort());
    assert.equal(await subnet.available(), availableBefore);
  });
});
