import type { Action } from '../actions/action.js';
import { assignPrivateIpAddresses } from '../actions/assign-private-ip-addresses.js';
import { createNetworkInterface } from '../actions/create-network-interface.js';
import { createSubnet } from '../actions/create-subnet.js';
import { createVpc } from '../actions/create-vpc.js';
import { deleteNetworkInterface } from '../actions/delete-network-interface.js';
import { deleteSubnet } from '../actions/delete-subnet.js';
import { deleteVpc } from '../actions/delete-vpc.js';
import { describeNetworkInterfaces } from '../actions/describe-network-interfaces.js';
import { describeSubnets } from '../actions/describe-subnets.js';
import { describeVpcs } from '../actions/describe-vpcs.js';
import { describeInstanceTypes } from '../actions/describe-instance-types.js';
import { describeInstances } from '../actions/describe-instances.js';
import { runInstances } from '../actions/run-instances.js';
import { startInstances } from '../actions/start-instances.js';
import { stopInstances } from '../actions/stop-instances.js';
import { terminateInstances } from '../actions/terminate-instances.js';
import { unassignPrivateIpAddresses } from '../actions/unassign-private-ip-addresses.js';

/** Every EC2 action ec2lite answers, by its wire name. */
export const actions: ReadonlyMap<string, Action<never>> = new Map(
  [
    createVpc,
    describeVpcs,
    deleteVpc,
    createSubnet,
    describeSubnets,
    deleteSubnet,
    createNetworkInterface,
    describeNetworkInterfaces,
    deleteNetworkInterface,
    assignPrivateIpAddresses,
    unassignPrivateIpAddresses,
    describeInstanceTypes,
    runInstances,
    describeInstances,
    stopInstances,
    startInstances,
    terminateInstances
  ].map((action) => [action.name, action as unknown as Action<never>])
);
