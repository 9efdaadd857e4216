import { join } from 'node:path';
import type { AccessKeyEntry } from './auth/credentials.js';
import type { FaultSpec, LatencySpec, ThrottleSettings } from './control/settings.js';

/** Everything an ec2lite server can be told, with its default. */
export interface Ec2liteConfig {
  /** TCP port of the EC2 endpoint; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** Folder holding the SQLite state; ignored when `ephemeral`. */
  readonly dataDir: string;
  /** Keep the state in memory only: gone when the server stops. */
  readonly ephemeral: boolean;
  /**
   * Where the state lives when not in the embedded SQLite of `dataDir`: a `postgres://` URL, whose database several
   * ec2lite nodes may share (`dataDir`, `ephemeral` and `sync` are then ignored).
   */
  readonly store?: string;
  readonly region: string;
  readonly accountId: string;
  /** How EC2 picks addresses when asked for a count: at random (as EC2 does) or lowest first. */
  readonly placement: 'random' | 'lowest';
  /** Seed for every random choice, so a run can be reproduced. */
  readonly seed: number;
  /** Address slots of an interface attached to no instance. */
  readonly unattachedAddressLimit: number;
  /** The block Elastic IPs are allocated from (AllocateAddress), as a CIDR. */
  readonly publicIpPool: string;
  /** Elastic IPs the account may hold in the region (EC2's default quota is 5). */
  readonly elasticIpLimit: number;
  /**
   * Durability: `normal` survives a crash of ec2lite, `full` also a crash of the machine (SQLite synchronous=FULL;
   * on PostgreSQL, synchronous_commit on rather than off).
   */
  readonly sync: 'normal' | 'full';
  readonly maxBodyBytes: number;
  /**
   * `open`: any credentials and unsigned requests are accepted, signatures are not checked, and the account comes
   * from the access key (a 12-digit key is that account, any other `accountId`). `verify`: only keys of
   * `credentialsFile`/`credentials`, with a valid SigV4 signature.
   */
  readonly auth: 'open' | 'verify';
  /** A credentials file (JSON, or the AWS credentials INI format): each key's secret, account and optional policy. */
  readonly credentialsFile?: string;
  /** Keys given inline (start-up config file, tests), in addition to those of `credentialsFile`. */
  readonly credentials?: readonly AccessKeyEntry[];
  /** A token bucket per account and action answering RequestLimitExceeded; off when absent. */
  readonly throttle?: ThrottleSettings;
  /** Errors injected from the start (control API: /_ec2lite/faults). */
  readonly faults?: readonly FaultSpec[];
  /** Latency added from the start (control API: /_ec2lite/latency). */
  readonly latency?: readonly LatencySpec[];
  /** Subnets answering InsufficientCidrBlocks to prefix picks from the start (control API: /_ec2lite/subnets/{id}/prefix-capacity). */
  readonly prefixCapacity?: readonly string[];
  /** Calls the call log keeps (control API: /_ec2lite/calls); 0 keeps none. */
  readonly callLogSize: number;
  /** TCP port of the instance metadata service; 0 picks a free one (so does leaving it out when `port` is 0). */
  readonly imdsPort: number;
  /** Where the metadata service listens; the wildcard (Linux default) serves every instance at its own 127.x.y.z. */
  readonly imdsHost: string;
  /** How long a change of an instance's interfaces or addresses takes to show in its metadata, in ms; 0 at once. */
  readonly imdsDelayMs: number;
  /** How long a detached interface's MAC stays listed in the metadata, its keys answering 404, in ms. */
  readonly imdsLingerMs: number;
  /** How long a client may take to send a whole request (headers and body) before it is answered 408. */
  readonly requestTimeoutMs: number;
  /** How long a client may take to send the request headers; at most `requestTimeoutMs`. */
  readonly headersTimeoutMs: number;
}

export const defaultConfig: Ec2liteConfig = {
  port: 4566,
  host: '127.0.0.1',
  dataDir: join(process.cwd(), 'ec2lite-data'),
  ephemeral: false,
  region: 'us-east-1',
  accountId: '123456789012',
  placement: 'random',
  seed: 0,
  unattachedAddressLimit: 50,
  // RFC 5737 TEST-NET-2: looks like a public block but is never routed, so no test can reach a real host through it.
  publicIpPool: '198.51.100.0/24',
  elasticIpLimit: 5,
  sync: 'normal',
  maxBodyBytes: 1024 * 1024,
  auth: 'open',
  callLogSize: 1000,
  imdsPort: 1338,
  // Linux routes all of 127.0.0.0/8 to the host; elsewhere only 127.0.0.1 can be counted on.
  imdsHost: process.platform === 'linux' ? '0.0.0.0' : '127.0.0.1',
  imdsDelayMs: 2000,
  imdsLingerMs: 0,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000
};
