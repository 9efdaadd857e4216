import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  UnassignPrivateIpAddressesCommand
} from '@aws-sdk/client-ec2';
import pg from 'pg';
import { seededRandom } from '../../src/domain/random.js';
import { type ChildServer, startChildServer } from '../helpers/child-server.js';
import { MISSING_POSTGRES, dropSchema, freshSchemaName, postgresUrl } from '../helpers/postgres.js';
import { toInt, toText } from '../helpers/vpc-lab.js';

/**
 * Several ec2lite nodes on one PostgreSQL (issue "Several ec2lite nodes sharing one state"): three server processes
 * share a database; workers, each owning one interface, assign, unassign and take addresses from one another
 * (AllowReassignment) in two shared subnets, every request to a node other than their last one. One node is killed
 * with SIGKILL mid-load and the workers carry on through the other two.
 *
 * Afterwards: no address is held twice (in SQL and through DescribeNetworkInterfaces on every node), each subnet's
 * AvailableIpAddressCount is size − 5 − its address rows on every node, and every acknowledged change is there. A
 * request to the killed node that got no answer may have landed or not; its worker stops there, and the check allows
 * either outcome for it alone. Workers never touch one address at the same time (a lock in this process), so the
 * order of acknowledgements is the order of the changes.
 */

const SEED = 20_261_206;
const LOAD_MS = 6_000;
const KILL_AT_MS = 2_500;
/** Secondaries a worker keeps at most (an unattached interface has 50 address slots). */
const MAX_SECONDARIES = 30;
/** Refusals that are part of the game: a full subnet, a full interface, and a named address someone holds. */
function expectedRefusal(op: Pending, error: { name?: string; message?: string }): boolean {
  if (error.name === 'InsufficientFreeAddressesInSubnet' || error.name === 'PrivateIpAddressLimitExceeded')
    return op.kind !== 'unassign';
  return (
    op.kind === 'assign' &&
    error.name === 'InvalidParameterValue' &&
    /assigned, but move is not allowed/.test(error.message ?? '')
  );
}

interface LabSubnet {
  readonly id: string;
  readonly base: number;
  readonly size: number;
}

interface Worker {
  readonly index: number;
  readonly eni: string;
  readonly subnet: LabSubnet;
  /** Its secondary addresses, as acknowledged. */
  readonly held: Set<string>;
  /** Stopped after a request that got no answer. */
  frozen: boolean;
}

/** What an unanswered request would have done, had it landed. */
type Pending =
  | { kind: 'assign-count'; eni: string; count: number }
  | { kind: 'assign'; eni: string; address: string }
  | { kind: 'unassign'; eni: string; addresses: string[] }
  | { kind: 'move'; from: string; to: string; address: string };

interface Figures {
  sent: number;
  changes: number;
  refusals: Map<string, number>;
  changesAfterKill: number;
  /** Refused at connect by the killed node: never delivered, sent again to another node. */
  redirected: number;
  unanswered: number;
  /** Anything else: a 5xx, a refusal not in EXPECTED_REFUSALS, a network error from a live node (target: none). */
  failures: string[];
}

/**
 * Per-address locks of this process: no two workers send requests about one address at once. The addresses of a
 * request that got no answer are poisoned: nobody touches them again, since they may or may not have changed.
 */
class AddressLocks {
  private readonly held = new Set<string>();
  private readonly poisoned = new Set<string>();
  private readonly waiters: (() => void)[] = [];

  /** Resolves with the release function, or null when one of the addresses is poisoned. */
  async acquire(addresses: readonly string[]): Promise<(() => void) | null> {
    for (;;) {
      if (addresses.some((a) => this.poisoned.has(a))) return null;
      if (!addresses.some((a) => this.held.has(a))) break;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    for (const a of addresses) this.held.add(a);
    return () => {
      for (const a of addresses) this.held.delete(a);
      this.wake();
    };
  }

  poison(addresses: readonly string[]): void {
    for (const a of addresses) this.poisoned.add(a);
    this.wake();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

describe('three ec2lite nodes on one PostgreSQL', () => {
  const url = postgresUrl();
  if (url === undefined) {
    it('has a database to test against', () => assert.fail(MISSING_POSTGRES));
    return;
  }

  const schema = freshSchemaName('multinode');
  // Each node gets the schema through the URL, as a user could give it.
  const storeUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  let sql: pg.Client;
  const nodes: ChildServer[] = [];
  const clients: EC2Client[] = [];

  before(async () => {
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
    await sql.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    // All three start at once on the empty schema: migrations and the default VPC happen once.
    nodes.push(
      ...(await Promise.all([0, 1, 2].map(() => startChildServer(['--store', storeUrl, '--placement', 'random']))))
    );
    for (const node of nodes) clients.push(node.client());
  });

  after(async () => {
    for (const client of clients) client.destroy();
    for (const node of nodes)
      if (node.process.exitCode === null && node.process.signalCode === null) node.process.kill('SIGTERM');
    await Promise.all(nodes.map((node) => node.exited));
    await dropSchema(url, schema);
    await sql.end();
  });

  it('starts three nodes at once on an empty database with one schema and one default VPC', async () => {
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.schema_migrations`);
    assert.ok(rows[0].n >= 1);
    for (const client of clients) {
      const { Vpcs } = await client.send(new DescribeVpcsCommand({}));
      assert.equal(Vpcs?.filter((v) => v.IsDefault).length, 1);
    }
  });

  it('serves concurrent assign, unassign and reassign through all nodes, survives a SIGKILL of one, and loses nothing', async (t) => {
    // The lab: a VPC with a roomy and a tight subnet, made through different nodes.
    const { Vpc } = await clients[0]!.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
    const subnets: LabSubnet[] = [];
    for (const [i, cidr] of ['10.40.1.0/24', '10.40.2.0/26'].entries()) {
      const { Subnet } = await clients[i]!.send(
        new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' })
      );
      subnets.push({
        id: Subnet!.SubnetId!,
        base: toInt(cidr.split('/')[0]!),
        size: 2 ** (32 - Number(cidr.split('/')[1]))
      });
    }
    const workers: Worker[] = [];
    for (let w = 0; w < 9; w++) {
      const subnet = subnets[w < 6 ? 0 : 1]!;
      const { NetworkInterface } = await clients[w % 3]!.send(
        new CreateNetworkInterfaceCommand({ SubnetId: subnet.id })
      );
      workers.push({ index: w, eni: NetworkInterface!.NetworkInterfaceId!, subnet, held: new Set(), frozen: false });
    }

    const figures: Figures = {
      sent: 0,
      changes: 0,
      refusals: new Map(),
      changesAfterKill: 0,
      redirected: 0,
      unanswered: 0,
      failures: []
    };
    const pending: Pending[] = [];
    const locks = new AddressLocks();
    let killed: number | undefined;
    let stopping = false;
    const live = (): number[] => [0, 1, 2].filter((i) => i !== killed);

    const run = async (worker: Worker): Promise<void> => {
      const random = seededRandom(SEED + worker.index);
      let turn = worker.index;
      const partners = workers.filter((w) => w !== worker && w.subnet === worker.subnet);
      while (!stopping && !worker.frozen) {
        const held = [...worker.held];
        const choice = random.below(10);
        let op: Pending;
        let addresses: string[] = [];
        if (held.length >= MAX_SECONDARIES || (held.length > 3 && choice < 3)) {
          addresses = held.filter(() => random.below(3) === 0).slice(0, 3);
          if (addresses.length === 0) addresses = [held[0]!];
          op = { kind: 'unassign', eni: worker.eni, addresses };
        } else if (choice < 6) {
          op = { kind: 'assign-count', eni: worker.eni, count: 1 + random.below(3) };
        } else if (choice < 8) {
          const victim = partners[random.below(partners.length)]!;
          const theirs = [...victim.held];
          if (victim.frozen || theirs.length === 0) continue;
          const address = theirs[random.below(theirs.length)]!;
          addresses = [address];
          op = { kind: 'move', from: victim.eni, to: worker.eni, address };
        } else {
          // A named address anywhere in the subnet's usable range: often someone's, which EC2 refuses.
          const address = toText(worker.subnet.base + 4 + random.below(worker.subnet.size - 5));
          addresses = [address];
          op = { kind: 'assign', eni: worker.eni, address };
        }
        const release = await locks.acquire(addresses);
        if (!release) continue;
        try {
          // Under the lock, the addresses must still be where the choice saw them.
          if (op.kind === 'unassign' && !op.addresses.every((a) => worker.held.has(a))) continue;
          if (op.kind === 'move' && !workers.find((w) => w.eni === op.from)!.held.has(op.address)) continue;
          const command =
            op.kind === 'unassign'
              ? new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: op.eni, PrivateIpAddresses: op.addresses })
              : op.kind === 'assign-count'
                ? new AssignPrivateIpAddressesCommand({
                    NetworkInterfaceId: op.eni,
                    SecondaryPrivateIpAddressCount: op.count
                  })
                : op.kind === 'move'
                  ? new AssignPrivateIpAddressesCommand({
                      NetworkInterfaceId: op.to,
                      PrivateIpAddresses: [op.address],
                      AllowReassignment: true
                    })
                  : new AssignPrivateIpAddressesCommand({
                      NetworkInterfaceId: op.eni,
                      PrivateIpAddresses: [op.address]
                    });
          for (;;) {
            // A different node for every request.
            const nodesUp = live();
            const node = nodesUp[turn++ % nodesUp.length]!;
            figures.sent++;
            let output: { AssignedPrivateIpAddresses?: { PrivateIpAddress?: string }[] };
            try {
              output = (await clients[node]!.send(command as never)) as typeof output;
            } catch (error) {
              const e = error as {
                $metadata?: { httpStatusCode?: number };
                code?: string;
                name?: string;
                message?: string;
              };
              const status = e.$metadata?.httpStatusCode;
              if (status !== undefined && status >= 400 && status < 500 && expectedRefusal(op, e)) {
                figures.refusals.set(e.name!, (figures.refusals.get(e.name!) ?? 0) + 1);
                break;
              }
              if (node === killed && e.code === 'ECONNREFUSED') {
                figures.redirected++;
                continue;
              }
              if (node === killed) {
                figures.unanswered++;
                pending.push(op);
                worker.frozen = true;
                locks.poison(addresses);
                return;
              }
              figures.failures.push(`node ${node}: ${e.name ?? e.code}: ${e.message} (${JSON.stringify(op)})`);
              break;
            }
            figures.changes++;
            if (killed !== undefined) figures.changesAfterKill++;
            if (op.kind === 'assign-count' || op.kind === 'assign') {
              for (const a of output.AssignedPrivateIpAddresses ?? []) worker.held.add(a.PrivateIpAddress!);
            } else if (op.kind === 'unassign') {
              for (const a of op.addresses) worker.held.delete(a);
            } else {
              workers.find((w) => w.eni === op.from)!.held.delete(op.address);
              worker.held.add(op.address);
            }
            break;
          }
        } finally {
          release();
        }
      }
    };
    const running = workers.map(run);
    await new Promise((resolve) => setTimeout(resolve, KILL_AT_MS));
    nodes[2]!.process.kill('SIGKILL');
    killed = 2;
    const { signal } = await nodes[2]!.exited;
    assert.equal(signal, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS - KILL_AT_MS));
    stopping = true;
    await Promise.all(running);

    t.diagnostic(
      `${figures.sent} requests, ${figures.changes} acknowledged changes (${figures.changesAfterKill} after the kill), refusals ` +
        `${JSON.stringify(Object.fromEntries(figures.refusals))}, ${figures.unanswered} unanswered at the kill, ` +
        `${figures.redirected} redirected from the dead node`
    );
    assert.deepEqual(figures.failures, [], 'every request to a live node got a 200 or an expected EC2 refusal');
    assert.ok(figures.changes > 100, `too little load to prove anything: ${figures.changes} changes`);
    assert.ok(
      figures.changesAfterKill > 30,
      `the surviving nodes carried on: ${figures.changesAfterKill} changes after the kill`
    );

    // No address twice, in SQL.
    const duplicates = await sql.query(
      `SELECT subnet_id, address, count(*) FROM ${pg.escapeIdentifier(schema)}.private_ip_addresses GROUP BY 1, 2 HAVING count(*) > 1`
    );
    assert.deepEqual(duplicates.rows, []);
    const rowCounts = new Map<string, number>(
      (
        await sql.query(
          `SELECT subnet_id, count(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.private_ip_addresses GROUP BY 1`
        )
      ).rows.map((r) => [r.subnet_id as string, r.n as number])
    );

    // A node started now, with nothing cached, must agree with the survivors.
    const fresh = await startChildServer(['--store', storeUrl]);
    nodes.push(fresh);
    const viewers = [clients[0]!, clients[1]!, fresh.client()];
    clients.push(viewers[2]!);
    let observedHolders: Map<string, string[]> | undefined;
    for (const [v, client] of viewers.entries()) {
      const { NetworkInterfaces } = await client.send(
        new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: subnets.map((s) => s.id) }] })
      );
      const holders = new Map<string, string[]>();
      for (const eni of NetworkInterfaces ?? []) {
        for (const a of eni.PrivateIpAddresses ?? []) {
          if (a.Primary) continue;
          holders.set(a.PrivateIpAddress!, [...(holders.get(a.PrivateIpAddress!) ?? []), eni.NetworkInterfaceId!]);
        }
      }
      for (const [address, on] of holders)
        assert.equal(on.length, 1, `viewer ${v}: ${address} is on ${on.join(' and ')}`);
      const { Subnets } = await client.send(new DescribeSubnetsCommand({ SubnetIds: subnets.map((s) => s.id) }));
      for (const subnet of subnets) {
        const described = Subnets!.find((s) => s.SubnetId === subnet.id)!;
        const rows = rowCounts.get(subnet.id) ?? 0;
        assert.equal(
          described.AvailableIpAddressCount,
          subnet.size - 5 - rows,
          `viewer ${v}: count of ${subnet.id} against its rows`
        );
        const primaries = workers.filter((w) => w.subnet === subnet).length;
        const secondaries = [...holders.keys()].filter(
          (a) => toInt(a) >= subnet.base && toInt(a) < subnet.base + subnet.size
        ).length;
        assert.equal(rows, primaries + secondaries, `viewer ${v}: rows of ${subnet.id} against the interfaces`);
      }
      if (observedHolders) assert.deepEqual(holders, observedHolders, `viewer ${v} sees what viewer 0 sees`);
      observedHolders = holders;
    }

    // Every acknowledged change is there; an unanswered request landed whole or not at all.
    const holderOf = new Map<string, string>([...observedHolders!].map(([a, [eni]]) => [a, eni!]));
    const problems: string[] = [];
    const touched = new Set<string>();
    for (const p of pending) {
      if (p.kind === 'move') {
        touched.add(p.address);
        if (![p.from, p.to].includes(holderOf.get(p.address) ?? ''))
          problems.push(`moved ${p.address} is on neither side`);
      } else if (p.kind === 'assign') {
        touched.add(p.address);
        const holder = holderOf.get(p.address);
        const before = workers.find((w) => w.held.has(p.address))?.eni;
        if (holder !== p.eni && holder !== before) problems.push(`named ${p.address} is on ${holder}`);
      } else if (p.kind === 'unassign') {
        const gone = p.addresses.filter((a) => holderOf.get(a) !== p.eni);
        for (const a of p.addresses) touched.add(a);
        if (gone.length !== 0 && gone.length !== p.addresses.length)
          problems.push(`unassign of ${p.addresses.join(' ')} landed in part`);
        // Once freed, an address may go to any worker's count assignment: fine if that worker was told so.
        for (const a of gone) {
          const holder = holderOf.get(a);
          if (holder !== undefined && !workers.some((w) => w.eni === holder && w.held.has(a)))
            problems.push(`unassigned ${a} is on ${holder}, which was never told it holds it`);
        }
      }
    }
    for (const worker of workers) {
      for (const a of worker.held) {
        if (!touched.has(a) && holderOf.get(a) !== worker.eni)
          problems.push(`${a}, acknowledged on ${worker.eni}, is on ${holderOf.get(a)}`);
      }
      const extra = [...holderOf]
        .filter(([a, eni]) => eni === worker.eni && !worker.held.has(a) && !touched.has(a))
        .map(([a]) => a);
      const countAssign = pending.find((p) => p.kind === 'assign-count' && p.eni === worker.eni) as
        { count: number } | undefined;
      if (extra.length !== 0 && extra.length !== countAssign?.count)
        problems.push(`${worker.eni} holds unacknowledged ${extra.join(' ')}`);
    }
    assert.deepEqual(problems, []);
  });
});
