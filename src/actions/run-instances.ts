import { createHash } from 'node:crypto';
import { isWellFormedId, newId } from '../domain/ids.js';
import { type InstanceTypeInfo, instanceType } from '../domain/instance-types.js';
import { checkPrefixDelegation } from '../domain/limits.js';
import type { Attachment, Instance, MetadataOptions, NetworkInterface, Subnet } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, dryRun, integer, list, member, string, structure, tagSpecifications } from '../protocol/input-spec.js';
import { reservationShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type ActionContext, defineAction } from './action.js';
import { type TagSpecification, requireNetworkInterface, requireSubnet, tagsFromSpecifications } from './common.js';
import { createNetworkInterfaceRecord } from './network-interface-builder.js';
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
  DryRun?: boolean;
}

const addressSpec = list(structure({ PrivateIpAddress: member('PrivateIpAddress', string()), Primary: member('Primary', boolean()) }));

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
        InterfaceType: member('InterfaceType', string({ enum: ['interface', 'efa', 'efa-only'] }))
      }),
      32
    )
  ),
  TagSpecifications: tagSpecifications,
  ClientToken: member('ClientToken', string({ maxLength: 64 })),
  MetadataOptions: member(
    'MetadataOptions',
    structure({
      HttpTokens: member('HttpTokens', string({ enum: ['optional', 'required'] })),
      HttpEndpoint: member('HttpEndpoint', string({ enum: ['enabled', 'disabled'] })),
      HttpPutResponseHopLimit: member('HttpPutResponseHopLimit', integer({ min: 1, max: 64 }))
    })
  ),
  // Accepted as real clients send them (Terraform, the CLI); they change nothing ec2lite models.
  KeyName: member('KeyName', string()),
  UserData: member('UserData', string({ maxLength: 65536 })),
  EbsOptimized: member('EbsOptimized', boolean()),
  DisableApiTermination: member('DisableApiTermination', boolean()),
  InstanceInitiatedShutdownBehavior: member('InstanceInitiatedShutdownBehavior', string({ enum: ['stop', 'terminate'] })),
  Monitoring: member('Monitoring', structure({ Enabled: member('Enabled', boolean()) })),
  IamInstanceProfile: member('IamInstanceProfile', structure({ Arn: member('Arn', string()), Name: member('Name', string()) })),
  CreditSpecification: member('CreditSpecification', structure({ CpuCredits: member('CpuCredits', string()) })),
  DryRun: dryRun
});

function requestHash(request: RunInstancesInput): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** Without SubnetId or interfaces, EC2 launches into the default subnet of the zone (or of the first zone). */
async function defaultSubnet(tx: StoreTx, zone: string | undefined, context: ActionContext): Promise<Subnet> {
  const subnets = await tx.listSubnets();
  const defaults = subnets.filter((s) => s.defaultForAz);
  const chosen = zone === undefined ? defaults.find((s) => s.availabilityZone === context.availabilityZones[0]) ?? defaults[0] : defaults.find((s) => s.availabilityZone === zone);
  // [OBS] "VPCIdNotSpecified: No default VPC for this user"
  if (!chosen) throw errors.noDefaultVpc();
  return chosen;
}

/**
 * The interfaces one instance gets: NetworkInterface.N as given, or one in SubnetId / the default subnet.
 * Checks the type's interface count, per-card counts and address slots as AttachNetworkInterface does.
 */
async function launchInterfaces(
  tx: StoreTx,
  context: ActionContext,
  request: RunInstancesInput,
  instance: { id: string; type: InstanceTypeInfo; launchTime: Date },
  subnetForPrimary: Subnet | undefined
): Promise<NetworkInterface[]> {
  const specs: NetworkInterfaceSpecification[] = request.NetworkInterfaces?.length
    ? request.NetworkInterfaces
    : [
        {
          DeviceIndex: 0,
          ...(request.PrivateIpAddress !== undefined ? { PrivateIpAddress: request.PrivateIpAddress } : {}),
          ...(request.SecurityGroupIds ? { Groups: request.SecurityGroupIds } : {})
        }
      ];
  if (specs.length > instance.type.maximumNetworkInterfaces) {
    throw errors.attachmentLimitExceeded(specs.length, instance.type.instanceType);
  }
  const used = new Set<string>();
  const interfaces: NetworkInterface[] = [];
  for (const spec of specs) {
    const deviceIndex = spec.DeviceIndex;
    const networkCardIndex = spec.NetworkCardIndex ?? 0;
    if (deviceIndex === undefined) throw errors.missingParameter('NetworkInterface.DeviceIndex');
    if (!instance.type.networkCards.some((c) => c.networkCardIndex === networkCardIndex)) {
      throw errors.invalidNetworkCardIndex(networkCardIndex, instance.type.instanceType);
    }
    const slot = `${networkCardIndex}:${deviceIndex}`;
    if (used.has(slot)) throw errors.deviceIndexInUse(instance.id, deviceIndex);
    used.add(slot);
    const attachment: Attachment = {
      attachmentId: newId('eni-attach'),
      instanceId: instance.id,
      deviceIndex,
      networkCardIndex,
      attachTime: instance.launchTime,
      // Interfaces the launch creates go with the instance unless told otherwise; attached ones stay.
      deleteOnTermination: spec.DeleteOnTermination ?? spec.NetworkInterfaceId === undefined
    };
    if (spec.Ipv4PrefixCount || spec.Ipv4Prefixes?.length) checkPrefixDelegation(instance.type);
    if (spec.NetworkInterfaceId !== undefined) {
      const existing = await requireNetworkInterface(tx, spec.NetworkInterfaceId);
      if (existing.attachment) throw errors.networkInterfaceAttachmentInUse(existing.id);
      if (existing.privateIpAddresses.length + existing.ipv4Prefixes.length > instance.type.ipv4AddressesPerInterface) {
        throw errors.interfaceAddressLimitExceeded(existing, instance.type.instanceType);
      }
      const attachedEni = { ...existing, attachment };
      await tx.updateNetworkInterface(attachedEni);
      interfaces.push(attachedEni);
      continue;
    }
    const subnet = spec.SubnetId !== undefined ? await requireSubnet(tx, spec.SubnetId) : subnetForPrimary!;
    const explicit = spec.PrivateIpAddresses ?? [];
    const primary = spec.PrivateIpAddress ?? explicit.find((a) => a.Primary)?.PrivateIpAddress;
    interfaces.push(
      await createNetworkInterfaceRecord(tx, context, {
        subnet,
        ...(spec.Description !== undefined ? { description: spec.Description } : {}),
        ...(spec.Groups ? { groupIds: spec.Groups } : {}),
        ...(primary !== undefined ? { primary } : {}),
        secondaries: explicit.filter((a) => a.PrivateIpAddress !== undefined && a.PrivateIpAddress !== primary).map((a) => a.PrivateIpAddress!),
        secondaryCount: spec.SecondaryPrivateIpAddressCount ?? 0,
        prefixes: (spec.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? ''),
        prefixCount: spec.Ipv4PrefixCount ?? 0,
        ...(spec.InterfaceType !== undefined ? { interfaceType: spec.InterfaceType } : {}),
        tags: tagsFromSpecifications(request.TagSpecifications?.filter((t) => t.ResourceType === 'network-interface'), 'network-interface'),
        slotLimit: instance.type.ipv4AddressesPerInterface,
        attachment
      })
    );
  }
  if (!interfaces.some((e) => e.attachment?.deviceIndex === 0 && e.attachment.networkCardIndex === 0)) {
    throw errors.missingPrimaryInterface();
  }
  // All interfaces of an instance live in one availability zone.
  const zones = new Set(interfaces.map((e) => e.availabilityZone));
  if (zones.size > 1) throw errors.interfacesInDifferentZones();
  return interfaces;
}

export const runInstances = defineAction<RunInstancesInput>({
  name: 'RunInstances',
  input,
  output: reservationShape,
  check(request) {
    if (request.ImageId === undefined) throw errors.missingParameter('ImageId');
    if (!isWellFormedId(request.ImageId, 'ami')) throw errors.imageIdMalformed(request.ImageId);
    if (request.MinCount < 1) throw errors.notPositive(request.MinCount, 'minCount');
    if (request.MaxCount < request.MinCount) throw errors.maxCountBelowMinCount();
    if (request.NetworkInterfaces?.length && request.SubnetId !== undefined) {
      // [OBS] aws-cli #613.
      throw errors.invalidParameterCombination('Network interfaces and an instance-level subnet ID may not be specified on the same request');
    }
    if (request.NetworkInterfaces?.length && request.PrivateIpAddress !== undefined) {
      throw errors.invalidParameterCombination('Network interfaces and an instance-level private IP address may not be specified on the same request');
    }
    if (request.PrivateIpAddress !== undefined && request.MaxCount > 1) {
      throw errors.invalidParameterCombination('Cannot specify a private IP address when launching more than one instance.');
    }
    for (const t of request.TagSpecifications ?? []) {
      if (t.ResourceType !== 'instance' && t.ResourceType !== 'network-interface') {
        throw errors.invalidParameterValue(`'${t.ResourceType}' is not a valid taggable resource type for this operation.`);
      }
    }
  },
  async run(tx, request, context) {
    if (request.ClientToken !== undefined) {
      const seen = await tx.getClientToken('RunInstances', request.ClientToken);
      if (seen) {
        if (seen.requestHash !== requestHash(request)) throw errors.idempotentParameterMismatch(request.ClientToken);
        return reservationView(tx, seen.resourceId, context);
      }
    }
    // EC2 launches m1.small when no type is named (RunInstances doc string).
    const typeName = request.InstanceType ?? 'm1.small';
    const type = instanceType(typeName);
    if (!type) throw errors.invalidInstanceTypeValue(typeName);
    let subnetForPrimary: Subnet | undefined;
    if (!request.NetworkInterfaces?.length) {
      subnetForPrimary =
        request.SubnetId !== undefined
          ? await requireSubnet(tx, request.SubnetId)
          : await defaultSubnet(tx, request.Placement?.AvailabilityZone, context);
    } else if (request.NetworkInterfaces.some((n) => n.SubnetId === undefined && n.NetworkInterfaceId === undefined)) {
      // An interface specification without a subnet launches into the default subnet, as the CLI relies on when it
      // moves --secondary-private-ip-address-count into NetworkInterface.1 (aws-cli ec2runinstances customization).
      subnetForPrimary = await defaultSubnet(tx, request.Placement?.AvailabilityZone, context);
    }
    if (subnetForPrimary && request.Placement?.AvailabilityZone !== undefined && subnetForPrimary.availabilityZone !== request.Placement.AvailabilityZone) {
      throw errors.invalidParameterValue(
        `Value (${request.Placement.AvailabilityZone}) for parameter availabilityZone is invalid. Subnet '${subnetForPrimary.id}' is in the availability zone ${subnetForPrimary.availabilityZone}`
      );
    }
    const reservationId = newId('r');
    const metadataOptions: MetadataOptions = {
      httpTokens: (request.MetadataOptions?.HttpTokens as MetadataOptions['httpTokens'] | undefined) ?? 'optional',
      httpEndpoint: (request.MetadataOptions?.HttpEndpoint as MetadataOptions['httpEndpoint'] | undefined) ?? 'enabled',
      httpPutResponseHopLimit: request.MetadataOptions?.HttpPutResponseHopLimit ?? 1
    };
    const instanceTags = tagsFromSpecifications(request.TagSpecifications?.filter((t) => t.ResourceType === 'instance'), 'instance');
    const launched: { instance: Instance; interfaces: NetworkInterface[] }[] = [];
    for (let index = 0; index < request.MaxCount; index++) {
      const id = newId('i');
      let interfaces: NetworkInterface[];
      try {
        interfaces = await launchInterfaces(tx, context, request, { id, type, launchTime: context.now }, subnetForPrimary);
      } catch (error) {
        // EC2 launches as many as it can between MinCount and MaxCount; below MinCount the whole call fails.
        if (index >= request.MinCount && isCapacityError(error)) break;
        throw error;
      }
      const primary = interfaces.find((e) => e.attachment?.deviceIndex === 0 && e.attachment.networkCardIndex === 0)!;
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
        tags: instanceTags
      };
      await tx.insertInstance(instance);
      launched.push({ instance, interfaces });
    }
    if (request.ClientToken !== undefined) {
      await tx.putClientToken('RunInstances', request.ClientToken, { requestHash: requestHash(request), resourceId: reservationId });
    }
    // RunInstances answers with the instances still pending; they are running by the next Describe.
    return {
      ReservationId: reservationId,
      OwnerId: context.accountId,
      Groups: [],
      Instances: launched.map(({ instance, interfaces }) => instanceView(instance, interfaces, new Map(), context, 'pending'))
    };
  }
});

function isCapacityError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'InsufficientFreeAddressesInSubnet' || error.code === 'InsufficientCidrBlocks');
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
