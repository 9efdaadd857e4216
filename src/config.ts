import { join } from 'node:path';

/** Everything an ec2lite server can be told, with its default. */
export interface Ec2liteConfig {
  /** TCP port of the EC2 endpoint; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** Folder holding the SQLite state; ignored when `ephemeral`. */
  readonly dataDir: string;
  /** Keep the state in memory only: gone when the server stops. */
  readonly ephemeral: boolean;
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
  /** SQLite durability: `normal` survives a crash of ec2lite, `full` also a crash of the machine. */
  readonly sync: 'normal' | 'full';
  readonly maxBodyBytes: number;
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
  maxBodyBytes: 1024 * 1024
};
