import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ActionContext } from './actions/action.js';
import { createSubnetRecord } from './actions/create-subnet.js';
import { createVpcRecord } from './actions/create-vpc.js';
import { type Ec2liteConfig, defaultConfig } from './config.js';
import { parseCidr } from './domain/ipv4.js';
import { seededRandom } from './domain/random.js';
import { availabilityZones } from './domain/zones.js';
import { actions } from './protocol/actions.js';
import { createGate } from './protocol/http.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

export interface Emulator {
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  close(): Promise<void>;
}

/**
 * A new account's starting point: a default VPC 172.31.0.0/16 with a default /20 subnet in each availability
 * zone of the region (VPC User Guide, "Default VPCs").
 */
async function bootstrapDefaultVpc(store: Store, context: ActionContext): Promise<void> {
  await store.transaction(async (tx) => {
    if (await tx.getMeta('default-vpc-created')) return;
    const vpc = await createVpcRecord(tx, '172.31.0.0/16', {
      ownerId: context.accountId,
      isDefault: true,
      instanceTenancy: 'default',
      tags: []
    });
    let index = 0;
    for (const zone of context.availabilityZones) {
      await createSubnetRecord(tx, context, {
        vpcId: vpc.id,
        cidrBlock: `172.31.${index * 16}.0/20`,
        availabilityZone: zone,
        defaultForAz: true,
        tags: []
      });
      index++;
    }
    await tx.setMeta('default-vpc-created', new Date().toISOString());
  });
}

export async function startEmulator(overrides: Partial<Ec2liteConfig> = {}): Promise<Emulator> {
  const config: Ec2liteConfig = { ...defaultConfig, ...overrides };
  const publicIpPool = parseCidr(config.publicIpPool);
  if (!publicIpPool) throw new Error(`publicIpPool is not a CIDR block: '${config.publicIpPool}'`);
  let path = ':memory:';
  if (!config.ephemeral) {
    mkdirSync(config.dataDir, { recursive: true });
    path = join(config.dataDir, 'ec2lite.sqlite');
  }
  const store = new SqliteStore({ path, synchronous: config.sync });
  const random = seededRandom(config.seed);
  const zones = availabilityZones(config.region);
  const context = (requestId: string, now: Date): ActionContext => ({
    region: config.region,
    accountId: config.accountId,
    availabilityZones: zones,
    placement: config.placement === 'random' ? random : null,
    random,
    unattachedAddressLimit: config.unattachedAddressLimit,
    publicIpPool,
    elasticIpLimit: config.elasticIpLimit,
    requestId,
    now
  });
  await bootstrapDefaultVpc(store, context('bootstrap', new Date()));

  const server: Server = createServer(
    createGate({
      store,
      actions,
      context,
      maxBodyBytes: config.maxBodyBytes,
      onInternalError: (error, action) => console.error(`ec2lite: internal error in ${action ?? 'request'}:`, error)
    })
  );
  // A client that never finishes its request is cut off rather than holding a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${config.host}:${port}`,
    port,
    store,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await store.close();
    }
  };
}
