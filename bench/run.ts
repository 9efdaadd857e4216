/**
 * `npm run bench`: ec2lite (the built server, durable SQLite in a temporary folder) against a bare node:http
 * server that answers one fixed AssignPrivateIpAddresses body, under the same load: 32 keep-alive connections
 * driven by autocannon from this process, a warm-up and then a fixed duration per scenario.
 *
 *   (a) an assign/unassign cycle: each connection owns one interface of a /16 and alternates
 *       AssignPrivateIpAddresses SecondaryPrivateIpAddressCount=1 with UnassignPrivateIpAddresses of what it got;
 *   (b) DescribeNetworkInterfaces over 1,000 interfaces;
 *   (c) filling a /16 to its last address: a fill subnet is filled (quickly, through large interfaces) to 0%, 50%
 *       and 99% full, then to its last 32 free addresses, and at each level the cycle of (a) runs on 32 probe
 *       interfaces of that subnet, so every assign picks an address at that level: the cost of an address there;
 *   (d) instance-type limits: 32 m5.large instances, whose primary interfaces hold 10 addresses at most. One below
 *       the limit (9 addresses), the cycle of (a) on them, each assign reaching the limit; at the limit (10), every
 *       AssignPrivateIpAddresses is refused with PrivateIpAddressLimitExceeded 400: how fast a refusal is;
 *   (e) DescribeInstances over 1,000 instances, launched by RunInstances MaxCount in batches into a /16;
 *   (f) last, bench/postgres.ts: the cycle of (a) on SQLite and on PostgreSQL with one node and with three.
 *
 * Besides throughput and latency, each run reads the server process's CPU time (Linux /proc): the cost of an
 * address in (c) is the server's CPU time per assign + unassign, which stays put when other work shares the machine.
 *
 * Environment: BENCH_SECONDS (default 5), BENCH_WARMUP_SECONDS (2), BENCH_SYNC (normal|full: SQLite durability),
 * BENCH_CPU_PROF (a folder: write a CPU profile of the ec2lite child there), BENCH_STRICT=1 (exit 1 when a target
 * fails). Results also go to bench/results/latest.json. Everything talks to 127.0.0.1 only; the children are
 * killed however this process ends.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnListening, stopChild } from '../test/helpers/listening-child.js';
import { runPostgresBench } from './postgres.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = '2016-11-15';
const CONNECTIONS = 32;
const SECONDS = numberFromEnv('BENCH_SECONDS', 5, 1);
const WARMUP_SECONDS = numberFromEnv('BENCH_WARMUP_SECONDS', 2, 0);
const SYNC = process.env.BENCH_SYNC === 'full' ? 'full' : 'normal';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const STRICT = process.env.BENCH_STRICT === '1';
/** Address slots per unattached interface: lets the fill use few, large interfaces. */
const SLOT_LIMIT = 1024;
/** Interfaces listed by scenario (b). */
const DESCRIBED_INTERFACES = 1000;
/** Instances listed by scenario (e), launched this many to a RunInstances call. */
const DESCRIBED_INSTANCES = 1000;
const LAUNCH_BATCH = 100;
/** Scenario (d): an instance type and the IPv4 addresses each of its interfaces holds (Ipv4AddressesPerInterface). */
const LIMIT_TYPE = 'm5.large';
const LIMIT_ADDRESSES = 10;
/** Any well-formed AMI id: ec2lite checks the form only. */
const IMAGE_ID = 'ami-0123456789abcdef0';
/** Usable addresses of a /16: all but the five AWS reserves. */
const USABLE_IN_16 = 65536 - 5;
const FORM = 'application/x-www-form-urlencoded';

/** Targets from the project's issue. */
const CYCLE_MIN_RATIO = 0.35;
const FILL_MAX_RATIO = 2;

function numberFromEnv(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number of at least ${min}, not '${text}'`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Children: started here, stopped here, killed on any way out.

const children = new Set<ChildProcess>();
/** The temporary state folder, removed however the bench ends. */
let dataDir: string | undefined;

function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping`);
    killChildren();
    process.exit(130);
  });
}

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
}

async function startServer(name: string, args: string[]): Promise<Server> {
  const { child, listening } = spawnListening(args, { cwd: ROOT, name });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { name, url: await listening, child };
}

/** Builds dist/ when any source is newer than the last build (bin/ec2lite.js runs dist/). */
function ensureBuilt(): void {
  const newest = (path: string): number => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs;
  } catch {
    // Never built.
  }
  const sources = Math.max(
    newest(join(ROOT, 'src')),
    newest(join(ROOT, 'tsconfig.json')),
    newest(join(ROOT, 'tsconfig.build.json'))
  );
  if (sources <= built) return;
  console.log('bench: dist/ is older than src/, running npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status ?? result.signal})`);
}

// ---------------------------------------------------------------------------------------------------------------
// A small EC2 Query client for setup, fills and checks, over its own keep-alive sockets.

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

type Params = Record<string, string | number>;

function form(params: Params): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

function post(url: string, body: string, retry = true): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': FORM, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
        );
        res.on('error', reject);
      }
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server closed an idle keep-alive socket just as it was reused: the request never arrived, send it again
      // (the pattern of Node's http docs, "request.reusedSocket").
      if (retry && req.reusedSocket && error.code === 'ECONNRESET') post(url, body, false).then(resolvePromise, reject);
      else reject(error);
    });
    req.end(body);
  });
}

async function ec2(url: string, action: string, params: Params = {}): Promise<string> {
  const reply = await post(url, form({ Action: action, Version: VERSION, ...params }));
  if (reply.status !== 200) {
    const code = first(reply.body, 'Code') ?? '?';
    throw new Error(
      `${action} answered ${reply.status} ${code}: ${first(reply.body, 'Message') ?? reply.body.slice(0, 200)}`
    );
  }
  return reply.body;
}

function first(xml: string, element: string): string | undefined {
  return new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml)?.[1];
}

function all(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1]!);
}

function must(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`no ${what} in the response`);
  return value;
}

/** A VPC and one subnet spanning all of it. */
async function createVpcWithSubnet(url: string, cidr: string): Promise<string> {
  const vpcId = must(first(await ec2(url, 'CreateVpc', { CidrBlock: cidr }), 'vpcId'), 'vpcId');
  return must(first(await ec2(url, 'CreateSubnet', { VpcId: vpcId, CidrBlock: cidr }), 'subnetId'), 'subnetId');
}

/** An interface and its primary address (and the secondaries it keeps, in (d)). */
interface Probe {
  readonly id: string;
  readonly primary: string;
  readonly held?: readonly string[];
}

async function createInterface(url: string, subnetId: string, addresses: number, name?: string): Promise<Probe> {
  const params: Params = { SubnetId: subnetId };
  if (addresses > 1) params.SecondaryPrivateIpAddressCount = addresses - 1;
  if (name !== undefined) {
    Object.assign(params, {
      'TagSpecification.1.ResourceType': 'network-interface',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': name
    });
  }
  const xml = await ec2(url, 'CreateNetworkInterface', params);
  return {
    id: must(first(xml, 'networkInterfaceId'), 'networkInterfaceId'),
    primary: must(first(xml, 'privateIpAddress'), 'privateIpAddress')
  };
}

async function freeAddresses(url: string, subnetId: string): Promise<number> {
  const xml = await ec2(url, 'DescribeSubnets', { 'SubnetId.1': subnetId });
  return Number(must(first(xml, 'availableIpAddressCount'), 'availableIpAddressCount'));
}

/** Runs `task(i)` for i in [0, count) with at most `width` in flight. */
async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// Load runs (autocannon).

interface LoadFigures {
  readonly requestsPerSecond: number;
  /** CPU time the server process spent per answered request (user + system), in microseconds. */
  readonly serverCpuMicrosPerRequest: number;
  /** Bytes the server process wrote to storage per answered request (Linux /proc/PID/io write_bytes). */
  readonly serverWriteBytesPerRequest: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * A warm-up run, then the measured one; `settle` runs between them. Latency percentiles come from each response's
 * own time (autocannon's histogram keeps whole milliseconds only).
 */
async function load(
  server: Server,
  options: Omit<autocannon.Options, 'url'>,
  settle?: () => Promise<void>
): Promise<LoadFigures> {
  let latencies: number[] = [];
  const setupClient = (client: autocannon.Client): void => {
    client.on('response', (_status, _bytes, ms) => latencies.push(ms));
    options.setupClient?.(client);
  };
  const run = (seconds: number): Promise<autocannon.Result> =>
    autocannon({
      url: server.url,
      connections: CONNECTIONS,
      pipelining: 1,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': FORM },
      timeout: 30,
      ...options,
      setupClient
    });
  if (WARMUP_SECONDS > 0) {
    await run(WARMUP_SECONDS);
    await settle?.();
  }
  latencies = [];
  const cpuBefore = cpuSeconds(server.child);
  const writtenBefore = bytesWritten(server.child);
  const result = await run(SECONDS);
  const cpu = cpuSeconds(server.child) - cpuBefore;
  const written = bytesWritten(server.child) - writtenBefore;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: result.requests.average,
    serverCpuMicrosPerRequest: (cpu * 1e6) / result.requests.total,
    serverWriteBytesPerRequest: written / result.requests.total,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts
  };
}

/** User + system CPU seconds of a child so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Bytes a child has caused to be written to storage so far, from /proc (Linux); NaN elsewhere. */
function bytesWritten(child: ChildProcess): number {
  try {
    return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = (() => {
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Scenario (a): connection k owns interface k mod 32 and alternates an assign of one address (the reply's address
 * is kept in the connection's context) with the unassign of that address. A failed assign starts the pair over.
 */
function cycleClients(interfaceIds: readonly string[]): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => {
    const eni = interfaceIds[next++ % interfaceIds.length]!;
    const assign = form({
      Action: 'AssignPrivateIpAddresses',
      Version: VERSION,
      NetworkInterfaceId: eni,
      SecondaryPrivateIpAddressCount: 1
    });
    client.setRequests([
      {
        body: assign,
        onResponse: (status, body, context) => {
          (context as { address?: string }).address = status === 200 ? first(body, 'privateIpAddress') : undefined;
        }
      },
      {
        setupRequest: (req, context) => {
          const address = (context as { address?: string }).address;
          // A falsy request makes autocannon start over from the assign.
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

// ---------------------------------------------------------------------------------------------------------------
// Scenario (c): the same cycle on 32 probe interfaces of a /16 held at a fill level.

/**
 * A run that stops between an assign and its unassign leaves that address on the interface: give such leftovers
 * back, so that the subnet is at its level again (and, at the last 32 addresses, the next run has room).
 */
async function releaseLeftovers(url: string, probes: readonly Probe[]): Promise<void> {
  // Requests the server had already read when the load stopped are still being answered.
  await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
  await inParallel(probes.length, 8, async (i) => {
    const probe = probes[i]!;
    const xml = await ec2(url, 'DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': probe.id });
    const leftovers = [...new Set(all(xml, 'privateIpAddress'))].filter(
      (a) => a !== probe.primary && !probe.held?.includes(a)
    );
    if (leftovers.length === 0) return;
    await ec2(url, 'UnassignPrivateIpAddresses', {
      NetworkInterfaceId: probe.id,
      ...Object.fromEntries(leftovers.map((a, n) => [`PrivateIpAddress.${n + 1}`, a]))
    });
  });
}

interface FillLevel extends LoadFigures {
  readonly level: string;
  /** Occupied share of the subnet's usable addresses while the cycle runs (give or take one per connection). */
  readonly occupied: number;
  readonly free: number;
  /** Server CPU time per address: one assign + one unassign, in microseconds. */
  readonly cpuMicrosPerAddress: number;
  /** Wall time per address under the load: 2 / (requests per second), in microseconds. */
  readonly wallMicrosPerAddress: number;
}

async function measureLevel(
  server: Server,
  level: string,
  subnetId: string,
  probes: readonly Probe[]
): Promise<FillLevel> {
  const { url } = server;
  const free = await freeAddresses(url, subnetId);
  const figures = await load(server, { setupClient: cycleClients(probes.map((p) => p.id)) }, () =>
    releaseLeftovers(url, probes)
  );
  checkClean(`(c) at ${level}`, figures);
  await releaseLeftovers(url, probes);
  const after = await freeAddresses(url, subnetId);
  if (after !== free) throw new Error(`(c) at ${level}: ${free} free addresses before the run but ${after} after`);
  return {
    level,
    occupied: (USABLE_IN_16 - free) / USABLE_IN_16,
    free,
    ...figures,
    cpuMicrosPerAddress: 2 * figures.serverCpuMicrosPerRequest,
    wallMicrosPerAddress: 2e6 / figures.requestsPerSecond
  };
}

/** Fills the subnet until `free` addresses are left, through new interfaces of up to SLOT_LIMIT addresses each. */
async function fillUntilFree(url: string, subnetId: string, free: number): Promise<void> {
  const missing = (await freeAddresses(url, subnetId)) - free;
  if (missing < 0) throw new Error(`the subnet already has fewer than ${free} free addresses`);
  const sizes: number[] = [];
  for (let left = missing; left > 0; left -= SLOT_LIMIT) sizes.push(Math.min(left, SLOT_LIMIT));
  await inParallel(sizes.length, 4, (i) => createInterface(url, subnetId, sizes[i]!));
  const now = await freeAddresses(url, subnetId);
  if (now !== free) throw new Error(`filled to ${now} free addresses instead of ${free}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios (d) and (e): instances.

/** Launches `count` instances into the subnet, `LAUNCH_BATCH` to a RunInstances call; their primary interfaces. */
async function launchInstances(url: string, subnetId: string, type: string, count: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (let left = count; left > 0; left -= LAUNCH_BATCH) {
    const n = Math.min(left, LAUNCH_BATCH);
    const xml = await ec2(url, 'RunInstances', {
      ImageId: IMAGE_ID,
      InstanceType: type,
      MinCount: n,
      MaxCount: n,
      SubnetId: subnetId
    });
    // One interface per instance, so one interface id and one instance-level privateIpAddress per instance item.
    for (const item of xml.split('<instanceId>').slice(1)) {
      probes.push({
        id: must(first(item, 'networkInterfaceId'), 'networkInterfaceId'),
        primary: must(first(item, 'privateIpAddress'), 'privateIpAddress')
      });
    }
  }
  if (probes.length !== count) throw new Error(`RunInstances launched ${probes.length} instances instead of ${count}`);
  return probes;
}

/**
 * Scenario (d) at the limit: connection k asks interface k mod 32, already holding all its addresses, for one more.
 * Every answer must be the refusal; `unexpected` counts those that are not.
 */
function refusalClients(
  interfaceIds: readonly string[],
  unexpected: { count: number }
): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => {
    const eni = interfaceIds[next++ % interfaceIds.length]!;
    client.setRequests([
      {
        body: form({
          Action: 'AssignPrivateIpAddresses',
          Version: VERSION,
          NetworkInterfaceId: eni,
          SecondaryPrivateIpAddressCount: 1
        }),
        onResponse: (status, body) => {
          if (status !== 400 || !body.includes('<Code>PrivateIpAddressLimitExceeded</Code>')) unexpected.count++;
        }
      }
    ]);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Output.

const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function checkClean(what: string, figures: LoadFigures): void {
  if (figures.non2xx > 0 || figures.errors > 0) {
    throw new Error(
      `${what}: ${figures.non2xx} non-2xx answers and ${figures.errors} errors out of ${figures.requests} requests`
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const watchdog = setTimeout(
    () => {
      console.error('bench: still running after the time limit, giving up');
      killChildren();
      process.exit(1);
    },
    (300 + 16 * (SECONDS + WARMUP_SECONDS)) * 1000
  );
  watchdog.unref();

  ensureBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'ec2lite-bench-'));
  const servers: Server[] = [];
  try {
    const ec2liteArgs = [
      ...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []),
      'bin/ec2lite.js',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      dataDir,
      '--sync',
      SYNC,
      '--unattached-address-limit',
      String(SLOT_LIMIT)
    ];
    const [ec2lite, bare] = await Promise.all([
      startServer('ec2lite', ec2liteArgs),
      startServer('bare server', ['--import', 'tsx', 'bench/bare-server.ts'])
    ]);
    servers.push(ec2lite, bare);
    console.log(
      `ec2lite bench: Node ${process.version}, ${cpus().length} CPUs, ${CONNECTIONS} keep-alive connections (autocannon), ` +
        `${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, SQLite WAL synchronous=${SYNC}, random placement\n`
    );

    // (b) first, so that the state holds exactly the interfaces it lists.
    process.stdout.write(`(b) ${DESCRIBED_INTERFACES} interfaces… `);
    const describedSubnet = await createVpcWithSubnet(ec2lite.url, '10.2.0.0/16');
    await inParallel(DESCRIBED_INTERFACES, 8, (i) => createInterface(ec2lite.url, describedSubnet, 2, `bench-${i}`));
    const listed = await ec2(ec2lite.url, 'DescribeNetworkInterfaces');
    const listedCount = all(listed, 'macAddress').length;
    if (listedCount !== DESCRIBED_INTERFACES)
      throw new Error(`DescribeNetworkInterfaces listed ${listedCount} interfaces`);
    process.stdout.write(`(${fmt(Buffer.byteLength(listed) / 1024)} KiB an answer) `);
    const describeBody = form({ Action: 'DescribeNetworkInterfaces', Version: VERSION });
    const describeBare = await load(bare, { body: describeBody });
    const describe = await load(ec2lite, { body: describeBody });
    checkClean('(b) ec2lite', describe);
    console.log('done');

    // (e) next, so that the state holds exactly the instances it lists.
    process.stdout.write(`(e) ${DESCRIBED_INSTANCES} instances… `);
    const instanceSubnet = await createVpcWithSubnet(ec2lite.url, '10.4.0.0/16');
    await launchInstances(ec2lite.url, instanceSubnet, 't3.micro', DESCRIBED_INSTANCES);
    const instancesListed = await ec2(ec2lite.url, 'DescribeInstances');
    const instancesCount = all(instancesListed, 'instanceId').length;
    if (instancesCount !== DESCRIBED_INSTANCES) throw new Error(`DescribeInstances listed ${instancesCount} instances`);
    process.stdout.write(`(${fmt(Buffer.byteLength(instancesListed) / 1024)} KiB an answer) `);
    const instancesBody = form({ Action: 'DescribeInstances', Version: VERSION });
    const instancesBare = await load(bare, { body: instancesBody });
    const instances = await load(ec2lite, { body: instancesBody });
    checkClean('(e) ec2lite', instances);
    console.log('done');

    // (a) 32 interfaces in a /16, one per connection.
    process.stdout.write('(a) assign/unassign cycle… ');
    const cycleSubnet = await createVpcWithSubnet(ec2lite.url, '10.0.0.0/16');
    const cycleInterfaces = await inParallel(CONNECTIONS, 8, () => createInterface(ec2lite.url, cycleSubnet, 1));
    const cycleIds = cycleInterfaces.map((p) => p.id);
    const cycleBare = await load(bare, { setupClient: cycleClients(cycleIds) });
    const cycle = await load(ec2lite, { setupClient: cycleClients(cycleIds) }, () =>
      releaseLeftovers(ec2lite.url, cycleInterfaces)
    );
    checkClean('(a) bare server', cycleBare);
    checkClean('(a) ec2lite', cycle);
    console.log('done');

    // (d) 32 m5.large instances; their primary interfaces one below their limit, then at it.
    process.stdout.write(`(d) ${LIMIT_TYPE} interfaces at their limit… `);
    const limitSubnet = await createVpcWithSubnet(ec2lite.url, '10.3.0.0/16');
    const limitInterfaces = await launchInstances(ec2lite.url, limitSubnet, LIMIT_TYPE, CONNECTIONS);
    const belowLimit: Probe[] = await inParallel(CONNECTIONS, 8, async (i) => {
      const probe = limitInterfaces[i]!;
      const xml = await ec2(ec2lite.url, 'AssignPrivateIpAddresses', {
        NetworkInterfaceId: probe.id,
        SecondaryPrivateIpAddressCount: LIMIT_ADDRESSES - 2
      });
      return { ...probe, held: all(xml, 'privateIpAddress') };
    });
    const limitIds = belowLimit.map((p) => p.id);
    const belowFree = await freeAddresses(ec2lite.url, limitSubnet);
    const below = await load(ec2lite, { setupClient: cycleClients(limitIds) }, () =>
      releaseLeftovers(ec2lite.url, belowLimit)
    );
    checkClean('(d) one below the limit', below);
    await releaseLeftovers(ec2lite.url, belowLimit);
    if ((await freeAddresses(ec2lite.url, limitSubnet)) !== belowFree)
      throw new Error('(d): the cycle left addresses behind');
    await inParallel(CONNECTIONS, 8, (i) =>
      ec2(ec2lite.url, 'AssignPrivateIpAddresses', {
        NetworkInterfaceId: limitIds[i]!,
        SecondaryPrivateIpAddressCount: 1
      })
    );
    const atLimitFree = await freeAddresses(ec2lite.url, limitSubnet);
    const refusedWrongly = { count: 0 };
    const atLimit = await load(ec2lite, { setupClient: refusalClients(limitIds, refusedWrongly) });
    if (atLimit.errors > 0 || atLimit.non2xx !== atLimit.requests || refusedWrongly.count > 0) {
      throw new Error(
        `(d) at the limit: ${refusedWrongly.count} answers other than PrivateIpAddressLimitExceeded 400 and ${atLimit.errors} errors`
      );
    }
    if ((await freeAddresses(ec2lite.url, limitSubnet)) !== atLimitFree)
      throw new Error('(d): a refused assign took an address');
    console.log('done');

    // (c) a /16 filled level by level to its last 32 free addresses; 32 probe interfaces run the cycle at each level.
    process.stdout.write('(c) filling a /16… ');
    const fillSubnet = await createVpcWithSubnet(ec2lite.url, '10.1.0.0/16');
    const probes = await inParallel(CONNECTIONS, 8, () => createInterface(ec2lite.url, fillSubnet, 1));
    const steps: [string, number][] = [
      ['0%', USABLE_IN_16 - probes.length],
      ['50%', USABLE_IN_16 - Math.round(0.5 * USABLE_IN_16)],
      ['99%', USABLE_IN_16 - Math.round(0.99 * USABLE_IN_16)],
      [`last ${CONNECTIONS}`, CONNECTIONS]
    ];
    const levels: FillLevel[] = [];
    for (const [level, free] of steps) {
      await fillUntilFree(ec2lite.url, fillSubnet, free);
      levels.push(await measureLevel(ec2lite, level, fillSubnet, probes));
      process.stdout.write(`${level} `);
    }
    console.log('done\n');

    // Report.
    const cycleRatio = cycle.requestsPerSecond / cycleBare.requestsPerSecond;
    const describeRatio = describe.requestsPerSecond / describeBare.requestsPerSecond;
    const belowRatio = below.requestsPerSecond / cycleBare.requestsPerSecond;
    const atLimitRatio = atLimit.requestsPerSecond / cycleBare.requestsPerSecond;
    const instancesRatio = instances.requestsPerSecond / instancesBare.requestsPerSecond;
    // The cost of an address is the server's CPU time per assign + unassign: unlike wall time on a shared machine,
    // it does not move with whatever else runs beside the bench. The wall-time ratio is printed too.
    const costRatio = (l: FillLevel): number => l.cpuMicrosPerAddress / levels[0]!.cpuMicrosPerAddress;
    const wallRatio = (l: FillLevel): number => l.wallMicrosPerAddress / levels[0]!.wallMicrosPerAddress;
    const level99 = levels[2]!;
    const levelLast = levels[3]!;
    const targets = [
      {
        name: '(a) assign/unassign cycle, req/s vs bare server',
        value: cycleRatio,
        target: `>= ${CYCLE_MIN_RATIO}`,
        pass: cycleRatio >= CYCLE_MIN_RATIO
      },
      {
        name: '(c) server CPU per address at 99% full vs 0%',
        value: costRatio(level99),
        target: `<= ${FILL_MAX_RATIO}`,
        pass: costRatio(level99) <= FILL_MAX_RATIO
      },
      {
        name: `(c) server CPU per address among the last ${CONNECTIONS} of the /16 vs 0%`,
        value: costRatio(levelLast),
        target: `<= ${FILL_MAX_RATIO}`,
        pass: costRatio(levelLast) <= FILL_MAX_RATIO
      }
    ];
    const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');
    const loadRow = (name: string, f: LoadFigures, ratio: string, target = '', result = ''): string[] => [
      name,
      fmt(f.requestsPerSecond, f.requestsPerSecond < 100 ? 1 : 0),
      fmt(f.p50Ms, 2),
      fmt(f.p99Ms, 2),
      fmt(f.serverCpuMicrosPerRequest, f.serverCpuMicrosPerRequest < 1000 ? 1 : 0),
      ratio,
      target,
      result
    ];
    console.log(
      table(
        ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'vs bare', 'target', 'result'],
        [
          loadRow('bare node:http, (a) requests', cycleBare, '1.00'),
          loadRow(
            '(a) assign/unassign cycle, 32 ENIs in a /16',
            cycle,
            fmt(cycleRatio, 2),
            targets[0]!.target,
            verdict(targets[0]!.pass)
          ),
          loadRow('bare node:http, (b) request', describeBare, '1.00'),
          loadRow(`(b) DescribeNetworkInterfaces, ${fmt(DESCRIBED_INTERFACES)} ENIs`, describe, fmt(describeRatio, 4)),
          loadRow(`(d) cycle of (a), ${CONNECTIONS} ${LIMIT_TYPE} ENIs 1 below their limit`, below, fmt(belowRatio, 2)),
          loadRow(`(d) assign at the limit, refused 400`, atLimit, fmt(atLimitRatio, 2)),
          loadRow('bare node:http, (e) request', instancesBare, '1.00'),
          loadRow(`(e) DescribeInstances, ${fmt(DESCRIBED_INSTANCES)} instances`, instances, fmt(instancesRatio, 4))
        ]
      )
    );
    console.log('(d) is set against the bare server of (a), which answers its requests alike.');
    console.log(
      `\n(c) filling a /16 (${fmt(USABLE_IN_16)} usable addresses): the cycle of (a) on ${CONNECTIONS} probe interfaces at each fill level.\n` +
        '    CPU µs/address: server CPU time per assign + unassign; wall µs/address: 2 / req/s under the load;\n' +
        '    KiB written/req: what the server sent to storage (WAL and checkpoints) per request.\n' +
        '    vs bare: req/s against the bare server of (a); vs 0%: cost per address against the 0% level.\n'
    );
    console.log(
      table(
        [
          'fill level',
          'occupied',
          'req/s',
          'p50 ms',
          'p99 ms',
          'vs bare',
          'KiB written/req',
          'wall µs/address',
          'vs 0%',
          'CPU µs/address',
          'vs 0%',
          'target',
          'result'
        ],
        levels.map((l) => {
          const checked = l === level99 || l === levelLast;
          return [
            l.level,
            `${fmt(l.occupied * 100, 2)}%`,
            fmt(l.requestsPerSecond),
            fmt(l.p50Ms, 2),
            fmt(l.p99Ms, 2),
            fmt(l.requestsPerSecond / cycleBare.requestsPerSecond, 2),
            fmt(l.serverWriteBytesPerRequest / 1024, 1),
            fmt(l.wallMicrosPerAddress, 1),
            fmt(wallRatio(l), 2),
            fmt(l.cpuMicrosPerAddress, 1),
            fmt(costRatio(l), 2),
            checked ? `<= ${FILL_MAX_RATIO}` : '',
            checked ? verdict(costRatio(l) <= FILL_MAX_RATIO) : ''
          ];
        })
      )
    );

    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      sqliteSynchronous: SYNC,
      placement: 'random',
      cycle: { ec2lite: cycle, bare: cycleBare, ratio: cycleRatio },
      describe: {
        interfaces: DESCRIBED_INTERFACES,
        responseBytes: Buffer.byteLength(listed),
        ec2lite: describe,
        bare: describeBare,
        ratio: describeRatio
      },
      limits: {
        instanceType: LIMIT_TYPE,
        addressesPerInterface: LIMIT_ADDRESSES,
        belowLimit: { ec2lite: below, ratioToBare: belowRatio },
        atLimit: { ec2lite: atLimit, ratioToBare: atLimitRatio }
      },
      describeInstances: {
        instances: DESCRIBED_INSTANCES,
        responseBytes: Buffer.byteLength(instancesListed),
        ec2lite: instances,
        bare: instancesBare,
        ratio: instancesRatio
      },
      fill: {
        usableAddresses: USABLE_IN_16,
        levels: levels.map((l) => ({
          ...l,
          ratioToBare: l.requestsPerSecond / cycleBare.requestsPerSecond,
          cpuCostRatioTo0: costRatio(l),
          wallCostRatioTo0: wallRatio(l)
        })),
        cpuCostRatio99To0: costRatio(level99),
        cpuCostRatioLastTo0: costRatio(levelLast),
        wallCostRatio99To0: wallRatio(level99),
        wallCostRatioLastTo0: wallRatio(levelLast)
      },
      targets
    };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    const missed = targets.filter((t) => !t.pass).length;
    console.log(
      `\n${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}; results in bench/results/latest.json`
    );
    if (missed > 0 && STRICT) process.exitCode = 1;
  } finally {
    agent.destroy();
    await Promise.all(servers.map((server) => stopChild(server.child)));
    killChildren();
    clearTimeout(watchdog);
  }
}

main()
  // Then the same cycle on PostgreSQL, one node and three, beside SQLite (bench/postgres.ts).
  .then(() => runPostgresBench())
  .catch((error: unknown) => {
    console.error('bench:', error instanceof Error ? error.message : error);
    killChildren();
    process.exit(1);
  });
