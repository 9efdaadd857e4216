import { type VolumeParameters, volumeParameters } from '../domain/block-devices.js';
import type { Filter } from '../domain/filters.js';
import { AMI_ROOT_DEVICE_NAME } from '../domain/images.js';
import type { Instance, InstanceBlockDevice, Tag } from '../domain/model.js';
import { availabilityZoneId } from '../domain/zones.js';
import { errors } from '../protocol/error-codes.js';
import {
  boolean,
  dryRun,
  filters,
  list,
  maxResults,
  member,
  nextToken,
  string,
  structure
} from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { volumeShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type ActionContext, defineAction } from './action.js';
import { describePage } from './common.js';

interface DescribeVolumesInput {
  VolumeIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  IncludeManagedResources?: boolean;
  DryRun?: boolean;
}

/**
 * An EBS volume. ec2lite keeps no volumes of their own: they are the ones RunInstances records on each instance (the
 * root volume and one per EBS mapping), read back as a view. A volume stays `in-use` while its instance exists; once
 * the instance is terminated, the volumes that go with it are gone (DescribeInstances shows no blockDeviceMapping
 * then) and the others are `available`, attached to nothing.
 */
export interface Volume extends VolumeParameters {
  readonly id: string;
  readonly instance: Instance;
  readonly device: InstanceBlockDevice;
  readonly attached: boolean;
  readonly tags: readonly Tag[];
}

/** The volumes of these instances, in launch order and each instance's root first. */
export function volumesOf(
  instances: readonly Instance[],
  tagsOf: (volumeId: string) => readonly Tag[] = () => []
): Volume[] {
  const volumes: Volume[] = [];
  for (const instance of instances) {
    const terminated = instance.state === 'terminated';
    const rootDeviceName = instance.rootDeviceName ?? AMI_ROOT_DEVICE_NAME;
    for (const device of instance.blockDevices ?? []) {
      if (terminated && device.deleteOnTermination) continue;
      volumes.push({
        ...volumeParameters(device, device.deviceName === rootDeviceName, instance.imageId),
        id: device.volumeId,
        instance,
        device,
        attached: !terminated,
        tags: tagsOf(device.volumeId)
      });
    }
  }
  return volumes;
}

/** Every volume of the account with its tags, in two queries. */
async function loadVolumes(tx: StoreTx): Promise<Volume[]> {
  const tags = new Map<string, Tag[]>();
  for (const t of await tx.listTags()) {
    if (t.resourceType !== 'volume') continue;
    const list = tags.get(t.resourceId);
    const tag = { Key: t.key, Value: t.value };
    if (list) list.push(tag);
    else tags.set(t.resourceId, [tag]);
  }
  return volumesOf(await tx.listInstances(), (id) => tags.get(id) ?? []);
}

const attached =
  (read: (v: Volume) => string) =>
  (v: Volume): string[] =>
    v.attached ? [read(v)] : [];

/** DescribeVolumes filters (EC2 model doc string); tag:<key>, tag-key and tag-value come with compileFilters. */
const volumeFilters = (region: string) => ({
  'volume-id': (v: Volume) => [v.id],
  'attachment.instance-id': attached((v) => v.instance.id),
  'attachment.device': attached((v) => v.device.deviceName),
  'attachment.status': attached(() => 'attached'),
  'attachment.delete-on-termination': attached((v) => String(v.device.deleteOnTermination)),
  'attachment.attach-time': attached((v) => v.device.attachTime.toISOString()),
  'availability-zone': (v: Volume) => [v.instance.availabilityZone],
  'availability-zone-id': (v: Volume) => [availabilityZoneId(region, v.instance.availabilityZone)],
  'create-time': (v: Volume) => [v.instance.launchTime.toISOString()],
  encrypted: (v: Volume) => [String(v.encrypted)],
  'fast-restored': () => ['false'],
  'multi-attach-enabled': () => ['false'],
  'operator.managed': () => ['false'],
  size: (v: Volume) => [String(v.size)],
  'snapshot-id': (v: Volume) => [v.snapshotId],
  status: (v: Volume) => [v.attached ? 'in-use' : 'available'],
  'volume-type': (v: Volume) => [v.type]
});

/** A volume as EC2 shows it; an untagged one has no tagSet, as an untagged instance has none. */
export function volumeView(volume: Volume, context: ActionContext): object {
  const { instance, device } = volume;
  return {
    Attachments: volume.attached
      ? [
          {
            AttachTime: device.attachTime,
            Device: device.deviceName,
            InstanceId: instance.id,
            State: 'attached',
            VolumeId: volume.id,
            DeleteOnTermination: device.deleteOnTermination
          }
        ]
      : [],
    AvailabilityZone: instance.availabilityZone,
    AvailabilityZoneId: availabilityZoneId(context.region, instance.availabilityZone),
    // Created with the instance, at its launch.
    CreateTime: instance.launchTime,
    Encrypted: volume.encrypted,
    KmsKeyId: volume.kmsKeyId,
    Size: volume.size,
    SnapshotId: volume.snapshotId,
    State: volume.attached ? 'in-use' : 'available',
    VolumeId: volume.id,
    Iops: volume.iops,
    Tags: volume.tags.length > 0 ? volume.tags : undefined,
    VolumeType: volume.type,
    MultiAttachEnabled: false,
    Throughput: volume.throughput
  };
}

export const describeVolumes = defineAction<DescribeVolumesInput>({
  name: 'DescribeVolumes',
  readOnly: true,
  input: structure({
    VolumeIds: member('VolumeId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    // ec2lite has no volumes managed by other services to show or hide.
    IncludeManagedResources: member('IncludeManagedResources', boolean()),
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('Volumes', 'volumeSet', out.list(volumeShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input, context) {
    const page = await describePage(input, {
      ids: input.VolumeIds,
      idPrefix: 'vol',
      // [OBS] aws-cli #1976: "The parameter volumeSet cannot be used with the parameter maxResults".
      idsSetName: 'volumeSet',
      malformed: errors.volumeIdMalformed,
      notFound: errors.volumeNotFound,
      filters: volumeFilters(context.region),
      // 5 to 1000 as the other Describe actions [INF]; the AWS CLI asks for pages of 1000 when given no ids or
      // filters (aws-cli customizations/ec2/paginate.py).
      bounds: { min: 5, max: 1000 },
      load: () => loadVolumes(tx)
    });
    return { Volumes: page.items.map((v) => volumeView(v, context)), NextToken: page.nextToken };
  }
});
