import { out } from './output-spec.js';

/** Output shapes of the resources, with element names from the EC2 model's locationName (spec Appendix A). */

export const tagShape = out.structure(out.member('Key', 'key'), out.member('Value', 'value'));
export const tagList = out.list(tagShape);

/** AttributeBooleanValue and AttributeValue of the EC2 model, as the Describe*Attribute actions answer them. */
export const attributeBooleanValueShape = out.structure(out.member('Value', 'value', 'boolean'));
export const attributeValueShape = out.structure(out.member('Value', 'value'));

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

/** SubnetCidrReservation (EC2 model; element names from locationName). */
export const subnetCidrReservationShape = out.structure(
  out.member('SubnetCidrReservationId', 'subnetCidrReservationId'),
  out.member('SubnetId', 'subnetId'),
  out.member('Cidr', 'cidr'),
  out.member('ReservationType', 'reservationType'),
  out.member('OwnerId', 'ownerId'),
  out.member('Description', 'description'),
  out.member('Tags', 'tagSet', tagList)
);

export const groupIdentifierShape = out.structure(
  out.member('GroupName', 'groupName'),
  out.member('GroupId', 'groupId')
);

/** NetworkInterfaceAssociation: the Elastic IP on an address. */
export const networkInterfaceAssociationShape = out.structure(
  out.member('AllocationId', 'allocationId'),
  out.member('AssociationId', 'associationId'),
  out.member('IpOwnerId', 'ipOwnerId'),
  out.member('PublicDnsName', 'publicDnsName'),
  out.member('PublicIp', 'publicIp')
);

export const networkInterfaceAttachmentShape = out.structure(
  out.member('AttachTime', 'attachTime', 'timestamp'),
  out.member('AttachmentId', 'attachmentId'),
  out.member('DeleteOnTermination', 'deleteOnTermination', 'boolean'),
  out.member('DeviceIndex', 'deviceIndex', 'integer'),
  out.member('NetworkCardIndex', 'networkCardIndex', 'integer'),
  out.member('InstanceId', 'instanceId'),
  out.member('InstanceOwnerId', 'instanceOwnerId'),
  out.member('Status', 'status')
);

/** An item of privateIpAddressesSet, on an interface or nested under an instance. */
const privateIpAddressItemShape = out.structure(
  out.member('Association', 'association', networkInterfaceAssociationShape),
  out.member('Primary', 'primary', 'boolean'),
  out.member('PrivateDnsName', 'privateDnsName'),
  out.member('PrivateIpAddress', 'privateIpAddress')
);

export const networkInterfaceShape = out.structure(
  out.member('Association', 'association', networkInterfaceAssociationShape),
  out.member('Attachment', 'attachment', networkInterfaceAttachmentShape),
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
  out.member('PrivateIpAddresses', 'privateIpAddressesSet', out.list(privateIpAddressItemShape)),
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

export const instanceStateShape = out.structure(out.member('Code', 'code', 'integer'), out.member('Name', 'name'));

/** InstanceNetworkInterface: an interface as DescribeInstances nests it under its instance. */
export const instanceNetworkInterfaceShape = out.structure(
  // The instance view fills only the members its model has (no allocation or association ids, no instance id):
  // the writer leaves the others out, so the interface's own shapes serve here too.
  out.member('Association', 'association', networkInterfaceAssociationShape),
  out.member('Attachment', 'attachment', networkInterfaceAttachmentShape),
  out.member('Description', 'description'),
  out.member('Groups', 'groupSet', out.list(groupIdentifierShape)),
  out.member('Ipv6Addresses', 'ipv6AddressesSet', out.list(out.structure())),
  out.member('MacAddress', 'macAddress'),
  out.member('NetworkInterfaceId', 'networkInterfaceId'),
  out.member('OwnerId', 'ownerId'),
  out.member('PrivateDnsName', 'privateDnsName'),
  out.member('PrivateIpAddress', 'privateIpAddress'),
  out.member('PrivateIpAddresses', 'privateIpAddressesSet', out.list(privateIpAddressItemShape)),
  out.member('SourceDestCheck', 'sourceDestCheck', 'boolean'),
  out.member('Status', 'status'),
  out.member('SubnetId', 'subnetId'),
  out.member('VpcId', 'vpcId'),
  out.member('InterfaceType', 'interfaceType'),
  out.member('Ipv4Prefixes', 'ipv4PrefixSet', out.list(out.structure(out.member('Ipv4Prefix', 'ipv4Prefix'))))
);

/**
 * InstanceMetadataOptionsResponse: an instance's metadata options, under the instance and in
 * ModifyInstanceMetadataOptions' answer (members a view leaves out are not written).
 */
export const instanceMetadataOptionsShape = out.structure(
  out.member('State', 'state'),
  out.member('HttpTokens', 'httpTokens'),
  out.member('HttpPutResponseHopLimit', 'httpPutResponseHopLimit', 'integer'),
  out.member('HttpEndpoint', 'httpEndpoint'),
  out.member('HttpProtocolIpv6', 'httpProtocolIpv6'),
  out.member('InstanceMetadataTags', 'instanceMetadataTags')
);

/** InstanceBlockDeviceMapping: an EBS volume under its instance (EbsInstanceBlockDevice). */
export const instanceBlockDeviceMappingShape = out.structure(
  out.member('DeviceName', 'deviceName'),
  out.member(
    'Ebs',
    'ebs',
    out.structure(
      out.member('AttachTime', 'attachTime', 'timestamp'),
      out.member('DeleteOnTermination', 'deleteOnTermination', 'boolean'),
      out.member('Status', 'status'),
      out.member('VolumeId', 'volumeId')
    )
  )
);

/** CpuOptions of an instance. */
export const cpuOptionsShape = out.structure(
  out.member('CoreCount', 'coreCount', 'integer'),
  out.member('ThreadsPerCore', 'threadsPerCore', 'integer'),
  out.member('AmdSevSnp', 'amdSevSnp'),
  out.member('NestedVirtualization', 'nestedVirtualization')
);

/** Instance, with EC2's XML quirks: instanceState, ipAddress, dnsName, reason (spec §2.11). */
export const instanceShape = out.structure(
  out.member('AmiLaunchIndex', 'amiLaunchIndex', 'integer'),
  out.member('ImageId', 'imageId'),
  out.member('InstanceId', 'instanceId'),
  out.member('InstanceType', 'instanceType'),
  out.member('LaunchTime', 'launchTime', 'timestamp'),
  out.member(
    'Placement',
    'placement',
    out.structure(
      out.member('AvailabilityZone', 'availabilityZone'),
      out.member('GroupName', 'groupName'),
      out.member('Tenancy', 'tenancy')
    )
  ),
  out.member('PrivateDnsName', 'privateDnsName'),
  out.member('PrivateIpAddress', 'privateIpAddress'),
  out.member('PublicDnsName', 'dnsName'),
  out.member('PublicIpAddress', 'ipAddress'),
  out.member('State', 'instanceState', instanceStateShape),
  out.member('StateTransitionReason', 'reason'),
  out.member('SubnetId', 'subnetId'),
  out.member('VpcId', 'vpcId'),
  out.member('Architecture', 'architecture'),
  out.member('BlockDeviceMappings', 'blockDeviceMapping', out.list(instanceBlockDeviceMappingShape)),
  out.member('ClientToken', 'clientToken'),
  out.member('Hypervisor', 'hypervisor'),
  out.member('NetworkInterfaces', 'networkInterfaceSet', out.list(instanceNetworkInterfaceShape)),
  out.member('RootDeviceName', 'rootDeviceName'),
  out.member('RootDeviceType', 'rootDeviceType'),
  out.member('SecurityGroups', 'groupSet', out.list(groupIdentifierShape)),
  out.member('SourceDestCheck', 'sourceDestCheck', 'boolean'),
  out.member('Tags', 'tagSet', tagList),
  out.member('VirtualizationType', 'virtualizationType'),
  out.member('CpuOptions', 'cpuOptions', cpuOptionsShape),
  out.member('MetadataOptions', 'metadataOptions', instanceMetadataOptionsShape),
  // Launch settings (Instance of the EC2 model; element names from locationName).
  out.member('EbsOptimized', 'ebsOptimized', 'boolean'),
  out.member('Monitoring', 'monitoring', out.structure(out.member('State', 'state'))),
  out.member(
    'CapacityReservationSpecification',
    'capacityReservationSpecification',
    out.structure(out.member('CapacityReservationPreference', 'capacityReservationPreference'))
  ),
  out.member(
    'HibernationOptions',
    'hibernationOptions',
    out.structure(out.member('Configured', 'configured', 'boolean'))
  ),
  out.member('EnclaveOptions', 'enclaveOptions', out.structure(out.member('Enabled', 'enabled', 'boolean'))),
  out.member('MaintenanceOptions', 'maintenanceOptions', out.structure(out.member('AutoRecovery', 'autoRecovery'))),
  out.member(
    'PrivateDnsNameOptions',
    'privateDnsNameOptions',
    out.structure(
      out.member('HostnameType', 'hostnameType'),
      out.member('EnableResourceNameDnsARecord', 'enableResourceNameDnsARecord', 'boolean'),
      out.member('EnableResourceNameDnsAAAARecord', 'enableResourceNameDnsAAAARecord', 'boolean')
    )
  )
);

/** Reservation: the shape of RunInstances' answer and of each DescribeInstances reservationSet item. */
export const reservationShape = out.structure(
  out.member('ReservationId', 'reservationId'),
  out.member('OwnerId', 'ownerId'),
  out.member('Groups', 'groupSet', out.list(groupIdentifierShape)),
  out.member('Instances', 'instancesSet', out.list(instanceShape))
);

/** InstanceStateChange: what Start/Stop/TerminateInstances answer per instance. */
export const instanceStateChangeShape = out.structure(
  out.member('CurrentState', 'currentState', instanceStateShape),
  out.member('InstanceId', 'instanceId'),
  out.member('PreviousState', 'previousState', instanceStateShape)
);

/** Address: an Elastic IP as DescribeAddresses lists it (EC2 model, Address; element names from locationName). */
export const addressShape = out.structure(
  out.member('AllocationId', 'allocationId'),
  out.member('AssociationId', 'associationId'),
  out.member('Domain', 'domain'),
  out.member('NetworkInterfaceId', 'networkInterfaceId'),
  out.member('NetworkInterfaceOwnerId', 'networkInterfaceOwnerId'),
  out.member('PrivateIpAddress', 'privateIpAddress'),
  out.member('Tags', 'tagSet', tagList),
  out.member('PublicIpv4Pool', 'publicIpv4Pool'),
  out.member('NetworkBorderGroup', 'networkBorderGroup'),
  out.member('InstanceId', 'instanceId'),
  out.member('PublicIp', 'publicIp')
);

/** VolumeAttachment: a volume's attachment to an instance, in DescribeVolumes' attachmentSet (EC2 model). */
export const volumeAttachmentShape = out.structure(
  out.member('AttachTime', 'attachTime', 'timestamp'),
  out.member('Device', 'device'),
  out.member('InstanceId', 'instanceId'),
  out.member('State', 'status'),
  out.member('VolumeId', 'volumeId'),
  out.member('DeleteOnTermination', 'deleteOnTermination', 'boolean')
);

/** Volume: an EBS volume as DescribeVolumes lists it (EC2 model; note State → status). */
export const volumeShape = out.structure(
  out.member('Attachments', 'attachmentSet', out.list(volumeAttachmentShape)),
  out.member('AvailabilityZone', 'availabilityZone'),
  out.member('AvailabilityZoneId', 'availabilityZoneId'),
  out.member('CreateTime', 'createTime', 'timestamp'),
  out.member('Encrypted', 'encrypted', 'boolean'),
  out.member('KmsKeyId', 'kmsKeyId'),
  out.member('Size', 'size', 'integer'),
  out.member('SnapshotId', 'snapshotId'),
  out.member('State', 'status'),
  out.member('VolumeId', 'volumeId'),
  out.member('Iops', 'iops', 'integer'),
  out.member('Tags', 'tagSet', tagList),
  out.member('VolumeType', 'volumeType'),
  out.member('MultiAttachEnabled', 'multiAttachEnabled', 'boolean'),
  out.member('Throughput', 'throughput', 'integer')
);

/** BlockDeviceMapping with its EbsBlockDevice, as an image shows its devices (EC2 model). */
export const blockDeviceMappingShape = out.structure(
  out.member('DeviceName', 'deviceName'),
  out.member('VirtualName', 'virtualName'),
  out.member(
    'Ebs',
    'ebs',
    out.structure(
      out.member('DeleteOnTermination', 'deleteOnTermination', 'boolean'),
      out.member('Iops', 'iops', 'integer'),
      out.member('SnapshotId', 'snapshotId'),
      out.member('VolumeSize', 'volumeSize', 'integer'),
      out.member('VolumeType', 'volumeType'),
      out.member('KmsKeyId', 'kmsKeyId'),
      out.member('Throughput', 'throughput', 'integer'),
      out.member('Encrypted', 'encrypted', 'boolean')
    )
  ),
  out.member('NoDevice', 'noDevice')
);

/**
 * Image: an AMI as DescribeImages lists it (EC2 model; note State → imageState, OwnerId → imageOwnerId, Public →
 * isPublic, and CreationDate a string, not a timestamp).
 */
export const imageShape = out.structure(
  out.member('Architecture', 'architecture'),
  out.member('CreationDate', 'creationDate'),
  out.member('ImageId', 'imageId'),
  out.member('ImageLocation', 'imageLocation'),
  out.member('ImageType', 'imageType'),
  out.member('Public', 'isPublic', 'boolean'),
  out.member('OwnerId', 'imageOwnerId'),
  out.member('PlatformDetails', 'platformDetails'),
  out.member('UsageOperation', 'usageOperation'),
  out.member('State', 'imageState'),
  out.member('BlockDeviceMappings', 'blockDeviceMapping', out.list(blockDeviceMappingShape)),
  out.member('Description', 'description'),
  out.member('EnaSupport', 'enaSupport', 'boolean'),
  out.member('Hypervisor', 'hypervisor'),
  out.member('ImageOwnerAlias', 'imageOwnerAlias'),
  out.member('Name', 'name'),
  out.member('RootDeviceName', 'rootDeviceName'),
  out.member('RootDeviceType', 'rootDeviceType'),
  out.member('SriovNetSupport', 'sriovNetSupport'),
  out.member('Tags', 'tagSet', tagList),
  out.member('VirtualizationType', 'virtualizationType')
);
