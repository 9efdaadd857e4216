import { acceptsAssociation } from '../domain/elastic-ips.js';
import { isWellFormedId, newId } from '../domain/ids.js';
import { formatIpv4, parseIpv4 } from '../domain/ipv4.js';
import { type NetworkInterface, primaryAddress } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, dryRun, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import type { StoreTx } from '../store/store.js';
import { defineAction } from './action.js';
import { requireNetworkInterface } from './common.js';
import { requireElasticIp } from './elastic-ip-records.js';

interface AssociateAddressInput {
  AllocationId?: string;
  InstanceId?: string;
  PublicIp?: string;
  NetworkInterfaceId?: string;
  PrivateIpAddress?: string;
  AllowReassociation?: boolean;
  DryRun?: boolean;
}

/**
 * The interface an association lands on. By instance: its one attached interface — "The instance must have exactly
 * one attached network interface" (API reference, InstanceId) — in a state EC2 associates in (running or stopped).
 */
async function targetInterface(tx: StoreTx, input: AssociateAddressInput): Promise<NetworkInterface> {
  if (input.NetworkInterfaceId !== undefined) {
    const eni = await requireNetworkInterface(tx, input.NetworkInterfaceId);
    const instance = eni.attachment && (await tx.getInstance(eni.attachment.instanceId));
    if (instance && !acceptsAssociation(instance.state))
      throw errors.attachedInstanceStateInvalidForAddress(instance.state, eni.id);
    return eni;
  }
  const instanceId = input.InstanceId!;
  if (!isWellFormedId(instanceId, 'i')) throw errors.instanceIdMalformed(instanceId);
  const instance = await tx.getInstance(instanceId);
  if (!instance) throw errors.instanceNotFound(instanceId);
  if (!acceptsAssociation(instance.state)) throw errors.instanceStateInvalidForAddress(instance.id, instance.state);
  const attached = await tx.listAttachedNetworkInterfaces(instance.id);
  if (attached.length > 1) throw errors.multipleInterfacesAttached(instance.id);
  // A running or stopped instance always keeps its primary interface (device 0 cannot be detached).
  return attached[0]!;
}

/**
 * AssociateAddress (spec §2.14) in a VPC-only account. The Elastic IP goes to one private address of one interface
 * (its primary unless PrivateIpAddress names another it holds). "Reassociation is automatic": an Elastic IP
 * associated elsewhere moves, and one already on the target address is disassociated and stays allocated (API
 * reference, AllowReassociation and the VPC-only rules); AllowReassociation=false refuses both with
 * Resource.AlreadyAssociated. Repeating an association is idempotent and keeps its association id.
 */
export const associateAddress = defineAction<AssociateAddressInput>({
  name: 'AssociateAddress',
  input: structure({
    AllocationId: member('AllocationId', string()),
    InstanceId: member('InstanceId', string()),
    PublicIp: member('PublicIp', string()),
    NetworkInterfaceId: member('NetworkInterfaceId', string()),
    PrivateIpAddress: member('PrivateIpAddress', string()),
    AllowReassociation: member('AllowReassociation', boolean()),
    DryRun: dryRun
  }),
  output: out.structure(out.member('AssociationId', 'associationId')),
  check(input) {
    if (input.AllocationId === undefined) {
      // Every ec2lite address is a VPC address, which EC2 never maps by its public IP.
      if (input.PublicIp !== undefined) throw errors.allocationIdRequiredToAssociate();
      throw errors.missingParameter('AllocationId');
    }
    if (input.InstanceId !== undefined && input.NetworkInterfaceId !== undefined) throw errors.instanceAndInterface();
    if (input.InstanceId === undefined && input.NetworkInterfaceId === undefined)
      throw errors.missingParameter('InstanceId');
  },
  async run(tx, input) {
    const eip = await requireElasticIp(tx, input.AllocationId!);
    const eni = await targetInterface(tx, input);
    let privateIp = primaryAddress(eni);
    if (input.PrivateIpAddress !== undefined) {
      const address = parseIpv4(input.PrivateIpAddress);
      if (address === null) throw errors.invalidAddress(input.PrivateIpAddress);
      if (!eni.privateIpAddresses.some((a) => a.address === address)) {
        throw errors.privateAddressNotOnInterface(input.PrivateIpAddress, eni.id);
      }
      privateIp = address;
    }
    const current = eip.association;
    if (current && current.networkInterfaceId === eni.id && current.privateIpAddress === privateIp) {
      // "This is an idempotent operation" (API reference): the association stands as it is.
      return { AssociationId: current.associationId };
    }
    const strict = input.AllowReassociation === false;
    if (current && strict) throw errors.elasticIpAlreadyAssociated(eip.allocationId, current.associationId);
    const occupant = (await tx.elasticIpsOnInterface(eni.id)).find(
      (e) => e.allocationId !== eip.allocationId && e.association?.privateIpAddress === privateIp
    );
    if (occupant) {
      if (strict)
        throw errors.privateAddressAlreadyAssociated(eni.id, formatIpv4(privateIp), formatIpv4(occupant.publicIp));
      // One Elastic IP per private address: the one there is disassociated but stays allocated (API reference).
      await tx.setElasticIpAssociation(occupant.allocationId, undefined);
    }
    const associationId = newId('eipassoc');
    await tx.setElasticIpAssociation(eip.allocationId, {
      associationId,
      networkInterfaceId: eni.id,
      privateIpAddress: privateIp
    });
    return { AssociationId: associationId };
  }
});
