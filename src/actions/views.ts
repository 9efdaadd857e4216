import { primaryInterfaceOf } from '../domain/attachment.js';
import { defaultCpuOptions, isGraviton } from '../domain/cpu-options.js';
import { AMI_ROOT_DEVICE_NAME } from '../domain/images.js';
import { instanceType } from '../domain/instance-types.js';
import { formatCidr, formatIpv4 } from '../domain/ipv4.js';
import {
  type Attachment,
  type CpuOptions,
  type ElasticIp,
  INSTANCE_STATE_CODES,
  type Instance,
  type InstanceBlockDevice,
  type InstanceStateName,
  type LaunchSettings,
  type MetadataOptions,
  type NetworkInterface,
  type Subnet,
  type SubnetCidrReservation,
  type Tag,
  type Vpc
} from '../domain/model.js';
import type { ActionContext } from './action.js';

/** Domain records rendered in the SDK's output shapes (the JSON face's `data`, the XML writer's input). */

/**
 * EC2 leaves `tagSet` out of an untagged VPC, subnet, instance or address, so clients see no Tags key at all;
 * network interfaces are the exception and always carry `tagSet` (`"TagSet": []` in the CLI's output).
 */
/** GroupIdentifier items of the EC2 model, as interfaces and instances list their security groups. */
export function groupIdentifiers(
  groups: readonly { readonly groupId: string; readonly groupName?: string }[]
): object[] {
  return groups.map((g) => ({ GroupName: g.groupName, GroupId: g.groupId }));
}

function tagSetOf(tags: readonly Tag[]): readonly Tag[] | undefined {
  return tags.length > 0 ? tags : undefined;
}

export function vpcView(vpc: Vpc): object {
  const cidrBlock = formatCidr(vpc.cidr);
  return {
    CidrBlock: cidrBlock,
    DhcpOptionsId: vpc.dhcpOptionsId,
    State: 'available',
    VpcId: vpc.id,
    OwnerId: vpc.ownerId,
    InstanceTenancy: vpc.instanceTenancy,
    Ipv6CidrBlockAssociationSet: [],
    CidrBlockAssociationSet: [
      { AssociationId: vpc.cidrAssociationId, CidrBlock: cidrBlock, CidrBlockState: { State: 'associated' } }
    ],
    IsDefault: vpc.isDefault,
    Tags: tagSetOf(vpc.tags)
  };
}

export function subnetView(subnet: Subnet, availableIpAddressCount: number, context: ActionContext): object {
  return {
    AvailabilityZone: subnet.availabilityZone,
    AvailabilityZoneId: subnet.availabilityZoneId,
    AvailableIpAddressCount: availableIpAddressCount,
    CidrBlock: formatCidr(subnet.cidr),
    DefaultForAz: subnet.defaultForAz,
    MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    MapCustomerOwnedIpOnLaunch: false,
    State: 'available',
    SubnetId: subnet.id,
    VpcId: subnet.vpcId,
    OwnerId: subnet.ownerId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Tags: tagSetOf(subnet.tags),
    SubnetArn: `arn:aws:ec2:${context.region}:${subnet.ownerId}:subnet/${subnet.id}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false
    }
  };
}

/** A subnet CIDR reservation; EC2 leaves Description out when none was given (VPC User Guide CLI sample). */
export function subnetCidrReservationView(reservation: SubnetCidrReservation): object {
  return {
    SubnetCidrReservationId: reservation.id,
    SubnetId: reservation.subnetId,
    Cidr: formatCidr(reservation.cidr),
    ReservationType: reservation.reservationType,
    OwnerId: reservation.ownerId,
    Description: reservation.description === '' ? undefined : reservation.description,
    Tags: tagSetOf(reservation.tags)
  };
}

/** EC2's private DNS names: `ip-10-0-1-5.ec2.internal` in us-east-1, `ip-….<region>.compute.internal` elsewhere. */
export function privateDnsName(address: number, region: string): string {
  // formatIpv4 with dashes, in one template: a DescribeNetworkInterfaces makes one per address.
  const host = `ip-${address >>> 24}-${(address >>> 16) & 255}-${(address >>> 8) & 255}-${address & 255}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** EC2's public DNS names: `ec2-54-1-2-3.compute-1.amazonaws.com` in us-east-1, `….<region>.compute.amazonaws.com` elsewhere. */
export function publicDnsName(address: number, region: string): string {
  const host = `ec2-${formatIpv4(address).replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

export function associationView(eip: ElasticIp, context: ActionContext): object {
  return {
    AllocationId: eip.allocationId,
    AssociationId: eip.association?.associationId,
    IpOwnerId: eip.ownerId,
    PublicDnsName: publicDnsName(eip.publicIp, context.region),
    PublicIp: formatIpv4(eip.publicIp)
  };
}

/** The attachment members an interface shows under an instance; the interface's own view adds the instance. */
function attachmentView(attachment: Attachment): object {
  return {
    AttachTime: attachment.attachTime,
    AttachmentId: attachment.attachmentId,
    DeleteOnTermination: attachment.deleteOnTermination,
    DeviceIndex: attachment.deviceIndex,
    NetworkCardIndex: attachment.networkCardIndex,
    Status: 'attached'
  };
}

/**
 * The Elastic IP on a private address among an interface's few (mostly none): the last one wins, as it would in a
 * Map built from the list, without building one per interface.
 */
function elasticIpOn(elasticIps: readonly ElasticIp[], address: number): ElasticIp | undefined {
  for (let i = elasticIps.length - 1; i >= 0; i--) {
    if (elasticIps[i]!.association?.privateIpAddress === address) return elasticIps[i];
  }
  return undefined;
}

/** An interface as EC2 shows it, with its attachment and the Elastic IPs on its addresses. */
export function networkInterfaceView(
  eni: NetworkInterface,
  context: ActionContext,
  elasticIps: readonly ElasticIp[] = []
): object {
  const primary = eni.privateIpAddresses.find((a) => a.primary)!;
  const onPrimary = elasticIpOn(elasticIps, primary.address);
  const attachment = eni.attachment;
  return {
    Association: onPrimary && associationView(onPrimary, context),
    Attachment: attachment && {
      ...attachmentView(attachment),
      InstanceId: attachment.instanceId,
      InstanceOwnerId: eni.ownerId
    },
    AvailabilityZone: eni.availabilityZone,
    Description: eni.description,
    Groups: groupIdentifiers(eni.groups),
    InterfaceType: eni.interfaceType,
    Ipv6Addresses: [],
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: privateDnsName(primary.address, context.region),
    PrivateIpAddress: formatIpv4(primary.address),
    PrivateIpAddresses: eni.privateIpAddresses.map((a) => {
      const eip = elasticIpOn(elasticIps, a.address);
      return {
        Association: eip && associationView(eip, context),
        Primary: a.primary,
        PrivateDnsName: privateDnsName(a.address, context.region),
        PrivateIpAddress: formatIpv4(a.address)
      };
    }),
    Ipv4Prefixes: eni.ipv4Prefixes.map((base) => ({ Ipv4Prefix: `${formatIpv4(base)}/28` })),
    Ipv6Prefixes: [],
    RequesterManaged: eni.requesterManaged,
    SourceDestCheck: eni.sourceDestCheck,
    Status: attachment ? 'in-use' : 'available',
    SubnetId: eni.subnetId,
    TagSet: eni.tags,
    VpcId: eni.vpcId,
    Ipv6Native: false
  };
}

export function instanceStateView(state: InstanceStateName): { Code: number; Name: InstanceStateName } {
  return { Code: INSTANCE_STATE_CODES[state], Name: state };
}

/** An instance as EC2 shows it, with its attached interfaces (device order) and their Elastic IPs. */
export function instanceView(
  instance: Instance,
  interfaces: readonly NetworkInterface[],
  elasticIps: ReadonlyMap<string, readonly ElasticIp[]>,
  context: ActionContext,
  shownState: InstanceStateName = instance.state
): object {
  const primaryEni = primaryInterfaceOf(interfaces);
  const primaryAddress = primaryEni?.privateIpAddresses.find((a) => a.primary)?.address;
  const primaryEip =
    primaryEni && elasticIps.get(primaryEni.id)?.find((e) => e.association?.privateIpAddress === primaryAddress);
  const terminated = shownState === 'terminated';
  const publicView = (eip: ElasticIp | undefined) =>
    eip && {
      IpOwnerId: eip.ownerId,
      PublicDnsName: publicDnsName(eip.publicIp, context.region),
      PublicIp: formatIpv4(eip.publicIp)
    };
  return {
    AmiLaunchIndex: instance.amiLaunchIndex,
    ImageId: instance.imageId,
    InstanceId: instance.id,
    InstanceType: instance.instanceType,
    LaunchTime: instance.launchTime,
    Placement: { AvailabilityZone: instance.availabilityZone, GroupName: '', Tenancy: 'default' },
    // A terminated instance has no addresses left (DescribeInstances shows empty names and no address).
    PrivateDnsName: terminated || primaryAddress === undefined ? '' : privateDnsName(primaryAddress, context.region),
    PrivateIpAddress: terminated || primaryAddress === undefined ? undefined : formatIpv4(primaryAddress),
    PublicDnsName: primaryEip && !terminated ? publicDnsName(primaryEip.publicIp, context.region) : '',
    PublicIpAddress: primaryEip && !terminated ? formatIpv4(primaryEip.publicIp) : undefined,
    State: instanceStateView(shownState),
    StateTransitionReason: instance.stateTransitionReason,
    SubnetId: terminated ? undefined : instance.subnetId,
    VpcId: terminated ? undefined : instance.vpcId,
    Architecture: isGraviton(instance.instanceType) ? 'arm64' : 'x86_64',
    // RunInstances answers before the volumes attach ("BlockDeviceMappings": [] beside "State": pending in the CLI's
    // output); a terminated instance has none left.
    BlockDeviceMappings:
      shownState === 'pending' || terminated ? [] : (instance.blockDevices ?? []).map(blockDeviceView),
    ClientToken: instance.clientToken ?? '',
    // The Instance model's hypervisor enum is ovm|xen: EC2 reports "xen" for Nitro instances too.
    Hypervisor: 'xen',
    NetworkInterfaces: terminated
      ? []
      : interfaces.map((eni) => {
          const eips = elasticIps.get(eni.id) ?? [];
          const primary = eni.privateIpAddresses.find((a) => a.primary)!;
          return {
            Association: publicView(elasticIpOn(eips, primary.address)),
            Attachment: eni.attachment && attachmentView(eni.attachment),
            Description: eni.description,
            Groups: groupIdentifiers(eni.groups),
            Ipv6Addresses: [],
            MacAddress: eni.macAddress,
            NetworkInterfaceId: eni.id,
            OwnerId: eni.ownerId,
            PrivateDnsName: privateDnsName(primary.address, context.region),
            PrivateIpAddress: formatIpv4(primary.address),
            PrivateIpAddresses: eni.privateIpAddresses.map((a) => ({
              Association: publicView(elasticIpOn(eips, a.address)),
              Primary: a.primary,
              PrivateDnsName: privateDnsName(a.address, context.region),
              PrivateIpAddress: formatIpv4(a.address)
            })),
            SourceDestCheck: eni.sourceDestCheck,
            Status: 'in-use',
            SubnetId: eni.subnetId,
            VpcId: eni.vpcId,
            InterfaceType: eni.interfaceType,
            Ipv4Prefixes: eni.ipv4Prefixes.map((base) => ({ Ipv4Prefix: `${formatIpv4(base)}/28` }))
          };
        }),
    // Instances stored before ec2lite kept it were all launched from the same kind of AMI: an EBS root at /dev/xvda.
    RootDeviceName: instance.rootDeviceName ?? AMI_ROOT_DEVICE_NAME,
    RootDeviceType: 'ebs',
    SecurityGroups: groupIdentifiers(instance.groups),
    SourceDestCheck: primaryEni?.sourceDestCheck ?? true,
    Tags: tagSetOf(instance.tags),
    VirtualizationType: 'hvm',
    CpuOptions: cpuOptionsView(instance.cpuOptions ?? defaultCpuOptions(instanceType(instance.instanceType))),
    // RunInstances answers the options still pending, as it does the instance [INF].
    MetadataOptions: metadataOptionsView(instance.metadataOptions, shownState === 'pending' ? 'pending' : 'applied'),
    ...launchSettingsView(launchSettingsOf(instance), shownState)
  };
}

/** EC2's defaults, for instances stored before ec2lite kept their launch settings. */
const DEFAULT_LAUNCH_SETTINGS: LaunchSettings = {
  ebsOptimized: false,
  monitoring: false,
  instanceInitiatedShutdownBehavior: 'stop',
  capacityReservationPreference: 'open',
  autoRecovery: 'default'
};

/**
 * The launch settings DescribeInstances shows. Hibernation, enclaves and resource-name DNS are refused at launch, so
 * they show EC2's defaults; detailed monitoring is "pending" in RunInstances' answer, as the instance is [INF].
 */
function launchSettingsView(settings: LaunchSettings, shownState: InstanceStateName): object {
  const monitoring = settings.monitoring ? (shownState === 'pending' ? 'pending' : 'enabled') : 'disabled';
  return {
    EbsOptimized: settings.ebsOptimized,
    Monitoring: { State: monitoring },
    CapacityReservationSpecification: { CapacityReservationPreference: settings.capacityReservationPreference },
    HibernationOptions: { Configured: false },
    EnclaveOptions: { Enabled: false },
    MaintenanceOptions: { AutoRecovery: settings.autoRecovery },
    PrivateDnsNameOptions: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false
    }
  };
}

/** An instance's launch settings, or EC2's defaults where it has none stored. */
export function launchSettingsOf(instance: Instance): LaunchSettings {
  return instance.launchSettings ?? DEFAULT_LAUNCH_SETTINGS;
}

/** An EBS volume under an instance (InstanceBlockDeviceMapping): attached since the launch. */
export function blockDeviceView(device: InstanceBlockDevice): object {
  return {
    DeviceName: device.deviceName,
    Ebs: {
      AttachTime: device.attachTime,
      DeleteOnTermination: device.deleteOnTermination,
      Status: 'attached',
      VolumeId: device.volumeId
    }
  };
}

/** CpuOptions of an instance; left out where the type's vCPUs are unknown (bare metal, HPC). */
function cpuOptionsView(options: CpuOptions | undefined): object | undefined {
  return (
    options && {
      CoreCount: options.coreCount,
      ThreadsPerCore: options.threadsPerCore,
      AmdSevSnp: options.amdSevSnp,
      NestedVirtualization: options.nestedVirtualization
    }
  );
}

/** An instance's metadata options in the SDK's InstanceMetadataOptionsResponse shape. */
export function metadataOptionsView(options: MetadataOptions, state: 'pending' | 'applied'): object {
  return {
    State: state,
    HttpTokens: options.httpTokens,
    HttpPutResponseHopLimit: options.httpPutResponseHopLimit,
    HttpEndpoint: options.httpEndpoint
  };
}

/**
 * An Elastic IP as DescribeAddresses shows it. Its instance is that of the interface it is on, so it follows the
 * interface's attachment (and is absent while the interface is detached).
 */
export function addressView(eip: ElasticIp, eni: NetworkInterface | undefined, context: ActionContext): object {
  const associated = eip.association && eni;
  return {
    AllocationId: eip.allocationId,
    AssociationId: associated ? eip.association.associationId : undefined,
    Domain: 'vpc',
    NetworkInterfaceId: associated ? eni.id : undefined,
    NetworkInterfaceOwnerId: associated ? eni.ownerId : undefined,
    PrivateIpAddress: associated ? formatIpv4(eip.association.privateIpAddress) : undefined,
    Tags: tagSetOf(eip.tags),
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: context.region,
    InstanceId: associated ? eni.attachment?.instanceId : undefined,
    PublicIp: formatIpv4(eip.publicIp)
  };
}
