import { privateDnsName } from '../actions/views.js';
import { parseIpv4 } from '../domain/ipv4.js';
import type { Instance } from '../domain/model.js';
import { availabilityZoneId } from '../domain/zones.js';
import type { MetadataInterface, MetadataSnapshot } from './metadata-journal.js';

/**
 * The metadata tree of one instance as IMDS serves it under `/latest/` (instancedata-data-categories.md; spec
 * §4.2–4.3; real-clients §b). A directory lists its children one per line, sub-directories ending in `/`; a
 * value carries no trailing newline; a key that is absent is a 404.
 */

/** A directory; a `null` child is listed but answers 404 at every path below it (a MAC that lingers). */
export type MetadataDirectory = Map<string, MetadataNode | null>;
export type MetadataNode = string | MetadataDirectory;

export type Resolved = { readonly body: string } | 'not-found';

function dir(entries: Record<string, MetadataNode | null | undefined>): MetadataDirectory {
  const directory: MetadataDirectory = new Map();
  for (const [name, node] of Object.entries(entries)) if (node !== undefined) directory.set(name, node);
  return directory;
}

/** A newline-separated list, or absent (a 404) when empty. */
function lines(values: readonly string[]): string | undefined {
  return values.length > 0 ? values.join('\n') : undefined;
}

function hostname(address: string | undefined, region: string): string | undefined {
  const value = address === undefined ? null : parseIpv4(address);
  return value === null ? undefined : privateDnsName(value, region);
}

/** Graviton types carry a "g" after the generation digit (m6g, c7gn, t4g); a1 is the first Graviton [INF]. */
function architecture(instanceType: string): string {
  const family = instanceType.split('.')[0] ?? '';
  return family === 'a1' || /^[a-z]+[0-9]+[a-z-]*g/.test(family) ? 'arm64' : 'x86_64';
}

/** EC2's identity document: pretty-printed with " : " between key and value, as the real service prints it. */
function identityDocument(instance: Instance, privateIp: string | undefined, region: string): string {
  const document = {
    accountId: instance.ownerId,
    architecture: architecture(instance.instanceType),
    availabilityZone: instance.availabilityZone,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: instance.imageId,
    instanceId: instance.id,
    instanceType: instance.instanceType,
    kernelId: null,
    pendingTime: `${instance.launchTime.toISOString().slice(0, 19)}Z`,
    privateIp: privateIp ?? null,
    ramdiskId: null,
    region,
    version: '2017-09-30'
  };
  return JSON.stringify(document, null, 2).replace(/^( +"[^"]+"): /gm, '$1 : ');
}

function interfaceDirectory(eni: MetadataInterface, region: string): MetadataDirectory {
  return dir({
    'device-number': String(eni.deviceIndex),
    'interface-id': eni.id,
    // vpc-cni reads a 404 here as "no prefixes" (spec §4.2).
    'ipv4-prefix': lines(eni.ipv4Prefixes),
    'local-hostname': hostname(eni.privateIpv4s[0], region),
    'local-ipv4s': lines(eni.privateIpv4s),
    mac: eni.mac,
    // The path vpc-cni reads (real-clients §b); the docs call it network-card-index.
    'network-card': String(eni.networkCardIndex),
    'owner-id': eni.ownerId,
    'security-group-ids': lines(eni.securityGroupIds),
    'subnet-id': eni.subnetId,
    'subnet-ipv4-cidr-block': eni.subnetCidr || undefined,
    'vpc-id': eni.vpcId,
    'vpc-ipv4-cidr-block': eni.vpcCidrs[0],
    'vpc-ipv4-cidr-blocks': lines(eni.vpcCidrs)
  });
}

/** The whole tree of one instance, from the instance row and the snapshot its metadata shows at `now`. */
export function metadataTree(
  instance: Instance,
  snapshot: MetadataSnapshot,
  now: number,
  region: string
): MetadataDirectory {
  const primary = snapshot.interfaces.find((i) => i.networkCardIndex === 0 && i.deviceIndex === 0);
  const primaryIp = primary?.privateIpv4s[0];
  const macs: MetadataDirectory = new Map();
  for (const eni of snapshot.interfaces) macs.set(eni.mac, interfaceDirectory(eni, region));
  for (const gone of snapshot.lingering) if (gone.until > now && !macs.has(gone.mac)) macs.set(gone.mac, null);
  const metaData = dir({
    'ami-id': instance.imageId,
    'ami-launch-index': String(instance.amiLaunchIndex),
    hostname: hostname(primaryIp, region),
    'instance-id': instance.id,
    'instance-life-cycle': 'on-demand',
    'instance-type': instance.instanceType,
    'local-hostname': hostname(primaryIp, region),
    'local-ipv4': primaryIp,
    mac: primary?.mac,
    network: dir({ interfaces: dir({ macs }) }),
    placement: dir({
      'availability-zone': instance.availabilityZone,
      'availability-zone-id': availabilityZoneId(region, instance.availabilityZone),
      region
    }),
    'reservation-id': instance.reservationId,
    services: dir({ domain: 'amazonaws.com', partition: 'aws' })
  });
  const dynamic = dir({ 'instance-identity': dir({ document: identityDocument(instance, primaryIp, region) }) });
  return dir({ latest: dir({ dynamic, 'meta-data': metaData }) });
}

/**
 * The answer at `segments` below the root (["latest", "meta-data", "mac"]): a value, a listing, or not found.
 * The root and /latest/ list their children without the trailing "/", as the real service does.
 */
export function resolve(root: MetadataDirectory, segments: readonly string[]): Resolved {
  let node: MetadataNode = root;
  for (const segment of segments) {
    if (typeof node === 'string') return 'not-found';
    const child: MetadataNode | null | undefined = node.get(segment);
    if (child === undefined || child === null) return 'not-found';
    node = child;
  }
  if (typeof node === 'string') return { body: node };
  const plain = segments.length <= 1;
  const names = [...node.entries()]
    .map(([name, child]) => (plain || typeof child === 'string' ? name : `${name}/`))
    .sort();
  return { body: names.join('\n') };
}
