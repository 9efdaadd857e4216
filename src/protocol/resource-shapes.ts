import { out } from './output-spec.js';

/** Output shapes of the resources, with element names from the EC2 model's locationName (spec Appendix A). */

export const tagShape = out.structure(out.member('Key', 'key'), out.member('Value', 'value'));
export const tagList = out.list(tagShape);

export const vpcShape = out.structure(
  out.member('CidrBlock', 'cidrBlock'),
  out.member('DhcpOptionsId', 'dhcpOptionsId'),
  out.member('State', 'state'),
  out.member('VpcId', 'vpcId'),
  out.member('OwnerId', 'ownerId'),
  out.member('InstanceTenancy', 'instanceTenancy'),
  out.member('Ipv6CidrBlockAssociationSet', 'ipv6CidrBlockAssociationSet', out.list(out.structure())),
  out.member(
    'CidrBlockAssociationSet',
    'cidrBlockAssociationSet',
    out.list(
      out.structure(
        out.member('AssociationId', 'associationId'),
        out.member('CidrBlock', 'cidrBlock'),
        out.member('CidrBlockState', 'cidrBlockState', out.structure(out.member('State', 'state')))
      )
    )
  ),
  out.member('IsDefault', 'isDefault', 'boolean'),
  out.member('Tags', 'tagSet', tagList)
);

export const subnetShape = out.structure(
  out.member('AvailabilityZone', 'availabilityZone'),
  out.member('AvailabilityZoneId', 'availabilityZoneId'),
  out.member('AvailableIpAddressCount', 'availableIpAddressCount', 'integer'),
  out.member('CidrBlock', 'cidrBlock'),
  out.member('DefaultForAz', 'defaultForAz', 'boolean'),
  out.member('MapPublicIpOnLaunch', 'mapPublicIpOnLaunch', 'boolean'),
  out.member('MapCustomerOwnedIpOnLaunch', 'mapCustomerOwnedIpOnLaunch', 'boolean'),
  out.member('State', 'state'),
  out.member('SubnetId', 'subnetId'),
  out.member('VpcId', 'vpcId'),
  out.member('OwnerId', 'ownerId'),
  out.member('AssignIpv6AddressOnCreation', 'assignIpv6AddressOnCreation', 'boolean'),
  out.member('Ipv6CidrBlockAssociationSet', 'ipv6CidrBlockAssociationSet', out.list(out.structure())),
  out.member('Tags', 'tagSet', tagList),
  out.member('SubnetArn', 'subnetArn'),
  out.member('EnableDns64', 'enableDns64', 'boolean'),
  out.member('Ipv6Native', 'ipv6Native', 'boolean'),
  out.member(
    'PrivateDnsNameOptionsOnLaunch',
    'privateDnsNameOptionsOnLaunch',
    out.structure(
      out.member('HostnameType', 'hostnameType'),
      out.member('EnableResourceNameDnsARecord', 'enableResourceNameDnsARecord', 'boolean'),
      out.member('EnableResourceNameDnsAAAARecord', 'enableResourceNameDnsAAAARecord', 'boolean')
    )
  )
);

export const groupIdentifierShape = out.structure(out.member('GroupName', 'groupName'), out.member('GroupId', 'groupId'));

export const networkInterfaceShape = out.structure(
  out.member('AvailabilityZone', 'availabilityZone'),
  out.member('Description', 'description'),
  out.member('Groups', 'groupSet', out.list(groupIdentifierShape)),
  out.member('InterfaceType', 'interfaceType'),
  out.member('Ipv6Addresses', 'ipv6AddressesSet', out.list(out.structure())),
  out.member('MacAddress', 'macAddress'),
  out.member('NetworkInterfaceId', 'networkInterfaceId'),
  out.member('OwnerId', 'ownerId'),
  out.member('PrivateDnsName', 'privateDnsName'),
  out.member('PrivateIpAddress', 'privateIpAddress'),
  out.member(
    'PrivateIpAddresses',
    'privateIpAddressesSet',
    out.list(
      out.structure(
        out.member('Primary', 'primary', 'boolean'),
        out.member('PrivateDnsName', 'privateDnsName'),
        out.member('PrivateIpAddress', 'privateIpAddress')
      )
    )
  ),
  out.member('Ipv4Prefixes', 'ipv4PrefixSet', out.list(out.structure(out.member('Ipv4Prefix', 'ipv4Prefix')))),
  out.member('Ipv6Prefixes', 'ipv6PrefixSet', out.list(out.structure())),
  out.member('RequesterManaged', 'requesterManaged', 'boolean'),
  out.member('SourceDestCheck', 'sourceDestCheck', 'boolean'),
  out.member('Status', 'status'),
  out.member('SubnetId', 'subnetId'),
  out.member('TagSet', 'tagSet', tagList),
  out.member('VpcId', 'vpcId'),
  out.member('Ipv6Native', 'ipv6Native', 'boolean')
);
