import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActionContext } from './actions/action.js';
import { keyRing, loadCredentialsFile } from './auth/credentials.js';
import { createSubnetRecord } from './actions/create-subnet.js';
import { createVpcRecord } from './actions/create-vpc.js';
import { type Ec2liteConfig, defaultConfig } from './config.js';
import { parseCidr } from './domain/ipv4.js';
import { seededRandom } from './domain/random.js';
import { availabilityZones } from './domain/zones.js';
import { createControlApi, isControlPath } from './control/control-api.js';
import { Controls } from './control/controls.js';
import { actions } from './protocol/actions.js';
import { handleControlRequest } from './imds/control-api.js';
import { ImdsServer } from './imds/imds-server.js';
import { journaledStore, seedMetadataJournal } from './imds/metadata-journal.js';
import { createGate } from './protocol/http.js';
import { type Caller, createAuthenticator } from './protocol/sigv4.js';
import { createEc2Server } from './protocol/server.js';
import { dataFile, partitionFile } from './store/check.js';
import { PostgresStore, isPostgresUrl, partitionSchema } from './store/postgres-store.js';
import { type PartitionKey, Partitions } from './store/partitions.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

export interface Emulator {
  readonly url: string;
  readonly port: number;
  /** The home partition's store: the configured account's and region's state. */
  readonly store: Store;
  /** Every account's and region's state (store/partitions.ts). */
  readonly partitions: Partitions;
  /** The instance metadata service, started and stopped with the EC2 endpoint. */
  readonly imds: ImdsServer;
  /** Throttling, injected faults and latency, the prefix-capacity switch and the call log (also at /_ec2lite/). */
  readonly controls: Controls;
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

/**
 * The store of one partition (store/partitions.ts): the embedded SQLite — the home partition in
 * `<dataDir>/ec2lite.sqlite`, any other in `<dataDir>/accounts/<account>/<region>.sqlite`, or each in memory — or,
 * when `store` is a postgres:// URL, PostgreSQL: the home partition in the URL's schema (its search_path), any
 * other in a schema of its own beside it, `<home schema>_<account>_<region>` (`ec2lite_…` beside `public`).
 */
async function openPartitionStore(config: Ec2liteConfig, key: PartitionKey, home?: Store): Promise<Store> {
  if (config.store !== undefined && config.store !== '') {
    if (!isPostgresUrl(config.store)) throw new Error(`store must be a postgres:// URL, not '${config.store}'`);
    const schema = home instanceof PostgresStore ? partitionSchema(home.schema, key.accountId, key.region) : undefined;
    return PostgresStore.open({
      url: config.store,
      // --sync normal: a commit survives a crash of ec2lite, as with SQLite; full: also one of PostgreSQL or the machine.
      synchronousCommit: config.sync === 'full',
      ...(schema !== undefined ? { schema, poolSize: 4 } : {})
    });
  }
  if (config.ephemeral) return new SqliteStore({ path: ':memory:', synchronous: config.sync });
  const path = home ? partitionFile(config.dataDir, key.accountId, key.region) : dataFile(config.dataDir);
  mkdirSync(dirname(path), { recursive: true });
  return new SqliteStore({ path, synchronous: config.sync });
}

export async function startEmulator(overrides: Partial<Ec2liteConfig> = {}): Promise<Emulator> {
  // A server on a free port takes a free metadata port too unless told otherwise, so that several can run at once.
  const config: Ec2liteConfig = { ...defaultConfig, ...(overrides.port === 0 ? { imdsPort: 0 } : {}), ...overrides };
  const publicIpPool = parseCidr(config.publicIpPool);
  if (!publicIpPool) throw new Error(`publicIpPool is not a CIDR block: '${config.publicIpPool}'`);
  // Keys and knobs first: a bad credentials file or setting stops the start before anything listens.
  const keys = keyRing([
    ...(config.credentialsFile ? loadCredentialsFile(config.credentialsFile) : []),
    ...(config.credentials ?? [])
  ]);
  if (config.auth === 'verify' && keys.size === 0) {
    throw new Error(
      'auth verify needs access keys: give a credentials file (--credentials FILE) or "credentials" in the config file'
    );
  }
  const authenticate = createAuthenticator({
    mode: config.auth,
    keys,
    defaultAccountId: config.accountId,
    defaultRegion: config.region
  });
  const controls = new Controls({
    callLogSize: config.callLogSize,
    ...(config.throttle ? { throttle: config.throttle } : {}),
    ...(config.faults ? { faults: config.faults } : {}),
    ...(config.latency ? { latency: config.latency } : {}),
    ...(config.prefixCapacity ? { prefixCapacity: config.prefixCapacity } : {})
  });
  const random = seededRandom(config.seed);
  const zonesByRegion = new Map<string, readonly string[]>();
  const zonesOf = (region: string): readonly string[] => {
    let zones = zonesByRegion.get(region);
    if (!zones) zonesByRegion.set(region, (zones = availabilityZones(region)));
    return zones;
  };
  // Made once, not per request: the context's functions take what differs from one request to the next.
  const subnetAtPrefixCapacity = (subnetId: string): boolean => controls.isAtPrefixCapacity(subnetId);
  const publicIpsHeldElsewhere = async (accountId: string, region: string): Promise<Set<number>> => {
    const held = new Set<number>();
    for (const other of await partitions.all()) {
      if (other.accountId === accountId && other.region === region) continue;
      const eips = await other.store.transaction((tx) => tx.listElasticIps(), { readOnly: true });
      for (const eip of eips) held.add(eip.publicIp);
    }
    return held;
  };
  const contextOf = (requestId: string, now: Date, accountId: string, region: string): ActionContext => ({
    region,
    accountId,
    availabilityZones: zonesOf(region),
    placement: config.placement === 'random' ? random : null,
    random,
    unattachedAddressLimit: config.unattachedAddressLimit,
    publicIpPool,
    elasticIpLimit: config.elasticIpLimit,
    requestId,
    now,
    subnetAtPrefixCapacity,
    publicIpsHeldElsewhere
  });
  // The account and region are the signature's (protocol/sigv4.ts); an unsigned request's are the configured ones.
  const context = (requestId: string, now: Date, caller?: Caller): ActionContext =>
    contextOf(requestId, now, caller?.accountId ?? config.accountId, caller?.region ?? config.region);
  const partitions = await Partitions.open({
    home: { accountId: config.accountId, region: config.region },
    shared: config.store !== undefined && config.store !== '',
    open: (key, home) => openPartitionStore(config, key, home),
    // Actions write through the journal that gives the metadata service its lagged view.
    actionStore: (store) => journaledStore(store, { delayMs: config.imdsDelayMs, lingerMs: config.imdsLingerMs }),
    prepare: async ({ store, accountId, region }) => {
      await bootstrapDefaultVpc(store, contextOf('bootstrap', new Date(), accountId, region));
      await seedMetadataJournal(store);
    }
  });
  const store = partitions.home.store;
  let imds: ImdsServer;
  try {
    imds = await ImdsServer.start({
      store,
      partitions: async () => (await partitions.all()).map((p) => p.store),
      port: config.imdsPort,
      host: config.imdsHost,
      region: config.region
    });
  } catch (error) {
    await partitions.close();
    throw error;
  }

  // A client that never finishes its request is cut off (408) rather than holding a socket forever.
  const gate = createGate({
    store: ({ accountId, region }) => {
      const partition = partitions.get(accountId, region);
      return partition instanceof Promise ? partition.then((p) => p.actionStore) : partition.actionStore;
    },
    actions,
    context,
    maxBodyBytes: config.maxBodyBytes,
    onInternalError: (error, action) => console.error(`ec2lite: internal error in ${action ?? 'request'}:`, error),
    authenticate,
    admit: (action, accountId, params) => controls.admit(action, accountId, params),
    record: (call, error) => controls.record(call, error)
  });
  const controlApi = createControlApi({
    controls,
    maxBodyBytes: config.maxBodyBytes,
    // The metadata service's own control endpoints live under the same reserved path.
    routes: { instances: (req, res) => handleControlRequest(req, res, imds) },
    ...(partitions.resettable
      ? {
          resetState: () => partitions.reset()
        }
      : {})
  });
  const server = createEc2Server((req, res) => (isControlPath(req.url) ? controlApi(req, res) : gate(req, res)), {
    requestTimeoutMs: config.requestTimeoutMs,
    headersTimeoutMs: config.headersTimeoutMs
  });
  let port: number;
  try {
    port = await server.listen(config.port, config.host);
  } catch (error) {
    await imds.close();
    await partitions.close();
    throw error;
  }
  return {
    url: `http://${config.host}:${port}`,
    port,
    store,
    partitions,
    imds,
    controls,
    async close() {
      // Requests already received finish (a slow one for at most the request timeout, capped at 10 s); then the
      // store commits its last batch and closes.
      await server.close(Math.min(config.requestTimeoutMs, 10_000));
      await imds.close();
      await partitions.close();
    }
  };
}
