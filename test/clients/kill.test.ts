import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  UnassignPrivateIpAddressesCommand
} from '@aws-sdk/client-ec2';
import { seededRandom } from '../../src/domain/random.js';
import { type ChildServer, runCheck, startChildServer } from '../helpers/child-server.js';
import { toInt, toText } from '../helpers/vpc-lab.js';

/**
 * Crash safety (issue part 4): several clients keep assigning and unassigning addresses while the server is
 * killed with SIGKILL; after a restart on the same data folder every change acknowledged to a client is there,
 * no address is on two interfaces, AvailableIpAddressCount agrees with the rows, and `ec2lite check` is clean.
 *
 * Each worker owns its interfaces and sends one request at a time, so it knows exactly what they hold after
 * every acknowledged answer (an EC2 error changes nothing: every action is all-or-nothing). Only the request in
 * flight when the server died may have landed or not; the state after the restart must be one of those two.
 */

const SEED = 20_261_129;
const WORKERS = 6;
/** Addresses an unattached interface may hold beyond its primary (the default cap is 50 slots). */
const MAX_SECONDARIES = 40;
const ROUNDS: readonly { sync: 'normal' | 'full'; loadMs: number }[] = [
  { sync: 'normal', loadMs: 2_000 },
  { sync: 'full', loadMs: 1_500 },
  { sync: 'normal', loadMs: 2_500 }
];

/** What an unanswered request would have done, had it landed. */
type Pending =
  | { kind: 'assign-count'; eni: string; count: number }
  | { kind: 'assign'; eni: string; address: string }
  | { kind: 'unassign'; eni: string; addresses: string[] }
  | { kind: 'move'; from: string; to: string; address: string };

interface Figures {
  sent: number;
  /** Answered with 200: a change the client was told happened. */
  acknowledgedChanges: number;
  /** Answered with an EC2 error: the client was told nothing changed. */
  acknowledgedRefusals: number;
  /** Refused at connect after the kill: never delivered. */
  notDelivered: number;
  /** In flight when the server died: no answer, either outcome allowed. */
  unanswered: number;
  /** Acknowledged state missing or contradicted after the restart (target 0). */
  lost: number;
}

/** Secondary addresses per interface, as the clients were told. */
type Model = Map<string, Set<string>>;

interface Lab {
  subnetId: string;
  base: number;
  size: number;
  /** Interfaces of worker i (the last worker owns two and moves addresses between them). */
  enis: string[][];
}

async function setUp(ec2: EC2Client): Promise<Lab> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const { Subnet } = await ec2.send(
    new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.20.4.0/22', AvailabilityZone: 'us-east-1a' })
  );
  const enis: string[][] = [];
  for (let w = 0; w < WORKERS; w++) {
    const count = w === WORKERS - 1 ? 2 : 1;
    const own: string[] = [];
    for (let i = 0; i < count; i++) {
      const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnet!.SubnetId! }));
      own.push(NetworkInterface!.NetworkInterfaceId!);
    }
    enis.push(own);
  }
  return { subnetId: Subnet!.SubnetId!, base: toInt('10.20.4.0'), size: 1024, enis };
}

interface Observed {
  /** Secondary addresses per interface. */
  secondaries: Map<string, Set<string>>;
  /** Every address of the subnet with the interfaces holding it. */
  holders: Map<string, string[]>;
  available: number;
}

async function observe(ec2: EC2Client, lab: Lab): Promise<Observed> {
  const { NetworkInterfaces } = await ec2.send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [lab.subnetId] }] })
  );
  const secondaries = new Map<string, Set<string>>();
  const holders = new Map<string, string[]>();
  for (const eni of NetworkInterfaces ?? []) {
    const id = eni.NetworkInterfaceId!;
    secondaries.set(
      id,
      new Set((eni.PrivateIpAddresses ?? []).filter((a) => !a.Primary).map((a) => a.PrivateIpAddress!))
    );
    for (const a of eni.PrivateIpAddresses ?? [])
      holders.set(a.PrivateIpAddress!, [...(holders.get(a.PrivateIpAddress!) ?? []), id]);
    assert.equal(eni.Ipv4Prefixes?.length ?? 0, 0);
  }
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [lab.subnetId] }));
  return { secondaries, holders, available: Subnets![0]!.AvailableIpAddressCount! };
}

const same = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

/**
 * Compares what the server holds after the restart with what the clients were told, allowing either outcome of
 * each unanswered request. Returns the number of addresses that contradict an acknowledgement (lost changes) and
 * the model to carry into the next round.
 */
function reconcile(
  model: Model,
  pending: readonly Pending[],
  observed: Observed
): { lost: number; problems: string[]; next: Model } {
  const problems: string[] = [];
  let lost = 0;
  const next: Model = new Map();
  const expected = new Map<string, Set<string>[]>();
  for (const [eni, held] of model) expected.set(eni, [held]);
  for (const p of pending) {
    if (p.kind === 'assign') expected.get(p.eni)!.push(new Set([...model.get(p.eni)!, p.address]));
    if (p.kind === 'unassign')
      expected.get(p.eni)!.push(new Set([...model.get(p.eni)!].filter((a) => !p.addresses.includes(a))));
    if (p.kind === 'move') {
      const landed = (observed.secondaries.get(p.to) ?? new Set()).has(p.address);
      // A move lands on both interfaces or on neither.
      if (landed) {
        expected.set(p.from, [new Set([...model.get(p.from)!].filter((a) => a !== p.address))]);
        expected.set(p.to, [new Set([...model.get(p.to)!, p.address])]);
      }
    }
  }
  for (const [eni, allowed] of expected) {
    const actual = observed.secondaries.get(eni) ?? new Set<string>();
    const countAssign = pending.find(
      (p): p is Extract<Pending, { kind: 'assign-count' }> => p.kind === 'assign-count' && p.eni === eni
    );
    const base = allowed[0]!;
    const matches =
      allowed.some((set) => same(set, actual)) ||
      (countAssign !== undefined &&
        [...base].every((a) => actual.has(a)) &&
        actual.size === base.size + countAssign.count);
    if (!matches) {
      const missing = [...base].filter((a) => !actual.has(a));
      const extra = [...actual].filter((a) => !base.has(a));
      lost += missing.length + extra.length;
      problems.push(
        `${eni}: acknowledged ${[...base].sort().join(' ')}; after the restart ${[...actual].sort().join(' ')}`
      );
    }
    next.set(eni, new Set(actual));
  }
  return { lost, problems, next };
}

/** Drives load from all workers until the server dies; returns the requests left unanswered. */
async function load(
  server: ChildServer,
  lab: Lab,
  model: Model,
  figures: Figures,
  seed: number,
  killAfterMs: number
): Promise<Pending[]> {
  let dead = false;
  const pending: Pending[] = [];
  const usable = (offset: number): string => toText(lab.base + 4 + (offset % (lab.size - 5)));

  const worker = async (w: number): Promise<void> => {
    const random = seededRandom(seed + w);
    const ec2 = server.client();
    const [eni, partner] = lab.enis[w]!;
    try {
      while (!dead) {
        const held = [...model.get(eni!)!];
        let op: Pending;
        let command;
        const choice = random.below(10);
        if (partner !== undefined && choice < 4) {
          // Move a secondary between the worker's two interfaces (AllowReassignment), or give one a new address.
          const [from, to] = random.below(2) === 0 ? [eni!, partner] : [partner, eni!];
          const candidates = [...model.get(from)!];
          if (candidates.length === 0) {
            op = { kind: 'assign-count', eni: from, count: 1 };
            command = new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: from,
              SecondaryPrivateIpAddressCount: 1
            });
          } else {
            const address = candidates[random.below(candidates.length)]!;
            op = { kind: 'move', from, to, address };
            command = new AssignPrivateIpAddressesCommand({
              NetworkInterfaceId: to,
              PrivateIpAddresses: [address],
              AllowReassignment: true
            });
          }
        } else if (held.length >= MAX_SECONDARIES || (held.length > 4 && choice < 7)) {
          const addresses = held.filter(() => random.below(3) === 0).slice(0, 4);
          if (addresses.length === 0) addresses.push(held[0]!);
          op = { kind: 'unassign', eni: eni!, addresses };
          command = new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eni!, PrivateIpAddresses: addresses });
        } else if (choice < 8) {
          const count = 1 + random.below(3);
          op = { kind: 'assign-count', eni: eni!, count };
          command = new AssignPrivateIpAddressesCommand({
            NetworkInterfaceId: eni!,
            SecondaryPrivateIpAddressCount: count
          });
        } else {
          // A named address anywhere in the subnet: often someone else's, which EC2 refuses and nothing changes.
          const address = usable(random.below(lab.size));
          op = { kind: 'assign', eni: eni!, address };
          command = new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni!, PrivateIpAddresses: [address] });
        }
        figures.sent++;
        let output: { AssignedPrivateIpAddresses?: { PrivateIpAddress?: string }[] };
        try {
          output = (await ec2.send(command as never)) as typeof output;
        } catch (error) {
          const e = error as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string };
          const status = e.$metadata?.httpStatusCode;
          if (status !== undefined && status >= 400 && status < 500) {
            figures.acknowledgedRefusals++;
            continue;
          }
          if (e.code === 'ECONNREFUSED' && dead) figures.notDelivered++;
          else {
            figures.unanswered++;
            pending.push(op);
          }
          return;
        }
        figures.acknowledgedChanges++;
        if (op.kind === 'assign-count' || op.kind === 'assign') {
          for (const a of output.AssignedPrivateIpAddresses ?? []) model.get(op.eni)!.add(a.PrivateIpAddress!);
        } else if (op.kind === 'unassign') {
          for (const a of op.addresses) model.get(op.eni)!.delete(a);
        } else {
          model.get(op.from)!.delete(op.address);
          model.get(op.to)!.add(op.address);
        }
      }
    } finally {
      ec2.destroy();
    }
  };

  const running = lab.enis.map((_, w) => worker(w));
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  dead = true;
  server.process.kill('SIGKILL');
  const { signal } = await server.exited;
  assert.equal(signal, 'SIGKILL');
  await Promise.all(running);
  return pending;
}

describe('SIGKILL during sustained assign/unassign load', () => {
  let dataDir: string;
  const figures: Figures = {
    sent: 0,
    acknowledgedChanges: 0,
    acknowledgedRefusals: 0,
    notDelivered: 0,
    unanswered: 0,
    lost: 0
  };

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-kill-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged change, never puts an address on two interfaces, and leaves a folder check finds clean', async (t) => {
    let server = await startChildServer(['--data', dataDir, '--sync', ROUNDS[0]!.sync]);
    const setup = server.client();
    const lab = await setUp(setup);
    setup.destroy();
    let model: Model = new Map(lab.enis.flat().map((id) => [id, new Set<string>()]));

    for (const [round, { sync, loadMs }] of ROUNDS.entries()) {
      if (round > 0) server = await startChildServer(['--data', dataDir, '--sync', sync]);
      const sentBefore = figures.sent;
      const pending = await load(server, lab, model, figures, SEED + round * 100, loadMs);

      // The folder as the crash left it (WAL not checkpointed) already holds every invariant.
      const crashed = await runCheck(dataDir);
      assert.equal(
        crashed.code,
        0,
        `ec2lite check after SIGKILL (round ${round}):\n${crashed.stdout}${crashed.stderr}`
      );

      const restarted = await startChildServer(['--data', dataDir]);
      const ec2 = restarted.client();
      try {
        const observed = await observe(ec2, lab);
        for (const [address, holders] of observed.holders) {
          assert.equal(holders.length, 1, `${address} is on ${holders.join(' and ')}`);
        }
        assert.equal(
          observed.available,
          lab.size - 5 - observed.holders.size,
          'AvailableIpAddressCount disagrees with the interfaces'
        );
        const { lost, problems, next } = reconcile(model, pending, observed);
        figures.lost += lost;
        assert.deepEqual(problems, [], `round ${round}: acknowledged changes lost`);
        model = next;
        t.diagnostic(
          `round ${round} (sync ${sync}): ${figures.sent - sentBefore} requests sent, ${pending.length} unanswered at the kill`
        );
      } finally {
        ec2.destroy();
        restarted.process.kill('SIGTERM');
        assert.deepEqual(await restarted.exited, { code: 0, signal: null });
      }
    }

    const stopped = await runCheck(dataDir);
    assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /is consistent/);
    t.diagnostic(
      `kill test: ${figures.sent} requests sent, ${figures.acknowledgedChanges + figures.acknowledgedRefusals} acknowledged ` +
        `(${figures.acknowledgedChanges} changes, ${figures.acknowledgedRefusals} EC2 errors), ${figures.unanswered} unanswered ` +
        `at a kill, ${figures.notDelivered} refused after it; lost: ${figures.lost}`
    );
    assert.equal(figures.lost, 0);
    assert.ok(figures.acknowledgedChanges > 100, `too little load to prove anything: ${JSON.stringify(figures)}`);
  });
});
