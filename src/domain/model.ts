import type { Cidr } from './ipv4.js';

/** The resources ec2lite keeps, in EC2's own terms. Addresses are unsigned 32-bit integers. */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export type ResourceType =
  | 'vpc'
  | 'subnet'
  | 'network-interface'
  | 'security-group'
  | 'instance'
  | 'elastic-ip'
  | 'subnet-cidr-reservation'
  | 'volume';

export interface Vpc {
  readonly id: string;
  readonly cidr: Cidr;
  readonly cidrAssociationId: string;
  readonly isDefault: boolean;
  readonly instanceTenancy: string;
  readonly dhcpOptionsId: string;
  readonly ownerId: string;
  /** Every VPC comes with a security group named "default" (VPC User Guide). */
  readonly defaultSecurityGroupId: string;
  /**
   * The VPC attributes DescribeVpcAttribute reads and ModifyVpcAttribute sets. EC2 starts a default VPC with both DNS
   * attributes true and any other VPC with DNS support only; Network Address Usage metrics start off (VPC User Guide).
   */
  readonly enableDnsSupport: boolean;
  readonly enableDnsHostnames: boolean;
  readonly enableNetworkAddressUsageMetrics: boolean;
  readonly tags: readonly Tag[];
}

export interface Subnet {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr: Cidr;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
  readonly ownerId: string;
  readonly tags: readonly Tag[];
}

export interface PrivateIpAddress {
  readonly address: number;
  readonly primary: boolean;
}

export interface SecurityGroupRef {
  readonly groupId: string;
  readonly groupName?: string;
}

export interface NetworkInterface {
  readonly id: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly description: string;
  readonly macAddress: string;
  readonly ownerId: string;
  readonly interfaceType: string;
  readonly sourceDestCheck: boolean;
  readonly requesterManaged: boolean;
  readonly groups: readonly SecurityGroupRef[];
  /** Primary first, then secondaries in the order they were assigned. */
  readonly privateIpAddresses: readonly PrivateIpAddress[];
  /** Bases of the /28 prefixes delegated to the interface, in assignment order. */
  readonly ipv4Prefixes: readonly number[];
  readonly tags: readonly Tag[];
  readonly attachment?: Attachment;
}

export function primaryAddress(eni: NetworkInterface): number {
  const primary = eni.privateIpAddresses.find((a) => a.primary);
  if (!primary) throw new Error(`network interface ${eni.id} has no primary address`);
  return primary.address;
}

/** An interface's attachment to an instance (AttachNetworkInterface, or RunInstances for device 0). */
export interface Attachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  readonly attachTime: Date;
  readonly deleteOnTermination: boolean;
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/** EC2's InstanceState codes (API reference, InstanceState). */
export const INSTANCE_STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80
};

export interface MetadataOptions {
  readonly httpTokens: 'optional' | 'required';
  readonly httpEndpoint: 'enabled' | 'disabled';
  readonly httpPutResponseHopLimit: number;
}

export type EbsVolumeType = 'standard' | 'io1' | 'io2' | 'gp2' | 'sc1' | 'st1' | 'gp3';

/** An EBS volume attached to an instance since its launch: the AMI's root volume or one of BlockDeviceMapping.N. */
export interface InstanceBlockDevice {
  readonly deviceName: string;
  readonly volumeId: string;
  readonly attachTime: Date;
  readonly deleteOnTermination: boolean;
  /** The volume's parameters as the launch gave them; the root volume's others are the AMI's, which ec2lite does not know. */
  readonly volumeType?: EbsVolumeType;
  readonly volumeSize?: number;
  readonly iops?: number;
  readonly throughput?: number;
  readonly encrypted?: boolean;
  readonly kmsKeyId?: string;
  readonly snapshotId?: string;
}

/** An instance's CPU options (CpuOptions of the EC2 model). */
export interface CpuOptions {
  readonly coreCount: number;
  readonly threadsPerCore: number;
  readonly amdSevSnp?: 'enabled' | 'disabled';
  readonly nestedVirtualization?: 'enabled' | 'disabled';
}

/**
 * Launch settings EC2 shows back (DescribeInstances, DescribeInstanceAttribute, DescribeInstanceCreditSpecifications)
 * as the launch gave them. Settings ec2lite cannot honour (termination or stop protection, hibernation, enclaves)
 * are refused at launch, so they are always EC2's defaults and not kept.
 */
export interface LaunchSettings {
  readonly ebsOptimized: boolean;
  readonly monitoring: boolean;
  readonly instanceInitiatedShutdownBehavior: 'stop' | 'terminate';
  readonly capacityReservationPreference: 'open' | 'none';
  readonly autoRecovery: 'default' | 'disabled';
  /** Burstable (T) types only: `standard` or `unlimited`. */
  readonly cpuCredits?: 'standard' | 'unlimited';
  /** Base64 text as the launch gave it. */
  readonly userData?: string;
}

export interface Instance {
  readonly id: string;
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly ownerId: string;
  /** The state it settles in; actions report the transition (pending, stopping, shutting-down) on the way. */
  readonly state: InstanceStateName;
  readonly stateTransitionReason: string;
  readonly launchTime: Date;
  readonly amiLaunchIndex: number;
  readonly clientToken?: string;
  readonly groups: readonly SecurityGroupRef[];
  readonly metadataOptions: MetadataOptions;
  readonly tags: readonly Tag[];
  /**
   * What the launch set up besides interfaces: the root device name, the EBS volumes (root first) and the CPU
   * options. Absent on instances stored before ec2lite kept them: views fall back to the type's defaults.
   */
  readonly rootDeviceName?: string;
  readonly blockDevices?: readonly InstanceBlockDevice[];
  readonly cpuOptions?: CpuOptions;
  /** Absent on instances stored before ec2lite kept them: views show EC2's defaults. */
  readonly launchSettings?: LaunchSettings;
}

/** An Elastic IP address (Domain vpc); associated with one private address of one interface at most. */
export interface ElasticIp {
  readonly allocationId: string;
  readonly publicIp: number;
  readonly ownerId: string;
  readonly association?: {
    readonly associationId: string;
    readonly networkInterfaceId: string;
    readonly privateIpAddress: number;
  };
  readonly tags: readonly Tag[];
}

export type SubnetCidrReservationType = 'prefix' | 'explicit';

export interface SubnetCidrReservation {
  readonly id: string;
  readonly subnetId: string;
  readonly cidr: Cidr;
  readonly reservationType: SubnetCidrReservationType;
  readonly description: string;
  readonly ownerId: string;
  readonly tags: readonly Tag[];
}
