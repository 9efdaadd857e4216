import type { Action } from '../actions/action.js';
import { assignPrivateIpAddresses } from '../actions/assign-private-ip-addresses.js';
import { attachNetworkInterface } from '../actions/attach-network-interface.js';
import { createNetworkInterface } from '../actions/create-network-interface.js';
import { createSubnet } from '../actions/create-subnet.js';
import { createSubnetCidrReservation } from '../actions/create-subnet-cidr-reservation.js';
import { createTags } from '../actions/create-tags.js';
import { deleteSubnetCidrReservation } from '../actions/delete-subnet-cidr-reservation.js';
import { deleteTags } from '../actions/delete-tags.js';
import { describeTags } from '../actions/describe-tags.js';
import { getSubnetCidrReservations } from '../actions/get-subnet-cidr-reservations.js';
import { createVpc } from '../actions/create-vpc.js';
import { deleteNetworkInterface } from '../actions/delete-network-interface.js';
import { deleteSubnet } from '../actions/delete-subnet.js';
import { deleteVpc } from '../actions/delete-vpc.js';
import { detachNetworkInterface } from '../actions/detach-network-interface.js';
import { describeNetworkInterfaces } from '../actions/describe-network-interfaces.js';
import { describeSecurityGroups } from '../actions/describe-security-groups.js';
import { describeSubnets } from '../actions/describe-subnets.js';
import { describeVpcs } from '../actions/describe-vpcs.js';
import { describeVpcAttribute } from '../actions/describe-vpc-attribute.js';
import { modifyVpcAttribute } from '../actions/modify-vpc-attribute.js';
import { describeRouteTables } from '../actions/describe-route-tables.js';
import { describeNetworkAcls } from '../actions/describe-network-acls.js';
import { modifyInstanceMetadataOptions } from '../actions/modify-instance-metadata-options.js';
import { modifyNetworkInterfaceAttribute } from '../actions/modify-network-interface-attribute.js';
import { describeInstanceTypes } from '../actions/describe-instance-types.js';
import { describeImages } from '../actions/describe-images.js';
import { describeInstances } from '../actions/describe-instances.js';
import { describeInstanceAttribute } from '../actions/describe-instance-attribute.js';
import { describeInstanceCreditSpecifications } from '../actions/describe-instance-credit-specifications.js';
import { describeVolumes } from '../actions/describe-volumes.js';
import { runInstances } from '../actions/run-instances.js';
import { startInstances } from '../actions/start-instances.js';
import { stopInstances } from '../actions/stop-instances.js';
import { terminateInstances } from '../actions/terminate-instances.js';
import { unassignPrivateIpAddresses } from '../actions/unassign-private-ip-addresses.js';
import { allocateAddress } from '../actions/allocate-address.js';
import { associateAddress } from '../actions/associate-address.js';
import { describeAddresses } from '../actions/describe-addresses.js';
import { disassociateAddress } from '../actions/disassociate-address.js';
import { releaseAddress } from '../actions/release-address.js';

/** Every EC2 action ec2lite answers, by its wire name. */
export const actions: ReadonlyMap<string, Action<never>> = new Map(
  [
    createVpc,
    describeVpcs,
    deleteVpc,
    describeVpcAttribute,
    modifyVpcAttribute,
    createSubnet,
    describeSubnets,
    deleteSubnet,
    createSubnetCidrReservation,
    getSubnetCidrReservations,
    deleteSubnetCidrReservation,
    describeRouteTables,
    describeNetworkAcls,
    createTags,
    deleteTags,
    describeTags,
    describeSecurityGroups,
    createNetworkInterface,
    describeNetworkInterfaces,
    deleteNetworkInterface,
    attachNetworkInterface,
    detachNetworkInterface,
    modifyNetworkInterfaceAttribute,
    assignPrivateIpAddresses,
    unassignPrivateIpAddresses,
    describeInstanceTypes,
    runInstances,
    describeInstances,
    describeInstanceAttribute,
    describeInstanceCreditSpecifications,
    describeVolumes,
    describeImages,
    stopInstances,
    startInstances,
    terminateInstances,
    modifyInstanceMetadataOptions,
    allocateAddress,
    associateAddress,
    describeAddresses,
    disassociateAddress,
    releaseAddress
  ].map((action) => [action.name, action as unknown as Action<never>])
);
