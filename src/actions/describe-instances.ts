import { primaryInterfaceOf } from '../domain/attachment.js';
import type { Filter } from '../domain/filters.js';
import { AMI_ROOT_DEVICE_NAME } from '../domain/images.js';
import { formatIpv4 } from '../domain/ipv4.js';
import {
  type ElasticIp,
  INSTANCE_STATE_CODES,
  type Instance,
  type InstanceBlockDevice,
  type NetworkInterface
} from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { reservationShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type ActionContext, defineAction } from './action.js';
import { describePage } from './common.js';
import { instanceView, privateDnsName } from './views.js';

interface DescribeInstancesInput {
  InstanceIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** An instance with its attached interfaces and their Elastic IPs: what filters and views read. */
export interface InstanceWithInterfaces extends Instance {
  readonly interfaces: readonly NetworkInterface[];
  readonly elasticIps: ReadonlyMap<string, readonly ElasticIp[]>;
}

/** Appends to the list under `key`, starting it if need be (in place: a copy per append is quadratic in a big group). */
function appendTo<T>(lists: Map<string, T[]>, key: string, value: T): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/** Every instance with its interfaces, loaded in three queries whatever the count. */
export async function loadInstances(tx: StoreTx): Promise<InstanceWithInterfaces[]> {
  const interfaces = new Map<string, NetworkInterface[]>();
  for (const eni of await tx.listNetworkInterfaces()) {
    const id = eni.attachment?.instanceId;
    if (id !== undefined) appendTo(interfaces, id, eni);
  }
  const elasticIps = new Map<string, ElasticIp[]>();
  for (const eip of await tx.listElasticIps()) {
    const id = eip.association?.networkInterfaceId;
    if (id !== undefined) appendTo(elasticIps, id, eip);
  }
  const byDevice = (a: NetworkInterface, b: NetworkInterface): number =>
    a.attachment!.networkCardIndex - b.attachment!.networkCardIndex ||
    a.attachment!.deviceIndex - b.attachment!.deviceIndex;
  return (await tx.listInstances()).map((instance) => ({
    ...instance,
    interfaces: (interfaces.get(instance.id) ?? []).sort(byDevice),
    elasticIps
  }));
}

const each = (read: (e: NetworkInterface) => readonly (string | undefined)[]) => (i: InstanceWithInterfaces) =>
  i.interfaces.flatMap(read);
const addresses = each((e) => e.privateIpAddresses.map((a) => formatIpv4(a.address)));
/** The primary address of the instance: that of its interface at device index 0 on card 0. */
const primaryAddresses = (i: InstanceWithInterfaces): number[] => {
  const eni = primaryInterfaceOf(i.interfaces);
  const primary = eni?.privateIpAddresses.find((a) => a.primary);
  return primary ? [primary.address] : [];
};
const primaryAddress = (i: InstanceWithInterfaces) => primaryAddresses(i).map(formatIpv4);
/** A value of each EBS volume the instance shows (none once terminated, as its blockDeviceMapping). */
const volumes = (read: (d: InstanceBlockDevice) => string) => (i: InstanceWithInterfaces) =>
  i.state === 'terminated' ? [] : (i.blockDevices ?? []).map(read);

/** DescribeInstances filters (EC2 model doc string, spec §2.12). */
const instanceFilters = (region: string) => ({
  'instance-id': (i: InstanceWithInterfaces) => [i.id],
  'instance-type': (i: InstanceWithInterfaces) => [i.instanceType],
  'image-id': (i: InstanceWithInterfaces) => [i.imageId],
  'instance-state-name': (i: InstanceWithInterfaces) => [i.state],
  'instance-state-code': (i: InstanceWithInterfaces) => [String(INSTANCE_STATE_CODES[i.state])],
  'reservation-id': (i: InstanceWithInterfaces) => [i.reservationId],
  'owner-id': (i: InstanceWithInterfaces) => [i.ownerId],
  'availability-zone': (i: InstanceWithInterfaces) => [i.availabilityZone],
  'subnet-id': (i: InstanceWithInterfaces) => (i.state === 'terminated' ? [] : [i.subnetId]),
  'vpc-id': (i: InstanceWithInterfaces) => (i.state === 'terminated' ? [] : [i.vpcId]),
  'client-token': (i: InstanceWithInterfaces) => [i.clientToken],
  'private-ip-address': primaryAddress,
  'private-dns-name': (i: InstanceWithInterfaces) => primaryAddresses(i).map((a) => privateDnsName(a, region)),
  'ip-address': (i: InstanceWithInterfaces) =>
    i.interfaces.flatMap((e) => (i.elasticIps.get(e.id) ?? []).map((eip) => formatIpv4(eip.publicIp))).slice(0, 1),
  'network-interface.network-interface-id': each((e) => [e.id]),
  'network-interface.subnet-id': each((e) => [e.subnetId]),
  'network-interface.vpc-id': each((e) => [e.vpcId]),
  'network-interface.mac-address': each((e) => [e.macAddress]),
  'network-interface.description': each((e) => [e.description]),
  'network-interface.status': each(() => ['in-use']),
  'network-interface.attachment.attachment-id': each((e) => [e.attachment?.attachmentId]),
  'network-interface.attachment.device-index': each((e) => [String(e.attachment?.deviceIndex)]),
  'network-interface.attachment.delete-on-termination': each((e) => [String(e.attachment?.deleteOnTermination)]),
  'network-interface.addresses.private-ip-address': addresses,
  'network-interface.private-dns-name': each((e) => e.privateIpAddresses.map((a) => privateDnsName(a.address, region))),
  'network-interface.addresses.primary': each((e) => e.privateIpAddresses.map((a) => String(a.primary))),
  'network-interface.group-id': each((e) => e.groups.map((g) => g.groupId)),
  'instance.group-id': (i: InstanceWithInterfaces) => i.groups.map((g) => g.groupId),
  'metadata-options.http-tokens': (i: InstanceWithInterfaces) => [i.metadataOptions.httpTokens],
  'metadata-options.http-endpoint': (i: InstanceWithInterfaces) => [i.metadataOptions.httpEndpoint],
  'root-device-name': (i: InstanceWithInterfaces) => [i.rootDeviceName ?? AMI_ROOT_DEVICE_NAME],
  'root-device-type': () => ['ebs'],
  'block-device-mapping.device-name': volumes((d) => d.deviceName),
  'block-device-mapping.volume-id': volumes((d) => d.volumeId),
  'block-device-mapping.status': volumes(() => 'attached'),
  'block-device-mapping.delete-on-termination': volumes((d) => String(d.deleteOnTermination)),
  'block-device-mapping.attach-time': volumes((d) => d.attachTime.toISOString())
});

/** Reservations in launch order, each with the matching instances of one RunInstances call. */
export function reservations(instances: readonly InstanceWithInterfaces[], context: ActionContext): object[] {
  const byReservation = new Map<string, InstanceWithInterfaces[]>();
  for (const instance of instances) appendTo(byReservation, instance.reservationId, instance);
  return [...byReservation].map(([reservationId, members]) => ({
    ReservationId: reservationId,
    OwnerId: members[0]!.ownerId,
    Groups: [],
    Instances: members.map((i) => instanceView(i, i.interfaces, i.elasticIps, context))
  }));
}

export const describeInstances = defineAction<DescribeInstancesInput>({
  name: 'DescribeInstances',
  readOnly: true,
  input: structure({
    InstanceIds: member('InstanceId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('Reservations', 'reservationSet', out.list(reservationShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input, context) {
    const page = await describePage(input, {
      ids: input.InstanceIds,
      idPrefix: 'i',
      // [OBS] aws-sdk-ruby #3028: MaxResults cannot be combined with InstanceId.N.
      idsSetName: 'instancesSet',
      malformed: errors.instanceIdMalformed,
      notFound: errors.instanceNotFound,
      filters: instanceFilters(context.region),
      // EC2 pages instances, not reservations (MaxResults counts instances).
      bounds: { min: 5, max: 1000 },
      load: () => loadInstances(tx)
    });
    return { Reservations: reservations(page.items, context), NextToken: page.nextToken };
  }
});
