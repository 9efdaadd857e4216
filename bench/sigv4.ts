/**
 * `node --import tsx bench/sigv4.ts`: the cost of SigV4 verification. One ec2lite child per mode (in-memory state,
 * 32 keep-alive connections from autocannon in this process), the same request each time:
 *
 *   open, unsigned      — no Authorization header at all (curl);
 *   open, signed        — the SDK's signed request, parsed for its key and region but not verified;
 *   verify, signed      — the same request, its signature checked against the key's secret.
 *
 * Two requests: DescribeVpcs (one VPC: the action costs little, so the verification shows) and
 * AssignPrivateIpAddresses with a count that is always refused by the interface's limit (a write path that
 * changes nothing, so it can repeat). A signed request can be replayed within its 15 minutes, which is what lets
 * autocannon send one fixed request. Environment: BENCH_SECONDS (default 5), BENCH_WARMUP_SECONDS (1).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnListening, stopChild } from '../test/helpers/listening-child.js';
import { signRequest } from '../test/helpers/sigv4-oracle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const KEY = { accessKeyId: 'AKIDBENCH00000000000', secretAccessKey: 'bench-secret' };
const children = new Set<ChildProcess>();

async function start(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const { child, listening } = spawnListening(
    ['--import', 'tsx', '-e', "import('./src/cli.ts').then((m) => m.main(process.argv.slice(1)))", '--', ...args],
    { cwd: ROOT }
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { url: await listening, child };
}

async function load(
  url: string,
  request: { headers: Record<string, string>; body: string },
  seconds: number
): Promise<{ rps: number; p99: number; codes: string }> {
  const result = await autocannon({
    url: `${url}/`,
    connections: 32,
    duration: seconds,
    method: 'POST',
    headers: request.headers,
    body: request.body
  });
  const codes = Object.entries({ '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'] })
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, codes };
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<string> {
  const response = await fetch(`${url}/`, { method: 'POST', headers, body });
  return response.text();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ec2lite-bench-sigv4-'));
  const credentials = join(dir, 'keys.json');
  writeFileSync(credentials, JSON.stringify([KEY]));
  const rows: string[] = [];
  // The baseline of each request: the same request, unsigned, in open mode, measured in this run.
  const baseline = new Map<string, number>();
  try {
    for (const mode of ['open', 'verify'] as const) {
      const server = await start([
        '--port',
        '0',
        '--ephemeral',
        '--imds-port',
        '0',
        '--auth',
        mode,
        '--credentials',
        credentials
      ]);
      // An interface holding 50 addresses (the unattached cap): every further assign is refused, nothing changes.
      const unsigned = { 'content-type': 'application/x-www-form-urlencoded' };
      const setup = async (body: string) => (await signRequest(server.url, KEY, { body })).headers;
      const subnet = /<subnetId>([^<]+)</.exec(
        await post(
          server.url,
          await setup('Action=DescribeSubnets&Version=2016-11-15'),
          'Action=DescribeSubnets&Version=2016-11-15'
        )
      )![1]!;
      const createBody = `Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=${subnet}&SecondaryPrivateIpAddressCount=49`;
      const eni = /<networkInterfaceId>([^<]+)</.exec(await post(server.url, await setup(createBody), createBody))![1]!;
      const bodies = {
        DescribeVpcs: 'Action=DescribeVpcs&Version=2016-11-15',
        'Assign (refused)': `Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=${eni}&SecondaryPrivateIpAddressCount=1`
      };
      for (const [name, body] of Object.entries(bodies)) {
        const signed = { headers: (await signRequest(server.url, KEY, { body })).headers, body };
        const variants = mode === 'open' ? { unsigned: { headers: unsigned, body }, signed } : { signed };
        for (const [variant, request] of Object.entries(variants)) {
          if (WARMUP > 0) await load(server.url, request, WARMUP);
          const { rps, p99, codes } = await load(server.url, request, SECONDS);
          if (mode === 'open' && variant === 'unsigned') baseline.set(name, rps);
          const ratio = (rps / baseline.get(name)!).toFixed(2);
          rows.push(
            `${name.padEnd(18)} ${`${mode}, ${variant}`.padEnd(16)} ${String(rps).padStart(8)} req/s   ${ratio} of unsigned   p99 ${String(p99).padStart(4)} ms   ${codes}`
          );
          console.log(rows.at(-1));
        }
      }
      await stopChild(server.child);
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  for (const child of children) child.kill('SIGKILL');
  console.error(error);
  process.exit(1);
});
