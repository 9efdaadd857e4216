import { errors } from '../protocol/error-codes.js';
import { newId } from './ids.js';
import { AMI_ROOT_DEVICE_NAME, AMI_ROOT_VOLUME, amiRootSnapshotId } from './images.js';
import type { EbsVolumeType, InstanceBlockDevice } from './model.js';

/** EbsBlockDevice of a RunInstances BlockDeviceMapping.N (EC2 model). */
export interface EbsBlockDeviceSpec {
  readonly DeleteOnTermination?: boolean;
  readonly Iops?: number;
  readonly SnapshotId?: string;
  readonly VolumeSize?: number;
  readonly VolumeType?: string;
  readonly KmsKeyId?: string;
  readonly Throughput?: number;
  readonly Encrypted?: boolean;
  readonly VolumeInitializationRate?: number;
}

/** BlockDeviceMapping.N of RunInstances (EC2 model). */
export interface BlockDeviceMappingSpec {
  readonly DeviceName?: string;
  readonly VirtualName?: string;
  readonly NoDevice?: string;
  readonly Ebs?: EbsBlockDeviceSpec;
}

export const VOLUME_TYPES: readonly EbsVolumeType[] = ['standard', 'io1', 'io2', 'gp2', 'sc1', 'st1', 'gp3'];

/** Sizes in GiB per volume type (EbsBlockDevice VolumeSize doc string of the EC2 model). */
const SIZE_RANGE: Readonly<Record<EbsVolumeType, readonly [number, number]>> = {
  gp2: [1, 16384],
  gp3: [1, 65536],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
  standard: [1, 1024]
};

/** IOPS per volume type (EbsBlockDevice Iops doc string); the most IOPS per GiB (Amazon EBS User Guide, volume types). */
const IOPS: Partial<Record<EbsVolumeType, { readonly min: number; readonly max: number; readonly perGiB: number }>> = {
  gp3: { min: 3000, max: 80000, perGiB: 500 },
  io1: { min: 100, max: 64000, perGiB: 50 },
  io2: { min: 100, max: 256000, perGiB: 1000 }
};

/** gp3 throughput in MiB/s (EbsBlockDevice Throughput doc string), at most 0.25 MiB/s per provisioned IOPS. */
const THROUGHPUT = { min: 125, max: 2000, perIops: 0.25 };
/** gp3 volumes have 3,000 IOPS unless told otherwise (EbsBlockDevice Iops doc string). */
const GP3_DEFAULT_IOPS = 3000;
/** Volume initialization rate in MiB/s (EbsBlockDevice VolumeInitializationRate doc string). */
const INITIALIZATION_RATE = { min: 100, max: 300 };

/** The two root device names EC2 AMIs use: Amazon Linux's and that of Ubuntu, Debian, RHEL and Windows (device_naming.html). */
const XVDA = AMI_ROOT_DEVICE_NAME;
const SDA1 = '/dev/sda1';

/**
 * Device names EC2 takes for EBS volumes of HVM instances (Amazon EC2 User Guide, "Device names for volumes"): the
 * two root names, /dev/sd[b-z], /dev/xvd[b-z] and /dev/xvd[b-d][a-z], and the Windows forms xvd[b-z]. Partitions
 * (/dev/sdf1), /dev/sda and /dev/xvda1 are refused as EC2 refuses them (aws-cli #1071, brenda #37, deis #1788,
 * spotinst terraform-provider PR #223).
 */
const DEVICE_NAME = /^(\/dev\/(sda1|xvda|sd[b-z]|xvd[b-z]|xvd[b-d][a-z])|xvd[b-z]|xvd[b-d][a-z])$/;

/** EC2 compares device names without "/dev/" and names the device so (hashicorp/terraform #7233: "The device 'xvdb'"). */
function deviceKey(name: string): string {
  return name.startsWith('/dev/') ? name.slice('/dev/'.length) : name;
}

/**
 * The root device of the instance. ec2lite models no AMIs, so it takes the AMI to be rooted at /dev/xvda (Amazon
 * Linux) unless the request maps /dev/sda1 and not /dev/xvda, as a launch from an Ubuntu, Debian or Windows AMI does
 * when it resizes the root volume [INF].
 */
export function rootDeviceNameFor(mappings: readonly BlockDeviceMappingSpec[] | undefined): string {
  const named = new Set((mappings ?? []).map((m) => m.DeviceName));
  return named.has(SDA1) && !named.has(XVDA) ? SDA1 : XVDA;
}

/** Stateless rules of BlockDeviceMapping.N, in request order; nothing is created here. */
export function checkBlockDeviceMappings(mappings: readonly BlockDeviceMappingSpec[]): void {
  const root = rootDeviceNameFor(mappings);
  const seen = new Set<string>();
  for (const mapping of mappings) {
    const name = mapping.DeviceName;
    // [OBS] hashicorp/packer #6138: "InvalidBlockDeviceMapping: Missing device name".
    if (name === undefined || name === '') throw errors.missingDeviceName();
    if (!DEVICE_NAME.test(name)) throw errors.invalidDeviceName(name);
    const key = deviceKey(name);
    if (seen.has(key)) throw errors.deviceUsedTwice(key);
    seen.add(key);
    // "When this property is specified, the device is removed from the block device mapping regardless of the
    // assigned value" (NoDevice doc string): nothing else of the mapping counts. The AMI's root stays [INF].
    if (mapping.NoDevice !== undefined) {
      if (name === root) throw errors.rootDeviceSuppressed(name);
      continue;
    }
    if (mapping.Ebs === undefined) {
      // An instance store volume: ephemeral0, ephemeral1… (VirtualName doc string). Anything else needs Ebs
      // ([OBS] hashicorp/packer #5020: "MissingParameter: The request must contain the parameter ebs").
      if (mapping.VirtualName !== undefined && /^ephemeral\d+$/.test(mapping.VirtualName)) continue;
      throw errors.missingParameter('ebs');
    }
    checkEbs(mapping.Ebs, name, name === root);
  }
}

/**
 * One EBS volume's parameters. The root volume comes from the AMI's snapshot, whose size and type ec2lite does not
 * know: it needs no size, and its type is checked only when the request names one.
 */
function checkEbs(ebs: EbsBlockDeviceSpec, deviceName: string, root: boolean): void {
  if (ebs.SnapshotId !== undefined && !/^snap-([0-9a-f]{8}|[0-9a-f]{17})$/.test(ebs.SnapshotId))
    throw errors.snapshotIdMalformed(ebs.SnapshotId);
  // [OBS] nortontruter/infracoders-workshop PR #3, mitchellh/goamz PR #124.
  if (!root && ebs.SnapshotId === undefined && ebs.VolumeSize === undefined)
    throw errors.volumeSizeOrSnapshot(deviceName);
  // "Default: gp2" for a new volume whose type is not given (CreateVolume VolumeType doc string).
  const type = (ebs.VolumeType as EbsVolumeType | undefined) ?? (root ? undefined : 'gp2');
  if (ebs.VolumeSize !== undefined) {
    const [min, max] = type ? SIZE_RANGE[type] : [1, 65536];
    if (ebs.VolumeSize < min) throw errors.volumeTooSmall(ebs.VolumeSize, type ?? 'gp3', min);
    if (ebs.VolumeSize > max) throw errors.volumeTooLarge(ebs.VolumeSize, type ?? 'gp3', max);
  }
  if (type !== undefined) {
    const iops = IOPS[type];
    // "This parameter is required for io1 and io2 volumes" (Iops doc string).
    if ((type === 'io1' || type === 'io2') && ebs.Iops === undefined) throw errors.iopsRequired(type);
    if (ebs.Iops !== undefined) {
      if (!iops) throw errors.iopsNotSupported(type);
      if (ebs.Iops < iops.min) throw errors.iopsTooLow(ebs.Iops, iops.min);
      if (ebs.Iops > iops.max) throw errors.iopsTooHigh(ebs.Iops, iops.max);
      if (ebs.VolumeSize !== undefined && ebs.Iops / ebs.VolumeSize > iops.perGiB)
        throw errors.iopsRatioTooHigh(ebs.Iops / ebs.VolumeSize, iops.perGiB);
    }
    if (ebs.Throughput !== undefined) {
      // "This parameter is valid only for gp3 volumes" (Throughput doc string).
      if (type !== 'gp3') throw errors.throughputNotSupported();
      if (ebs.Throughput < THROUGHPUT.min) throw errors.throughputTooLow(ebs.Throughput, THROUGHPUT.min);
      if (ebs.Throughput > THROUGHPUT.max) throw errors.throughputTooHigh(ebs.Throughput, THROUGHPUT.max);
      const ratio = ebs.Throughput / (ebs.Iops ?? GP3_DEFAULT_IOPS);
      if (ratio > THROUGHPUT.perIops) throw errors.throughputRatioTooHigh(ratio, THROUGHPUT.perIops);
    }
  }
  // [OBS] keithvassallomt/parsec-aws-automation #12 (RunInstances), kubernetes PR #31334.
  if (ebs.KmsKeyId !== undefined && ebs.Encrypted !== true) throw errors.kmsKeyWithoutEncryption();
  if (ebs.VolumeInitializationRate !== undefined) {
    // "This parameter is supported only for volumes created from snapshots … Valid range: 100 - 300 MiB/s".
    if (ebs.SnapshotId === undefined) throw errors.initializationRateWithoutSnapshot();
    const rate = ebs.VolumeInitializationRate;
    if (rate < INITIALIZATION_RATE.min || rate > INITIALIZATION_RATE.max)
      throw errors.initializationRateOutOfRange(rate, INITIALIZATION_RATE.min, INITIALIZATION_RATE.max);
  }
}

/**
 * The EBS volumes one instance launches with, root first: the AMI's root volume (deleted on termination unless the
 * mapping of the root device says otherwise, as AMIs default) and a new volume per other EBS mapping, in request
 * order. Instance store and suppressed devices have no volume to show. Run after checkBlockDeviceMappings.
 */
export function launchBlockDevices(
  mappings: readonly BlockDeviceMappingSpec[] | undefined,
  rootDeviceName: string,
  attachTime: Date
): InstanceBlockDevice[] {
  const volume = (deviceName: string, ebs: EbsBlockDeviceSpec | undefined, root: boolean): InstanceBlockDevice => ({
    deviceName,
    volumeId: newId('vol'),
    attachTime,
    // Volumes created at launch are deleted with the instance unless told otherwise (DeleteOnTermination doc string).
    deleteOnTermination: ebs?.DeleteOnTermination ?? true,
    ...(ebs?.VolumeType !== undefined
      ? { volumeType: ebs.VolumeType as EbsVolumeType }
      : root
        ? {}
        : { volumeType: 'gp2' as const }),
    ...(ebs?.VolumeSize !== undefined ? { volumeSize: ebs.VolumeSize } : {}),
    ...(ebs?.Iops !== undefined ? { iops: ebs.Iops } : {}),
    ...(ebs?.Throughput !== undefined ? { throughput: ebs.Throughput } : {}),
    ...(ebs?.Encrypted !== undefined ? { encrypted: ebs.Encrypted } : {}),
    ...(ebs?.KmsKeyId !== undefined ? { kmsKeyId: ebs.KmsKeyId } : {}),
    ...(ebs?.SnapshotId !== undefined ? { snapshotId: ebs.SnapshotId } : {})
  });
  const rootMapping = mappings?.find((m) => m.DeviceName === rootDeviceName);
  const devices = [volume(rootDeviceName, rootMapping?.Ebs, true)];
  for (const mapping of mappings ?? []) {
    if (mapping === rootMapping || mapping.NoDevice !== undefined || mapping.Ebs === undefined) continue;
    devices.push(volume(mapping.DeviceName!, mapping.Ebs, false));
  }
  return devices;
}

/** gp2 baseline IOPS: 3 per GiB, at least 100 and at most 16,000 (Amazon EBS User Guide, "General Purpose SSD volumes"). */
const GP2_IOPS = { perGiB: 3, min: 100, max: 16000 };

/** An EBS volume's parameters as DescribeVolumes shows them: the launch's, with the defaults EC2 fills in. */
export interface VolumeParameters {
  readonly size: number;
  readonly type: EbsVolumeType;
  /** gp2's baseline, or the IOPS of gp3, io1 and io2; EC2 shows none for st1, sc1 and standard. */
  readonly iops?: number;
  /** gp3 only. */
  readonly throughput?: number;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  /** "" for a volume made from no snapshot, as EC2 shows it. */
  readonly snapshotId: string;
}

/**
 * One launched volume's parameters. The root volume is the AMI's root snapshot (its size and type unless the launch
 * changed them, images.ts); another volume from a snapshot the launch gave no size has that snapshot's size, which
 * ec2lite does not know either, so it takes the AMI root's [INF]. gp3 has 3,000 IOPS and 125 MiB/s unless told
 * otherwise (EbsBlockDevice Iops and Throughput doc strings).
 */
export function volumeParameters(device: InstanceBlockDevice, root: boolean, imageId: string): VolumeParameters {
  const size = device.volumeSize ?? AMI_ROOT_VOLUME.size;
  const type = device.volumeType ?? AMI_ROOT_VOLUME.type;
  const iops =
    type === 'gp2'
      ? Math.min(GP2_IOPS.max, Math.max(GP2_IOPS.min, GP2_IOPS.perGiB * size))
      : type === 'gp3'
        ? (device.iops ?? GP3_DEFAULT_IOPS)
        : IOPS[type]
          ? device.iops
          : undefined;
  return {
    size,
    type,
    ...(iops !== undefined ? { iops } : {}),
    ...(type === 'gp3' ? { throughput: device.throughput ?? THROUGHPUT.min } : {}),
    encrypted: device.encrypted ?? false,
    ...(device.kmsKeyId !== undefined ? { kmsKeyId: device.kmsKeyId } : {}),
    snapshotId: device.snapshotId ?? (root ? amiRootSnapshotId(imageId) : '')
  };
}
