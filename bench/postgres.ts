/**
 * The PostgreSQL part of `npm run bench` (bench/run.ts runs it last; `node --import tsx bench/postgres.ts` runs it
 * alone): the assign/unassign cycle of run.ts scenario (a) on the embedded SQLite, on PostgreSQL with one ec2lite
 * node, and on PostgreSQL with three nodes sharing the database, the load spread evenly over the nodes.
 *
 * Each connection owns one interface and alternates AssignPrivateIpAddresses SecondaryPrivateIpAddressCount=1 with
 * UnassignPrivateIpAddresses of the address it got. Two layouts:
 *   one subnet   — all 32 interfaces in one /16: every allocation takes the same subnet lock, across all nodes;
 *   8 subnets    — 4 interfaces in each of 8 /20 subnets: allocations in different subnets run in parallel.
 *
 * The database: EC2LITE_BENCH_POSTGRES_URL, else a throwaway one from scripts/test-postgres.sh (dropped at the end).
 * Environment as run.ts: BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (2). Results also go to bench/results/postgres.json.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { spawnListening, stopChild } from '../test/helpers/listening-child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = '2016-11-15';
const FORM = 'application/x-www-form-urlencoded';
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);

interface Node {
  readonly url: string;
  readonly child: ChildProcess;
}

interface Figures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time of all ec2lite processes per answered request, in microseconds. */
  readonly cpuMicrosPerRequest: number;
  readonly requests: number;
  readonly failed: number;
}

export interface PostgresBenchResult {
  readonly runs: readonly ({ readonly store: string; readonly nodes: number; readonly layout: string } & Figures)[];
}

const children = new Set<ChildProcess>();
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

async function startNode(args: readonly string[]): Promise<Node> {
  const { child, listening } = spawnListening(['bin/ec2lite.js', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { url: await listening, child };
}

function form(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

function ec2(url: string, action: string, params: Record<string, string | number> = {}): Promise<string> {
  const body = form({ Action: action, Version: VERSION, ...params });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': FORM, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`${action} answered ${res.statusCode}: ${text.slice(0, 300)}`));
        });
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

function first(xml: string, element: string): string {
  const value = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml)?.[1];
  if (value === undefined) throw new Error(`no ${element} in ${xml.slice(0, 200)}`);
  return value;
}

/** The interfaces of a layout: 32 in one /16, or 4 in each of 8 /20s. */
async function makeInterfaces(url: string, layout: 'one subnet' | '8 subnets', octet: number): Promise<string[]> {
  const vpcId = first(await ec2(url, 'CreateVpc', { CidrBlock: `10.${octet}.0.0/16` }), 'vpcId');
  const blocks =
    layout === 'one subnet'
      ? [`10.${octet}.0.0/16`]
      : Array.from({ length: 8 }, (_, i) => `10.${octet}.${i * 16}.0/20`);
  const subnets: string[] = [];
  for (const block of blocks)
    subnets.push(first(await ec2(url, 'CreateSubnet', { VpcId: vpcId, CidrBlock: block }), 'subnetId'));
  const enis: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    enis.push(
      first(await ec2(url, 'CreateNetworkInterface', { SubnetId: subnets[i % subnets.length]! }), 'networkInterfaceId')
    );
  }
  return enis;
}

/** Connection k of this runner owns interface k and alternates an assign of one address with its unassign. */
function cycleClients(enis: readonly string[]): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => {
    const eni = enis[next++ % enis.length]!;
    client.setRequests([
      {
        body: form({
          Action: 'AssignPrivateIpAddresses',
          Version: VERSION,
          NetworkInterfaceId: eni,
          SecondaryPrivateIpAddressCount: 1
        }),
        onResponse: (status, body, context) => {
          (context as { address?: string }).address =
            status === 200 ? /<privateIpAddress>([^<]*)</.exec(body)?.[1] : undefined;
        }
      },
      {
        setupRequest: (req, context) => {
          const address = (context as { address?: string }).address;
          if (address === undefined) return undefined as unknown as autocannon.Request;
          return {
            ...req,
            body: form({
              Action: 'UnassignPrivateIpAddresses',
              Version: VERSION,
              NetworkInterfaceId: eni,
              'PrivateIpAddress.1': address
            })
          };
        }
      }
    ]);
  };
}

function cpuSeconds(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = (() => {
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

/** The cycle on every node at once, the 32 connections and their interfaces dealt out evenly; warm-up first. */
async function cycle(nodes: readonly Node[], enis: readonly string[]): Promise<Figures> {
  const run = async (seconds: number): Promise<{ results: autocannon.Result[]; latencies: number[] }> => {
    const latencies: number[] = [];
    const results = await Promise.all(
      nodes.map((node, n) => {
        const mine = enis.filter((_, i) => i % nodes.length === n);
        const setup = cycleClients(mine);
        return autocannon({
          url: node.url,
          connections: mine.length,
          pipelining: 1,
          duration: seconds,
          method: 'POST',
          headers: { 'content-type': FORM },
          timeout: 30,
          setupClient: (client) => {
            client.on('response', (_status, _bytes, ms) => latencies.push(ms));
            setup(client);
          }
        });
      })
    );
    return { results, latencies };
  };
  if (WARMUP_SECONDS > 0) await run(WARMUP_SECONDS);
  // Leftovers of a pair cut by the end of the warm-up stay assigned: a handful of addresses, no matter.
  const cpuBefore = nodes.map((n) => cpuSeconds(n.child));
  const { results, latencies } = await run(SECONDS);
  const cpu = nodes.reduce((sum, n, i) => sum + cpuSeconds(n.child) - cpuBefore[i]!, 0);
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  return {
    requestsPerSecond: results.reduce((n, r) => n + r.requests.average, 0),
    p50Ms: at(50),
    p99Ms: at(99),
    cpuMicrosPerRequest: (cpu * 1e6) / requests,
    requests,
    failed: results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)
  };
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A database for the bench: the one given, or a throwaway one made (and later dropped) by scripts/test-postgres.sh. */
function database(): { url: string; drop: () => void } | undefined {
  const given = process.env.EC2LITE_BENCH_POSTGRES_URL;
  if (given) return { url: given, drop: () => undefined };
  const up = spawnSync('bash', [join(ROOT, 'scripts', 'test-postgres.sh'), 'up', String(process.pid)], {
    encoding: 'utf8'
  });
  if (up.status !== 0 || up.stdout.trim() === '') {
    console.log(
      `PostgreSQL: no database (scripts/test-postgres.sh: ${up.stderr.trim() || up.status}); set EC2LITE_BENCH_POSTGRES_URL`
    );
    return undefined;
  }
  const url = up.stdout.trim();
  return {
    url,
    drop: () => spawnSync('bash', [join(ROOT, 'scripts', 'test-postgres.sh'), 'down', url], { stdio: 'inherit' })
  };
}

/** Runs the comparison and prints its table. Expects dist/ built (run.ts builds it). */
export async function runPostgresBench(): Promise<PostgresBenchResult | undefined> {
  const db = database();
  if (!db) return undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-bench-pg-'));
  const runs: PostgresBenchResult['runs'][number][] = [];
  const fmt = (value: number, digits = 0): string =>
    Number.isFinite(value)
      ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
      : '–';
  try {
    console.log(
      `\nPostgreSQL: the assign/unassign cycle with ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s ` +
        `warm-up, ${cpus().length} CPUs shared by the database, the nodes and the load\n`
    );
    let octet = 100;
    for (const layout of ['one subnet', '8 subnets'] as const) {
      for (const [store, count] of [
        ['SQLite', 1],
        ['PostgreSQL', 1],
        ['PostgreSQL', 3]
      ] as const) {
        process.stdout.write(`${store}, ${count} node${count > 1 ? 's' : ''}, ${layout}… `);
        const schema = `bench_${process.pid}_${octet}`;
        const args =
          store === 'SQLite'
            ? ['--data', join(dataDir, String(octet))]
            : [
                '--store',
                `${db.url}${db.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`
              ];
        if (store === 'PostgreSQL') await sql(db.url, `CREATE SCHEMA ${schema}`);
        const nodes = await Promise.all(Array.from({ length: count }, () => startNode(args)));
        try {
          const enis = await makeInterfaces(nodes[0]!.url, layout, octet++);
          const figures = await cycle(nodes, enis);
          if (figures.failed > 0) throw new Error(`${figures.failed} requests failed out of ${figures.requests}`);
          runs.push({ store, nodes: count, layout, ...figures });
          console.log(`${fmt(figures.requestsPerSecond)} req/s`);
        } finally {
          await Promise.all(nodes.map((node) => stopChild(node.child)));
          if (store === 'PostgreSQL') await sql(db.url, `DROP SCHEMA ${schema} CASCADE`);
        }
      }
    }
  } finally {
    agent.destroy();
    for (const child of children) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    db.drop();
  }
  const header = ['store', 'nodes', 'interfaces', 'req/s', 'vs 1 node', 'p50 ms', 'p99 ms', 'CPU µs/req (nodes)'];
  const rows = runs.map((r) => {
    const single = runs.find((s) => s.store === r.store && s.layout === r.layout && s.nodes === 1)!;
    return [
      r.store,
      String(r.nodes),
      r.layout === 'one subnet' ? '32 in one /16' : '4 in each of 8 /20s',
      fmt(r.requestsPerSecond),
      fmt(r.requestsPerSecond / single.requestsPerSecond, 2),
      fmt(r.p50Ms, 2),
      fmt(r.p99Ms, 2),
      fmt(r.cpuMicrosPerRequest)
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${[line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}`);
  const result: PostgresBenchResult = { runs };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench', 'results', 'postgres.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, connections: CONNECTIONS, seconds: SECONDS, ...result }, null, 2)}\n`
  );
  console.log('results in bench/results/postgres.json');
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  runPostgresBench().catch((error: unknown) => {
    console.error('bench (PostgreSQL):', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
