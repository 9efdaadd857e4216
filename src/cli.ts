import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultConfig } from './config.js';
import { parseCidr } from './domain/ipv4.js';
import { startEmulator } from './emulator.js';

const HELP = `ec2lite — a local Amazon EC2 API for VPC private IP address management

Usage: ec2lite [options]

Options:
  --port N                       EC2 endpoint port (default ${defaultConfig.port}; 0 picks a free one)
  --host ADDRESS                 address to listen on (default ${defaultConfig.host})
  --data DIR                     folder for the SQLite state, kept across restarts (default ./ec2lite-data)
  --ephemeral                    keep the state in memory only; it is gone when ec2lite stops
  --region NAME                  the region ec2lite plays (default ${defaultConfig.region})
  --account-id ID                the 12-digit account that owns everything (default ${defaultConfig.accountId})
  --placement random|lowest      how addresses are picked for a count (default ${defaultConfig.placement}, as EC2)
  --seed N                       seed for random placement and ids of zones (default ${defaultConfig.seed})
  --unattached-address-limit N   address slots of an interface attached to no instance (default ${defaultConfig.unattachedAddressLimit})
  --public-ip-pool CIDR          block Elastic IPs are allocated from (default ${defaultConfig.publicIpPool}, a documentation range)
  --elastic-ip-limit N           Elastic IPs the account may hold (default ${defaultConfig.elasticIpLimit}, EC2's default quota)
  --sync normal|full             SQLite durability: normal survives an ec2lite crash, full also a power loss (default ${defaultConfig.sync})
  --max-body-bytes N             largest request body accepted (default ${defaultConfig.maxBodyBytes})
  -h, --help                     show this help
  -v, --version                  show the version

Point any EC2 client at it, for example:
  aws --endpoint-url http://127.0.0.1:${defaultConfig.port} ec2 describe-subnets
`;

function fail(message: string): never {
  process.stderr.write(`ec2lite: ${message}\n\n${HELP}`);
  process.exit(2);
}

function integerOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) < min) fail(`--${name} takes a whole number of at least ${min}, not '${value}'`);
  return Number(value);
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) fail(`--${name} takes one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

export async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        ephemeral: { type: 'boolean' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        placement: { type: 'string' },
        seed: { type: 'string' },
        'unattached-address-limit': { type: 'string' },
        'public-ip-pool': { type: 'string' },
        'elastic-ip-limit': { type: 'string' },
        sync: { type: 'string' },
        'max-body-bytes': { type: 'string' },
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
  const accountId = v['account-id'] ?? defaultConfig.accountId;
  if (!/^[0-9]{12}$/.test(accountId)) fail(`--account-id takes 12 digits, not '${accountId}'`);
  const region = v.region ?? defaultConfig.region;
  if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region)) fail(`--region takes a region name such as us-east-1, not '${region}'`);
  const publicIpPool = v['public-ip-pool'] ?? defaultConfig.publicIpPool;
  if (!parseCidr(publicIpPool)) fail(`--public-ip-pool takes a CIDR block such as 198.51.100.0/24, not '${publicIpPool}'`);
  const emulator = await startEmulator({
    port: integerOption(v.port, 'port', defaultConfig.port),
    host: v.host ?? defaultConfig.host,
    dataDir: v.data ?? defaultConfig.dataDir,
    ephemeral: v.ephemeral ?? false,
    region,
    accountId,
    placement: choice(v.placement, 'placement', ['random', 'lowest'] as const, defaultConfig.placement),
    seed: integerOption(v.seed, 'seed', defaultConfig.seed),
    unattachedAddressLimit: integerOption(v['unattached-address-limit'], 'unattached-address-limit', defaultConfig.unattachedAddressLimit, 2),
    publicIpPool,
    elasticIpLimit: integerOption(v['elastic-ip-limit'], 'elastic-ip-limit', defaultConfig.elasticIpLimit),
    sync: choice(v.sync, 'sync', ['normal', 'full'] as const, defaultConfig.sync),
    maxBodyBytes: integerOption(v['max-body-bytes'], 'max-body-bytes', defaultConfig.maxBodyBytes, 1024)
  });
  process.stdout.write(
    `ec2lite listening on ${emulator.url} (region ${region}, ${v.ephemeral ? 'in-memory state' : `state in ${v.data ?? defaultConfig.dataDir}`})\n`
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
