import { primaryInterfaceOf } from '../domain/attachment.js';
import { slotsUsed } from '../domain/assignment.js';
import {
  type BlockDeviceMappingSpec,
  VOLUME_TYPES,
  checkBlockDeviceMappings,
  launchBlockDevices,
  rootDeviceNameFor
} from '../domain/block-devices.js';
import { type CpuOptionsRequest, decideCpuOptions } from '../domain/cpu-options.js';
import { isWellFormedId, newId } from '../domain/ids.js';
import {
  type InstanceTypeInfo,
  defaultCpuCredits,
  instanceType,
  supportsPrefixDelegation
} from '../domain/instance-types.js';
import { parseIpv4 } from '../domain/ipv4.js';
import { checkPrefixDelegation } from '../domain/limits.js';
import type {
  Attachment,
  Instance,
  LaunchSettings,
  MetadataOptions,
  NetworkInterface,
  Subnet,
  Tag
} from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { Ec2Error } from '../protocol/errors.js';
import {
  boolean,
  dryRun,
  enaSrdSpecification,
  integer,
  list,
  member,
  string,
  structure,
  tagSpecifications
} from '../protocol/input-spec.js';
import { reservationShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type ActionContext, defineAction } from './action.js';
import {
  clientTokenRequestHash,
  requireNetworkInterface,
  requireSubnet,
  tagsFromSpecifications,
  type TagSpecification
} from './common.js';
import { checkAddressSpecification, createNetworkInterfaceRecord } from './network-interface-builder.js';
import { instanceView } from './views.js';

interface NetworkInterfaceSpecification {
  DeviceIndex?: number;
  NetworkCardIndex?: number;
  NetworkInterfaceId?: string;
  SubnetId?: string;
  Description?: string;
  PrivateIpAddress?: string;
  PrivateIpAddresses?: { PrivateIpAddress?: string; Primary?: boolean }[];
  SecondaryPrivateIpAddressCount?: number;
  Ipv4Prefixes?: { Ipv4Prefix?: string }[];
  Ipv4PrefixCount?: number;
  Groups?: string[];
  DeleteOnTermination?: boolean;
  AssociatePublicIpAddress?: boolean;
  InterfaceType?: string;
}

interface RunInstancesInput {
  ImageId?: string;
  InstanceType?: string;
  MinCount: number;
  MaxCount: number;
  SubnetId?: string;
  PrivateIpAddress?: string;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  Placement?: { AvailabilityZone?: string; Tenancy?: string; GroupName?: string };
  NetworkInterfaces?: NetworkInterfaceSpecification[];
  TagSpecifications?: TagSpecification[];
  ClientToken?: string;
  MetadataOptions?: { HttpTokens?: string; HttpEndpoint?: string; HttpPutResponseHopLimit?: number };
  BlockDeviceMappings?: BlockDeviceMappingSpec[];
  CpuOptions?: CpuOptionsRequest;
  LaunchTemplate?: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
  UserData?: string;
  EbsOptimized?: boolean;
  DisableApiTermination?: boolean;
  DisableApiStop?: boolean;
  InstanceInitiatedShutdownBehavior?: 'stop' | 'terminate';
  Monitoring?: { Enabled?: boolean };
  CreditSpecification?: { CpuCredits?: 'standard' | 'unlimited' };
  HibernationOptions?: { Configured?: boolean };
  EnclaveOptions?: { Enabled?: boolean };
  MaintenanceOptions?: { AutoRecovery?: 'disabled' | 'default' };
  CapacityReservationSpecification?: {
    CapacityReservationPreference?: string;
    CapacityReservationTarget?: { CapacityReservationId?: string; CapacityReservationResourceGroupArn?: string };
  };
  PrivateDnsNameOptions?: {
    HostnameType?: string;
    EnableResourceNameDnsARecord?: boolean;
    EnableResourceNameDnsAAAARecord?: boolean;
  };
  DryRun?: boolean;
}

const addressSpec = list(
  structure({ PrivateIpAddress: member('PrivateIpAddress', string()), Primary: member('Primary', boolean()) })
);

const input = structure({
  ImageId: member('ImageId', string()),
  InstanceType: member('InstanceType', string()),
  MinCount: member('MinCount', integer(), true),
  MaxCount: member('MaxCount', integer(), true),
  SubnetId: member('SubnetId', string()),
  PrivateIpAddress: member('PrivateIpAddress', string()),
  SecurityGroupIds: member('SecurityGroupId', list(string(), 16)),
  SecurityGroups: member('SecurityGroup', list(string(), 16)),
  Placement: member(
    'Placement',
    structure({
      AvailabilityZone: member('AvailabilityZone', string()),
      Tenancy: member('Tenancy', string({ enum: ['default', 'dedicated', 'host'] })),
      GroupName: member('GroupName', string())
    })
  ),
  // locationName networkInterface → NetworkInterface.N, each a structure (EC2 model).
  NetworkInterfaces: member(
    'NetworkInterface',
    list(
      structure({
        DeviceIndex: member('DeviceIndex', integer({ min: 0 })),
        NetworkCardIndex: member('NetworkCardIndex', integer({ min: 0 })),
        NetworkInterfaceId: member('NetworkInterfaceId', string()),
        SubnetId: member('SubnetId', string()),
        Description: member('Description', string({ maxLength: 255 })),
        PrivateIpAddress: member('PrivateIpAddress', string()),
        PrivateIpAddresses: member('PrivateIpAddresses', addressSpec),
        SecondaryPrivateIpAddressCount: member('SecondaryPrivateIpAddressCount', integer({ min: 0 })),
        Ipv4Prefixes: member('Ipv4Prefix', list(structure({ Ipv4Prefix: member('Ipv4Prefix', string()) }))),
        Ipv4PrefixCount: member('Ipv4PrefixCount', integer({ min: 0 })),
        Groups: member('SecurityGroupId', list(string(), 16)),
        DeleteOnTermination: member('DeleteOnTermination', boolean()),
        AssociatePublicIpAddress: member('AssociatePublicIpAddress', boolean()),
        InterfaceType: member('InterfaceType', string({ enum: ['interface', 'efa', 'efa-only'] })),
        // Accepted as the SDK sends them; ec2lite models no data path.
        AssociateCarrierIpAddress: member('AssociateCarrierIpAddress', boolean()),
        EnaQueueCount: member('EnaQueueCount', integer({ min: 1 })),
        EnaSrdSpecification: enaSrdSpecification,
        ConnectionTrackingSpecification: member(
          'ConnectionTrackingSpecification',
          structure({
            TcpEstablishedTimeout: member('TcpEstablishedTimeout', integer()),
            UdpStreamTimeout: member('UdpStreamTimeout', integer()),
            UdpTimeout: member('UdpTimeout', integer())
          })
        )
      }),
      32
    )
  ),
  TagSpecifications: tagSpecifications,
  // locationName BlockDeviceMapping → BlockDeviceMapping.N, members as the EC2 model's BlockDeviceMapping and
  // EbsBlockDevice name them (BlockDeviceMapping.1.DeviceName, BlockDeviceMapping.1.Ebs.VolumeSize, …).
  BlockDeviceMappings: member(
    'BlockDeviceMapping',
    list(
      structure({
        DeviceName: member('DeviceName', string()),
        VirtualName: member('VirtualName', string()),
        NoDevice: member('NoDevice', string()),
        Ebs: member(
          'Ebs',
          structure({
            DeleteOnTermination: member('DeleteOnTermination', boolean()),
            Iops: member('Iops', integer()),
            SnapshotId: member('SnapshotId', string()),
            VolumeSize: member('VolumeSize', integer()),
            VolumeType: member('VolumeType', string({ enum: VOLUME_TYPES })),
            KmsKeyId: member('KmsKeyId', string()),
            Throughput: member('Throughput', integer()),
            Encrypted: member('Encrypted', boolean()),
            VolumeInitializationRate: member('VolumeInitializationRate', integer())
          })
        )
      })
    )
  ),
  CpuOptions: member(
    'CpuOptions',
    structure({
      CoreCount: member('CoreCount', integer()),
      ThreadsPerCore: member('ThreadsPerCore', integer()),
      AmdSevSnp: member('AmdSevSnp', string({ enum: ['enabled', 'disabled'] })),
      NestedVirtualization: member('NestedVirtualization', string({ enum: ['enabled', 'disabled'] }))
    })
  ),
  // ec2lite keeps no launch templates: a reference answers as one to a template that does not exist.
  LaunchTemplate: member(
    'LaunchTemplate',
    structure({
      LaunchTemplateId: member('LaunchTemplateId', string()),
      LaunchTemplateName: member('LaunchTemplateName', string()),
      Version: member('Version', string())
    })
  ),
  ClientToken: member('ClientToken', string({ maxLength: 64 })),
  MetadataOptions: member(
    'MetadataOptions',
    structure({
      HttpTokens: member('HttpTokens', string({ enum: ['optional', 'required'] })),
      HttpEndpoint: member('HttpEndpoint', string({ enum: ['enabled', 'disabled'] })),
      HttpPutResponseHopLimit: member('HttpPutResponseHopLimit', integer({ min: 1, max: 64 })),
      // Accepted as Terraform sends them; not modelled.
      HttpProtocolIpv6: member('HttpProtocolIpv6', string({ enum: ['enabled', 'disabled'] })),
      InstanceMetadataTags: member('InstanceMetadataTags', string({ enum: ['enabled', 'disabled'] }))
    })
  ),
  // Accepted as real clients send them (Terraform, the CLI); ec2lite keeps no key pairs or instance profiles.
  KeyName: member('KeyName', string()),
  // Kept for DescribeInstanceAttribute userData.
  UserData: member('UserData', string({ maxLength: 65536 })),
  EbsOptimized: member('EbsOptimized', boolean()),
  DisableApiTermination: member('DisableApiTermination', boolean()),
  DisableApiStop: member('DisableApiStop', boolean()),
  InstanceInitiatedShutdownBehavior: member(
    'InstanceInitiatedShutdownBehavior',
    string({ enum: ['stop', 'terminate'] })
  ),
  Monitoring: member('Monitoring', structure({ Enabled: member('Enabled', boolean()) })),
  IamInstanceProfile: member(
    'IamInstanceProfile',
    structure({ Arn: member('Arn', string()), Name: member('Name', string()) })
  ),
  // Launch settings as the EC2 model names them (RunInstancesRequest, the SDK's Query wire names). What the
  // instance shows back is kept (launchSettingsOf); what ec2lite cannot honour is refused (checkLaunchSettings).
  CreditSpecification: member(
    'CreditSpecification',
    structure({ CpuCredits: member('CpuCredits', string({ enum: ['standard', 'unlimited'] })) })
  ),
  HibernationOptions: member('HibernationOptions', structure({ Configured: member('Configured', boolean()) })),
  EnclaveOptions: member('EnclaveOptions', structure({ Enabled: member('Enabled', boolean()) })),
  MaintenanceOptions: member(
    'MaintenanceOptions',
    structure({ AutoRecovery: member('AutoRecovery', string({ enum: ['disabled', 'default'] })) })
  ),
  CapacityReservationSpecification: member(
    'CapacityReservationSpecification',
    structure({
      CapacityReservationPreference: member(
        'CapacityReservationPreference',
        string({ enum: ['capacity-reservations-only', 'open', 'none'] })
      ),
      CapacityReservationTarget: member(
        'CapacityReservationTarget',
        structure({
          CapacityReservationId: member('CapacityReservationId', string()),
          CapacityReservationResourceGroupArn: member('CapacityReservationResourceGroupArn', string())
        })
      )
    })
  ),
  PrivateDnsNameOptions: member(
    'PrivateDnsNameOptions',
    structure({
      HostnameType: member('HostnameType', string({ enum: ['ip-name', 'resource-name'] })),
      EnableResourceNameDnsARecord: member('EnableResourceNameDnsARecord', boolean()),
      EnableResourceNameDnsAAAARecord: member('EnableResourceNameDnsAAAARecord', boolean())
    })
  ),
  DryRun: dryRun
});

/**
 * Launch settings whose only honest value here is EC2's default: ec2lite has no termination or stop protection
 * (TerminateInstances and StopInstances always go ahead), no hibernation, no Nitro Enclaves, no capacity
 * reservations and no resource-name hostnames (private DNS names are always ip-name). The default is accepted, as
 * Terraform sends it on every launch; anything else is refused rather than dropped.
 */
function checkLaunchSettings(request: RunInstancesInput, type: InstanceTypeInfo): void {
  const refuse = (parameter: string, what: string, value: unknown) =>
    errors.launchSettingNotModelled(parameter, String(value), what);
  if (request.DisableApiTermination === true) throw refuse('DisableApiTermination', 'termination protection', true);
  if (request.DisableApiStop === true) throw refuse('DisableApiStop', 'stop protection', true);
  if (request.HibernationOptions?.Configured === true)
    throw refuse('HibernationOptions.Configured', 'hibernation', true);
  if (request.EnclaveOptions?.Enabled === true) throw refuse('EnclaveOptions.Enabled', 'Nitro Enclaves', true);
  const capacity = request.CapacityReservationSpecification;
  if (capacity?.CapacityReservationPreference === 'capacity-reservations-only') {
    throw refuse(
      'CapacityReservationSpecification.CapacityReservationPreference',
      'capacity reservations',
      capacity.CapacityReservationPreference
    );
  }
  if (capacity?.CapacityReservationTarget !== undefined) {
    const target = capacity.CapacityReservationTarget;
    throw refuse(
      'CapacityReservationSpecification.CapacityReservationTarget',
      'capacity reservations',
      target.CapacityReservationId ?? target.CapacityReservationResourceGroupArn ?? ''
    );
  }
  const dns = request.PrivateDnsNameOptions;
  if (dns?.HostnameType === 'resource-name')
    throw refuse('PrivateDnsNameOptions.HostnameType', 'resource-name hostnames', dns.HostnameType);
  if (dns?.EnableResourceNameDnsARecord === true)
    throw refuse('PrivateDnsNameOptions.EnableResourceNameDnsARecord', 'resource-name DNS records', true);
  if (dns?.EnableResourceNameDnsAAAARecord === true)
    throw refuse('PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord', 'resource-name DNS records', true);
  // CPU credits belong to the burstable T2, T3, T3a and T4g types only (burstable performance instances guide).
  if (request.CreditSpecification?.CpuCredits !== undefined && defaultCpuCredits(type.instanceType) === undefined)
    throw errors.creditSpecificationUnsupported(type.instanceType);
}

/** What the instance keeps of its launch settings, each as given or EC2's default. */
function launchSettingsOf(request: RunInstancesInput, typeName: string): LaunchSettings {
  const cpuCredits = request.CreditSpecification?.CpuCredits ?? defaultCpuCredits(typeName);
  const preference = request.CapacityReservationSpecification?.CapacityReservationPreference;
  return {
    ebsOptimized: request.EbsOptimized ?? false,
    monitoring: request.Monitoring?.Enabled ?? false,
    instanceInitiatedShutdownBehavior: request.InstanceInitiatedShutdownBehavior ?? 'stop',
    capacityReservationPreference: preference === 'none' ? 'none' : 'open',
    autoRecovery: request.MaintenanceOptions?.AutoRecovery ?? 'default',
    ...(cpuCredits !== undefined ? { cpuCredits } : {}),
    ...(request.UserData !== undefined && request.UserData !== '' ? { userData: request.UserData } : {})
  };
}

/** Launch template names: 3 to 128 of letters, digits and ( ) . - / _ (CreateLaunchTemplate LaunchTemplateName). */
const LAUNCH_TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/**
 * LaunchTemplate: ec2lite keeps no launch templates, so a well-formed reference names one that does not exist and
 * answers as EC2 answers for a missing template; the Version is never reached.
 */
function checkLaunchTemplate(spec: NonNullable<RunInstancesInput['LaunchTemplate']>): void {
  const { LaunchTemplateId: id, LaunchTemplateName: name } = spec;
  if (id !== undefined && name !== undefined) throw errors.launchTemplateIdAndName();
  if (id !== undefined) {
    if (!isWellFormedId(id, 'lt')) throw errors.launchTemplateIdMalformed(id);
    throw errors.launchTemplateIdNotFound(id);
  }
  if (name !== undefined) {
    if (!LAUNCH_TEMPLATE_NAME.test(name)) throw errors.launchTemplateNameMalformed();
    throw errors.launchTemplateNameNotFound(name);
  }
  throw errors.launchTemplateIdOrNameMissing();
}

/** TagSpecification resource types RunInstances takes; `volume` tags every EBS volume of each instance. */
const TAGGABLE = new Set(['instance', 'network-interface', 'volume']);

/** Stateless rules of one NetworkInterface.N (InstanceNetworkInterfaceSpecification doc strings of the EC2 model). */
function checkInterfaceSpecification(spec: NetworkInterfaceSpecification, request: RunInstancesInput): void {
  // [OBS] hashicorp/packer PR #2242.
  if (spec.DeviceIndex === undefined) throw errors.missingDeviceIndex();
  checkAddressSpecification(spec);
  const explicit = spec.PrivateIpAddresses ?? [];
  // "You cannot specify this option if you're launching more than one instance" (model doc of PrivateIpAddress,
  // PrivateIpAddresses); an existing interface can go to one instance only. Texts [INF].
  if (request.MaxCount > 1 && (spec.PrivateIpAddress !== undefined || explicit.length > 0)) {
    throw errors.invalidParameterCombination(
      'Cannot specify a private IP address when launching more than one instance.'
    );
  }
  if (spec.NetworkInterfaceId !== undefined) {
    if (request.MaxCount > 1) {
      throw errors.invalidParameterCombination(
        'Cannot specify a network interface ID when launching more than one instance.'
      );
    }
    // "You can specify true only if creating a new network interface when launching an instance" (model doc of
    // DeleteOnTermination); text [INF].
    if (spec.DeleteOnTermination === true) {
      throw errors.invalidParameterCombination(
        `DeleteOnTermination can be true only for a network interface created at launch, not for ${spec.NetworkInterfaceId}.`
      );
    }
  }
}

/**
 * Where each interface of an instance goes and what type limits allow, decided before anything is written
 * (AttachNetworkInterface's rules, applied to the whole set): device index on a valid card, one interface per
 * slot, one at device 0 of card 0, the type's interface counts and prefix support.
 */
function checkInterfaceLayout(specs: readonly NetworkInterfaceSpecification[], type: InstanceTypeInfo): void {
  const slots = new Set<string>();
  for (const spec of specs) {
    const card = spec.NetworkCardIndex ?? 0;
    if (!type.networkCards.some((c) => c.networkCardIndex === card))
      throw errors.invalidNetworkCardIndex(card, type.instanceType);
    const slot = `${card}:${spec.DeviceIndex!}`;
    if (slots.has(slot)) throw errors.duplicateDeviceIndex(spec.DeviceIndex!);
    slots.add(slot);
  }
  // [OBS] CloudFormation relaying RunInstances: "…you must include a device at index 0".
  if (!slots.has('0:0')) throw errors.missingPrimaryInterface();
  // [OBS] knife-ec2 PR #375: "Interface count 3 exceeds the limit for m1.small" from RunInstances.
  if (specs.length > type.maximumNetworkInterfaces)
    throw errors.attachmentLimitExceeded(specs.length, type.instanceType);
  for (const card of type.networkCards) {
    const onCard = specs.filter((s) => (s.NetworkCardIndex ?? 0) === card.networkCardIndex).length;
    if (onCard > card.maximumNetworkInterfaces) throw errors.attachmentLimitExceeded(onCard, type.instanceType);
  }
  for (const spec of specs) if (spec.Ipv4PrefixCount || spec.Ipv4Prefixes?.length) checkPrefixDelegation(type);
}

/** One interface of the launch: an existing one to attach, or a new one to create in `subnet`. */
interface PlannedInterface {
  readonly spec: NetworkInterfaceSpecification;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  readonly existing?: NetworkInterface;
  readonly subnet?: Subnet;
  readonly availabilityZone: string;
  readonly vpcId: string;
}

/** Without SubnetId or interfaces, EC2 launches into the default subnet of the zone (or of the first zone). */
async function defaultSubnet(tx: StoreTx, zone: string | undefined, context: ActionContext): Promise<Subnet> {
  const subnets = await tx.listSubnets();
  const defaults = subnets.filter((s) => s.defaultForAz);
  const chosen =
    zone === undefined
      ? (defaults.find((s) => s.availabilityZone === context.availabilityZones[0]) ?? defaults[0])
      : defaults.find((s) => s.availabilityZone === zone);
  // [OBS] "VPCIdNotSpecified: No default VPC for this user"
  if (!chosen) throw errors.noDefaultVpc();
  return chosen;
}

/**
 * Loads and checks what the launch's interfaces refer to (subnets, existing interfaces), all before any write:
 * NetworkInterface.N as given, else one interface in SubnetId or the default subnet.
 */
async function planInterfaces(
  tx: StoreTx,
  context: ActionContext,
  request: RunInstancesInput,
  type: InstanceTypeInfo
): Promise<PlannedInterface[]> {
  const specs: NetworkInterfaceSpecification[] = request.NetworkInterfaces?.length
    ? request.NetworkInterfaces
    : [
        {
          DeviceIndex: 0,
          ...(request.SubnetId !== undefined ? { SubnetId: request.SubnetId } : {}),
          ...(request.PrivateIpAddress !== undefined ? { PrivateIpAddress: request.PrivateIpAddress } : {}),
          ...(request.SecurityGroupIds ? { Groups: request.SecurityGroupIds } : {})
        }
      ];
  checkInterfaceLayout(specs, type);
  // An empty zone is no zone: Terraform sends Placement.AvailabilityZone= when none is configured, and EC2 launches.
  const wantedZone = request.Placement?.AvailabilityZone || undefined;
  if (wantedZone !== undefined && !context.availabilityZones.includes(wantedZone))
    throw errors.unknownAvailabilityZone(wantedZone);
  const planned: (PlannedInterface | undefined)[] = [];
  for (const spec of specs) {
    const slot = { spec, deviceIndex: spec.DeviceIndex!, networkCardIndex: spec.NetworkCardIndex ?? 0 };
    if (spec.NetworkInterfaceId !== undefined) {
      const existing = await requireNetworkInterface(tx, spec.NetworkInterfaceId);
      // [OBS] terraform-provider-aws #27513.
      if (existing.attachment) throw errors.networkInterfaceAttachmentInUse(existing.id);
      // [OBS] cilium #9730: an interface with more addresses than the type allows.
      if (slotsUsed(existing) > type.ipv4AddressesPerInterface)
        throw errors.interfaceAddressLimitExceeded(existing, type.instanceType);
      if (existing.ipv4Prefixes.length > 0 && !supportsPrefixDelegation(type))
        throw errors.prefixDelegationUnsupported(type.instanceType);
      planned.push({ ...slot, existing, availabilityZone: existing.availabilityZone, vpcId: existing.vpcId });
    } else if (spec.SubnetId !== undefined) {
      const subnet = await requireSubnet(tx, spec.SubnetId);
      planned.push({ ...slot, subnet, availabilityZone: subnet.availabilityZone, vpcId: subnet.vpcId });
    } else {
      planned.push(undefined);
    }
  }
  // An interface specification without a subnet launches into the default subnet, as the CLI relies on when it
  // moves --secondary-private-ip-address-count into NetworkInterface.1 (aws-cli ec2runinstances customization).
  const zone = wantedZone ?? planned.find((p) => p !== undefined)?.availabilityZone;
  let fallback: Subnet | undefined;
  const resolved: PlannedInterface[] = [];
  for (const [i, spec] of specs.entries()) {
    const known = planned[i];
    if (known) {
      resolved.push(known);
      continue;
    }
    fallback ??= await defaultSubnet(tx, zone, context);
    resolved.push({
      spec,
      deviceIndex: spec.DeviceIndex!,
      networkCardIndex: spec.NetworkCardIndex ?? 0,
      subnet: fallback,
      availabilityZone: fallback.availabilityZone,
      vpcId: fallback.vpcId
    });
  }
  // All interfaces of an instance live in one availability zone and one VPC [INF].
  if (new Set(resolved.map((p) => p.availabilityZone)).size > 1) throw errors.interfacesInDifferentZones();
  if (new Set(resolved.map((p) => p.vpcId)).size > 1) {
    throw errors.invalidParameterCombination('The network interfaces of an instance must all be in the same VPC.');
  }
  const primary = resolved.find((p) => p.deviceIndex === 0 && p.networkCardIndex === 0)!;
  if (wantedZone !== undefined && primary.availabilityZone !== wantedZone) {
    const subnetId = primary.subnet?.id ?? primary.existing!.subnetId;
    throw errors.invalidParameterValue(
      `Value (${wantedZone}) for parameter availabilityZone is invalid. Subnet '${subnetId}' is in the availability zone ${primary.availabilityZone}`
    );
  }
  return resolved;
}

/**
 * Creates and attaches the interfaces of one instance. A failure part-way (a subnet running out of addresses)
 * undoes this instance's interfaces, so that a launch cut short at MaxCount leaves nothing half-made.
 */
async function launchInterfaces(
  tx: StoreTx,
  context: ActionContext,
  plan: readonly PlannedInterface[],
  instance: { id: string; type: InstanceTypeInfo; launchTime: Date },
  interfaceTags: readonly Tag[]
): Promise<NetworkInterface[]> {
  const created: NetworkInterface[] = [];
  const attached: NetworkInterface[] = [];
  try {
    for (const p of plan) {
      const { spec } = p;
      const attachment: Attachment = {
        attachmentId: newId('eni-attach'),
        instanceId: instance.id,
        deviceIndex: p.deviceIndex,
        networkCardIndex: p.networkCardIndex,
        attachTime: instance.launchTime,
        // Interfaces the launch creates go with the instance unless told otherwise; attached ones stay (model doc).
        deleteOnTermination: spec.DeleteOnTermination ?? p.existing === undefined
      };
      if (p.existing) {
        const eni = { ...p.existing, attachment };
        await tx.updateNetworkInterface(eni);
        attached.push(eni);
        continue;
      }
      const subnet = p.subnet!;
      const explicit = spec.PrivateIpAddresses ?? [];
      const primary = spec.PrivateIpAddress ?? explicit.find((a) => a.Primary)?.PrivateIpAddress;
      const secondaries = explicit
        .filter((a) => a.PrivateIpAddress !== undefined && a.PrivateIpAddress !== primary)
        .map((a) => a.PrivateIpAddress!);
      try {
        created.push(
          await createNetworkInterfaceRecord(tx, context, {
            subnet,
            ...(spec.Description !== undefined ? { description: spec.Description } : {}),
            ...(spec.Groups ? { groupIds: spec.Groups } : {}),
            ...(primary !== undefined ? { primary } : {}),
            secondaries,
            secondaryCount: spec.SecondaryPrivateIpAddressCount ?? 0,
            prefixes: (spec.Ipv4Prefixes ?? []).map((prefix) => prefix.Ipv4Prefix ?? ''),
            prefixCount: spec.Ipv4PrefixCount ?? 0,
            ...(spec.InterfaceType !== undefined ? { interfaceType: spec.InterfaceType } : {}),
            tags: interfaceTags,
            slotLimit: instance.type.ipv4AddressesPerInterface,
            attachment
          })
        );
      } catch (error) {
        // RunInstances names the taken address: "Address <ip> is in use." (spec §5 [OBS]).
        if (error instanceof Ec2Error && error.code === 'InvalidIPAddress.InUse') {
          const map = await tx.addressMap(subnet);
          const taken = [...(primary === undefined ? [] : [primary]), ...secondaries].find((text) => {
            const address = parseIpv4(text);
            return address !== null && !map.isFree(address);
          });
          if (taken !== undefined) throw errors.launchAddressInUse(taken);
        }
        throw error;
      }
    }
  } catch (error) {
    for (const eni of created) await tx.deleteNetworkInterface(eni.id);
    for (const eni of attached) {
      const { attachment: _undone, ...detached } = eni;
      await tx.updateNetworkInterface(detached);
    }
    throw error;
  }
  return [...created, ...attached].sort(
    (a, b) =>
      a.attachment!.networkCardIndex - b.attachment!.networkCardIndex ||
      a.attachment!.deviceIndex - b.attachment!.deviceIndex
  );
}

export const runInstances = defineAction<RunInstancesInput>({
  name: 'RunInstances',
  input,
  output: reservationShape,
  check(request) {
    // The template comes first: it may hold the ImageId and everything else.
    if (request.LaunchTemplate !== undefined) checkLaunchTemplate(request.LaunchTemplate);
    if (request.ImageId === undefined) throw errors.missingParameter('ImageId');
    if (!isWellFormedId(request.ImageId, 'ami')) throw errors.imageIdMalformed(request.ImageId);
    if (request.MaxCount < 1) throw errors.maxCountNotPositive();
    if (request.MinCount < 1) throw errors.minCountNotPositive();
    if (request.MaxCount < request.MinCount) throw errors.maxCountBelowMinCount();
    if (request.NetworkInterfaces?.length) {
      // [OBS] aws-cli #613, aws-sdk-php #231.
      if (request.SubnetId !== undefined) {
        throw errors.invalidParameterCombination(
          'Network interfaces and an instance-level subnet ID may not be specified on the same request'
        );
      }
      // [OBS] stackoverflow 71556507 (title quotes the error).
      if (request.PrivateIpAddress !== undefined) {
        throw errors.invalidParameterCombination(
          'Network interfaces and an instance-level private IP address may not be specified on the same request'
        );
      }
      // [OBS] chef/knife-ec2 PR #602.
      if (request.SecurityGroupIds?.length || request.SecurityGroups?.length) {
        throw errors.invalidParameterCombination(
          'Network interfaces and an instance-level security groups may not be specified on the same request'
        );
      }
      for (const spec of request.NetworkInterfaces) checkInterfaceSpecification(spec, request);
    }
    // [INF] model doc of PrivateIpAddress: "You cannot specify this option … if you're launching more than one instance".
    if (request.PrivateIpAddress !== undefined && request.MaxCount > 1) {
      throw errors.invalidParameterCombination(
        'Cannot specify a private IP address when launching more than one instance.'
      );
    }
    for (const group of request.SecurityGroupIds ?? [])
      if (!isWellFormedId(group, 'sg')) throw errors.securityGroupIdMalformed(group);
    for (const t of request.TagSpecifications ?? []) {
      if (t.ResourceType === undefined) throw errors.missingParameter('TagSpecification.ResourceType');
      if (!TAGGABLE.has(t.ResourceType)) {
        throw errors.invalidParameterValue(
          `'${t.ResourceType}' is not a valid taggable resource type for this operation.`
        );
      }
    }
    if (request.BlockDeviceMappings?.length) checkBlockDeviceMappings(request.BlockDeviceMappings);
  },
  async run(tx, request, context) {
    if (request.ClientToken !== undefined) {
      const seen = await tx.getClientToken('RunInstances', request.ClientToken);
      if (seen) {
        // [OBS] rust-lang/bors #830.
        if (seen.requestHash !== clientTokenRequestHash(request)) throw errors.idempotentRequestMismatch();
        return reservationView(tx, seen.resourceId, context);
      }
    }
    // EC2 launches m1.small when no type is named (RunInstances doc string).
    const typeName = request.InstanceType ?? 'm1.small';
    const type = instanceType(typeName);
    // [OBS] getmoto/moto #1695 quoting EC2.
    if (!type) throw errors.invalidInstanceTypeValue(typeName);
    checkLaunchSettings(request, type);
    const cpuOptions = decideCpuOptions(type, request.CpuOptions);
    const launchSettings = launchSettingsOf(request, typeName);
    const rootDeviceName = rootDeviceNameFor(request.BlockDeviceMappings);
    const plan = await planInterfaces(tx, context, request, type);
    const reservationId = newId('r');
    const metadataOptions: MetadataOptions = {
      httpTokens: (request.MetadataOptions?.HttpTokens as MetadataOptions['httpTokens'] | undefined) ?? 'optional',
      httpEndpoint: (request.MetadataOptions?.HttpEndpoint as MetadataOptions['httpEndpoint'] | undefined) ?? 'enabled',
      httpPutResponseHopLimit: request.MetadataOptions?.HttpPutResponseHopLimit ?? 1
    };
    const ofType = (resourceType: 'instance' | 'network-interface' | 'volume') =>
      tagsFromSpecifications(
        request.TagSpecifications?.filter((t) => t.ResourceType === resourceType),
        resourceType
      );
    const instanceTags = ofType('instance');
    const interfaceTags = ofType('network-interface');
    const volumeTags = ofType('volume');
    const launched: { instance: Instance; interfaces: NetworkInterface[] }[] = [];
    for (let index = 0; index < request.MaxCount; index++) {
      const id = newId('i');
      let interfaces: NetworkInterface[];
      try {
        interfaces = await launchInterfaces(tx, context, plan, { id, type, launchTime: context.now }, interfaceTags);
      } catch (error) {
        // "If you specify a maximum that is more instances than Amazon EC2 can launch in the target Availability
        // Zone, Amazon EC2 launches the largest possible number of instances above the specified minimum count"
        // (RunInstances doc); below MinCount the whole call fails and the transaction writes nothing.
        if (index >= request.MinCount && isCapacityError(error)) break;
        throw error;
      }
      const primary = primaryInterfaceOf(interfaces)!;
      const instance: Instance = {
        id,
        reservationId,
        imageId: request.ImageId!,
        instanceType: typeName,
        subnetId: primary.subnetId,
        vpcId: primary.vpcId,
        availabilityZone: primary.availabilityZone,
        ownerId: context.accountId,
        state: 'running',
        stateTransitionReason: '',
        launchTime: context.now,
        amiLaunchIndex: index,
        ...(request.ClientToken !== undefined ? { clientToken: request.ClientToken } : {}),
        groups: primary.groups,
        metadataOptions,
        tags: instanceTags,
        rootDeviceName,
        blockDevices: launchBlockDevices(request.BlockDeviceMappings, rootDeviceName, context.now),
        ...(cpuOptions ? { cpuOptions } : {}),
        launchSettings
      };
      await tx.insertInstance(instance);
      if (volumeTags.length > 0)
        for (const device of instance.blockDevices ?? []) await tx.setTags(device.volumeId, 'volume', volumeTags);
      launched.push({ instance, interfaces });
    }
    if (request.ClientToken !== undefined) {
      await tx.putClientToken('RunInstances', request.ClientToken, {
        requestHash: clientTokenRequestHash(request),
        resourceId: reservationId
      });
    }
    // RunInstances answers with the instances still pending; they are running by the next Describe.
    return {
      ReservationId: reservationId,
      OwnerId: context.accountId,
      Groups: [],
      Instances: launched.map(({ instance, interfaces }) =>
        instanceView(instance, interfaces, new Map(), context, 'pending')
      )
    };
  }
});

/** The subnet ran out of room: the errors that end a launch early once MinCount instances are up. */
function isCapacityError(error: unknown): boolean {
  if (!(error instanceof Ec2Error)) return false;
  return (
    error.code === 'InsufficientFreeAddressesInSubnet' ||
    error.code === 'InsufficientCidrBlocks' ||
    (error.code === 'InvalidParameterValue' &&
      error.message === "There aren't sufficient free Ipv4 addresses or prefixes")
  );
}

/** The reservation a ClientToken already launched, as it stands now. */
async function reservationView(tx: StoreTx, reservationId: string, context: ActionContext): Promise<object> {
  const instances = (await tx.listInstances()).filter((i) => i.reservationId === reservationId);
  const views = [];
  for (const instance of instances) {
    const interfaces = await tx.listAttachedNetworkInterfaces(instance.id);
    const eips = new Map<string, Awaited<ReturnType<StoreTx['elasticIpsOnInterface']>>>();
    for (const eni of interfaces) eips.set(eni.id, await tx.elasticIpsOnInterface(eni.id));
    views.push(instanceView(instance, interfaces, eips, context));
  }
  return { ReservationId: reservationId, OwnerId: context.accountId, Groups: [], Instances: views };
}
