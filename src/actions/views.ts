import { formatCidr, formatIpv4 } from '../domain/ipv4.js';
import type { NetworkInterface, Subnet, Vpc } from '../domain/model.js';
import type { ActionContext } from './action.js';

/** Domain records rendered in the SDK's output shapes (the JSON face's `data`, the XML writer's input). */

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
    Tags: vpc.tags
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
    Tags: subnet.tags,
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

/** EC2's private DNS names: `ip-10-0-1-5.ec2.internal` in us-east-1, `ip-….<region>.compute.internal` elsewhere. */
export function privateDnsName(address: number, region: string): string {
  const host = `ip-${formatIpv4(address).replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

export function networkInterfaceView(eni: NetworkInterface, context: ActionContext): object {
  const primary = eni.privateIpAddresses.find((a) => a.primary)!;
  return {
    AvailabilityZone: eni.availabilityZone,
    Description: eni.description,
    Groups: eni.groups.map((g) => ({ GroupName: g.groupName, GroupId: g.groupId })),
    InterfaceType: eni.interfaceType,
    Ipv6Addresses: [],
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: privateDnsName(primary.address, context.region),
    PrivateIpAddress: formatIpv4(primary.address),
    PrivateIpAddresses: eni.privateIpAddresses.map((a) => ({
      Primary: a.primary,
      PrivateDnsName: privateDnsName(a.address, context.region),
      PrivateIpAddress: formatIpv4(a.address)
    })),
    Ipv4Prefixes: eni.ipv4Prefixes.map((base) => ({ Ipv4Prefix: `${formatIpv4(base)}/28` })),
    Ipv6Prefixes: [],
    RequesterManaged: eni.requesterManaged,
    SourceDestCheck: eni.sourceDestCheck,
    Status: 'available',
    SubnetId: eni.subnetId,
    TagSet: eni.tags,
    VpcId: eni.vpcId,
    Ipv6Native: false
  };
}
