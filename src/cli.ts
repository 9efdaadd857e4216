import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Ec2liteConfig, defaultConfig } from './config.js';
import { loadConfigFile } from './config-file.js';
import { type ThrottleSettings, parseThrottleFlag } from './control/settings.js';
import { isAccountId } from './domain/ids.js';
import { parseCidr } from './domain/ipv4.js';
import { isRegionName } from './domain/zones.js';
import { startEmulator } from './emulator.js';
import { metadataEndpointCommand } from './imds/metadata-endpoint-command.js';
import { NoDataError, checkDataFolder, checkPostgres } from './store/check.js';
import { isPostgresUrl } from './store/postgres-store.js';

const HELP = `ec2lite — a local Amazon EC2 API for VPC private IP address management

Usage: ec2lite [options]
       ec2lite check --data DIR      check every invariant of a data folder; exit 0 clean, 1 violations, 2 usage
       ec2lite check --store URL     the same for the state in PostgreSQL
       ec2lite metadata-endpoint INSTANCE_ID [--endpoint-url URL]
                                     print the URL of the instance's metadata service (asks a running ec2lite)

Options:
  --port N                       EC2 endpoint port (default ${defaultConfig.port}; 0 picks a free one)
  --host ADDRESS                 address to listen on (default ${defaultConfig.host})
  --data DIR                     folder for the SQLite state, kept across restarts (default ./ec2lite-data)
  --ephemeral                    keep the state in memory only; it is gone when ec2lite stops
  --store postgres://…           keep the state in PostgreSQL instead, shared by every ec2lite node given the same
                                 URL (default: the EC2LITE_STORE environment variable, else the SQLite of --data)
  --region NAME                  the region ec2lite plays (default ${defaultConfig.region})
  --account-id ID                the 12-digit account that owns everything (default ${defaultConfig.accountId})
  --placement random|lowest      how addresses are picked for a count (default ${defaultConfig.placement}, as EC2)
  --seed N                       seed for random placement and ids of zones (default ${defaultConfig.seed})
  --unattached-address-limit N   address slots of an interface attached to no instance (default ${defaultConfig.unattachedAddressLimit})
  --public-ip-pool CIDR          block Elastic IPs are allocated from (default ${defaultConfig.publicIpPool}, a documentation range)
  --elastic-ip-limit N           Elastic IPs the account may hold (default ${defaultConfig.elasticIpLimit}, EC2's default quota)
  --sync normal|full             durability: normal survives an ec2lite crash, full also a power loss (default ${defaultConfig.sync});
                                 with --store, full makes each commit wait for PostgreSQL's WAL flush
  --max-body-bytes N             largest request body accepted (default ${defaultConfig.maxBodyBytes})
  --config FILE                  start-up settings as JSON: these options in camelCase ("accountId", "auth", …) plus
                                 "credentials", "faults", "latency", "prefixCapacity"; options given here win
  --auth open|verify             open: any credentials or none, signatures not checked; verify: only keys of
                                 --credentials, SigV4 signatures checked (default ${defaultConfig.auth})
  --credentials FILE             access keys with their account and optional policy: JSON or AWS credentials INI
  --throttle RATE:BURST          token bucket per account and action: RATE calls a second, BURST at once (default off)
  --call-log-size N              calls kept by the call log at /_ec2lite/calls (default ${defaultConfig.callLogSize})
  --request-timeout-ms N         time a client has to send a whole request before a 408 (default ${defaultConfig.requestTimeoutMs})
  --headers-timeout-ms N         time a client has to send the request headers (default ${defaultConfig.headersTimeoutMs})
  --imds-port N                  instance metadata service port (default ${defaultConfig.imdsPort}, or a free one with --port 0)
  --imds-host ADDRESS            address the metadata service listens on (default ${defaultConfig.imdsHost}; 0.0.0.0 serves
                                 each instance at its own 127.x.y.z on Linux and turns away non-loopback connections)
  --imds-delay-ms N              how long a change takes to show in the metadata, as on EC2 (default ${defaultConfig.imdsDelayMs}; 0 at once)
  --imds-linger-ms N             how long a detached interface's MAC stays listed, its keys 404 (default ${defaultConfig.imdsLingerMs})
  -h, --help                     show this help
  -v, --version                  show the version

Point any EC2 client at it, for example:
  aws --endpoint-url http://127.0.0.1:${defaultConfig.port} ec2 describe-subnets
and a metadata client at one instance's metadata service:
  AWS_EC2_METADATA_SERVICE_ENDPOINT=$(ec2lite metadata-endpoint i-0123456789abcdef0) …
`;

/** A connection URL fit for a log line: without its password. */
function redactedUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

function fail(message: string): never {
  process.stderr.write(`ec2lite: ${message}\n\n${HELP}`);
  process.exit(2);
}

function integerOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) < min)
    fail(`--${name} takes a whole number of at least ${min}, not '${value}'`);
  return Number(value);
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) fail(`--${name} takes one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'check') {
    process.exitCode = await runCheck(argv.slice(1));
    return;
  }
  if (argv[0] === 'metadata-endpoint') {
    process.exitCode = await metadataEndpointCommand(argv.slice(1), `http://127.0.0.1:${defaultConfig.port}`);
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        ephemeral: { type: 'boolean' },
        store: { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        placement: { type: 'string' },
        seed: { type: 'string' },
        'unattached-address-limit': { type: 'string' },
        'public-ip-pool': { type: 'string' },
        'elastic-ip-limit': { type: 'string' },
        sync: { type: 'string' },
        'max-body-bytes': { type: 'string' },
        config: { type: 'string' },
        auth: { type: 'string' },
        credentials: { type: 'string' },
        throttle: { type: 'string' },
        'call-log-size': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
        'imds-port': { type: 'string' },
        'imds-host': { type: 'string' },
        'imds-delay-ms': { type: 'string' },
        'imds-linger-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      }
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return;
  }
  if (v.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  let fileConfig: Partial<Ec2liteConfig> = {};
  let throttle: ThrottleSettings | undefined;
  try {
    fileConfig = v.config !== undefined ? loadConfigFile(v.config) : {};
    throttle = v.throttle !== undefined ? parseThrottleFlag(v.throttle) : undefined;
  } catch (error) {
    fail((error as Error).message);
  }
  // Defaults, then the config file, then the options given: each option below falls back to `base`.
  const base: Ec2liteConfig = { ...defaultConfig, ...fileConfig };
  const accountId = v['account-id'] ?? base.accountId;
  if (!isAccountId(accountId)) fail(`--account-id takes 12 digits, not '${accountId}'`);
  const region = v.region ?? base.region;
  if (!isRegionName(region)) fail(`--region takes a region name such as us-east-1, not '${region}'`);
  const publicIpPool = v['public-ip-pool'] ?? base.publicIpPool;
  if (!parseCidr(publicIpPool))
    fail(`--public-ip-pool takes a CIDR block such as 198.51.100.0/24, not '${publicIpPool}'`);
  const store = v.store ?? (process.env.EC2LITE_STORE || undefined) ?? base.store;
  if (store !== undefined && !isPostgresUrl(store)) fail(`--store takes a postgres:// URL, not '${store}'`);
  const emulator = await startEmulator({
    // The file's settings first (credentials, faults, …); every option below falls back to it, then to the default.
    ...fileConfig,
    port: integerOption(v.port, 'port', base.port),
    auth: choice(v.auth, 'auth', ['open', 'verify'] as const, base.auth),
    ...(v.credentials !== undefined ? { credentialsFile: v.credentials } : {}),
    ...(throttle ? { throttle } : {}),
    callLogSize: integerOption(v['call-log-size'], 'call-log-size', base.callLogSize),
    host: v.host ?? base.host,
    dataDir: v.data ?? base.dataDir,
    ephemeral: v.ephemeral ?? base.ephemeral,
    ...(store !== undefined ? { store } : {}),
    region,
    accountId,
    placement: choice(v.placement, 'placement', ['random', 'lowest'] as const, base.placement),
    seed: integerOption(v.seed, 'seed', base.seed),
    unattachedAddressLimit: integerOption(
      v['unattached-address-limit'],
      'unattached-address-limit',
      base.unattachedAddressLimit,
      2
    ),
    publicIpPool,
    elasticIpLimit: integerOption(v['elastic-ip-limit'], 'elastic-ip-limit', base.elasticIpLimit),
    sync: choice(v.sync, 'sync', ['normal', 'full'] as const, base.sync),
    maxBodyBytes: integerOption(v['max-body-bytes'], 'max-body-bytes', base.maxBodyBytes, 1024),
    requestTimeoutMs: integerOption(v['request-timeout-ms'], 'request-timeout-ms', base.requestTimeoutMs, 100),
    headersTimeoutMs: integerOption(v['headers-timeout-ms'], 'headers-timeout-ms', base.headersTimeoutMs, 100),
    // Left out when not given: with --port 0 the metadata service then takes a free port as well.
    ...(v['imds-port'] !== undefined ? { imdsPort: integerOption(v['imds-port'], 'imds-port', base.imdsPort) } : {}),
    imdsHost: v['imds-host'] ?? base.imdsHost,
    imdsDelayMs: integerOption(v['imds-delay-ms'], 'imds-delay-ms', base.imdsDelayMs),
    imdsLingerMs: integerOption(v['imds-linger-ms'], 'imds-linger-ms', base.imdsLingerMs)
  });
  process.stdout.write(
    `ec2lite listening on ${emulator.url} (region ${region}, ${store !== undefined ? `state in PostgreSQL ${redactedUrl(store)}` : (v.ephemeral ?? base.ephemeral) ? 'in-memory state' : `state in ${v.data ?? base.dataDir}`}, auth ${v.auth ?? base.auth}; control API at ${emulator.url}/_ec2lite/)\n`
  );
  process.stdout.write(
    `instance metadata service on port ${emulator.imds.port} (ec2lite metadata-endpoint INSTANCE_ID gives an instance's URL)\n`
  );
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('ec2lite: error while stopping:', error);
        process.exit(1);
      }
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const CHECK_HELP = `Usage: ec2lite check --data DIR
       ec2lite check --store postgres://…   (or with EC2LITE_STORE set)

Checks every invariant of ec2lite's state — a data folder, or the PostgreSQL database several nodes share,
with every account's and region's state in it — and prints each violation: no address on two interfaces
(by the rows and by the UNIQUE constraint), every address inside its subnet and not reserved, one primary
address per interface, prefixes as 16 aligned rows inside the subnet, AvailableIpAddressCount consistent
with the rows, attachments to existing instances on distinct device indexes, Elastic IPs associated with
addresses their interface holds. It only reads, so it may run beside a server or right after a crash.

Exit status: 0 when the state is consistent, 1 when a violation was found, 2 for a usage error.
`;

/** `ec2lite check --data DIR` or `--store URL`: returns the exit status. */
async function runCheck(argv: string[]): Promise<number> {
  let dataDir: string | undefined;
  let store: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { data: { type: 'string' }, store: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
    });
    if (values.help) {
      process.stdout.write(CHECK_HELP);
      return 0;
    }
    dataDir = values.data || undefined;
    // The environment names the store only when no folder is given, as for the server.
    store = values.store || (dataDir === undefined ? process.env.EC2LITE_STORE || undefined : undefined);
  } catch (error) {
    process.stderr.write(`ec2lite check: ${(error as Error).message}\n\n${CHECK_HELP}`);
    return 2;
  }
  if ((dataDir === undefined) === (store === undefined)) {
    process.stderr.write(`ec2lite check: give either --data DIR or --store postgres://…\n\n${CHECK_HELP}`);
    return 2;
  }
  if (store !== undefined && !isPostgresUrl(store)) {
    process.stderr.write(`ec2lite check: --store takes a postgres:// URL, not '${store}'\n`);
    return 2;
  }
  const where = dataDir ?? redactedUrl(store!);
  let report;
  try {
    report = dataDir !== undefined ? await checkDataFolder(dataDir) : await checkPostgres(store!);
  } catch (error) {
    if (!(error instanceof NoDataError)) throw error;
    process.stderr.write(`ec2lite check: ${error.message}\n`);
    return 2;
  }
  for (const v of report.violations) process.stdout.write(`${v.rule}: ${v.detail}\n`);
  const { subnets, networkInterfaces, addressRows, instances } = report.counts;
  const states = report.partitions > 1 ? `${report.partitions} account/region states, ` : '';
  const scope = `${states}${subnets} subnets, ${networkInterfaces} network interfaces, ${addressRows} addresses, ${instances} instances`;
  if (report.violations.length > 0) {
    process.stdout.write(`ec2lite check: ${report.violations.length} violations in ${where} (${scope})\n`);
    return 1;
  }
  process.stdout.write(`ec2lite check: ${where} is consistent (${scope})\n`);
  return 0;
}
