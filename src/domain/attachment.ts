import { errors } from '../protocol/error-codes.js';
import { slotsUsed } from './assignment.js';
import { type InstanceTypeInfo, supportsPrefixDelegation } from './instance-types.js';
import type { Instance, NetworkInterface } from './model.js';

/** Where an interface is to go on an instance: a device index on a network card. */
export interface AttachmentSlot {
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
}

/**
 * Decides whether `eni` may be attached to `instance` at `slot`, given the interfaces already attached to it.
 * Throws the EC2 error of the first rule broken, in this order (each step [INF] unless noted):
 * instance state, interface already attached, availability zone, VPC, network card, device index,
 * interface count (whole instance, then the card), address slots, prefixes on a non-Nitro type.
 */
export function checkAttachment(
  eni: NetworkInterface,
  instance: Instance,
  type: InstanceTypeInfo,
  attached: readonly NetworkInterface[],
  slot: AttachmentSlot
): void {
  // Running and stopped instances take interfaces (using-eni.md: hot and warm attach) [DOC]; a terminating one not.
  if (instance.state === 'terminated' || instance.state === 'shutting-down')
    throw errors.instanceNotRunning(instance.id);
  // [OBS] terraform-provider-aws #27513.
  if (eni.attachment) throw errors.networkInterfaceAttachmentInUse(eni.id);
  // The interface and the instance must be in the same Availability Zone (using-eni.md) [DOC]; another VPC is
  // refused too [INF].
  if (eni.availabilityZone !== instance.availabilityZone) throw errors.interfaceZoneMismatch();
  if (eni.vpcId !== instance.vpcId) throw errors.interfaceVpcMismatch(eni.id, instance.id);

  const card = type.networkCards.find((c) => c.networkCardIndex === slot.networkCardIndex);
  if (!card) throw errors.invalidNetworkCardIndex(slot.networkCardIndex, type.instanceType);
  const onCard = attached.filter((e) => e.attachment?.networkCardIndex === slot.networkCardIndex);
  // [OBS] k8s-vpcnet #71; cilium retries the next index on "interface attached at device".
  if (onCard.some((e) => e.attachment?.deviceIndex === slot.deviceIndex)) {
    throw errors.deviceIndexInUse(instance.id, slot.deviceIndex);
  }
  // [OBS] cilium #15877: "Interface count 4 exceeds the limit for t3.medium" when attaching a fourth; the count
  // includes the new interface.
  if (attached.length + 1 > type.maximumNetworkInterfaces) {
    throw errors.attachmentLimitExceeded(attached.length + 1, type.instanceType);
  }
  if (onCard.length + 1 > card.maximumNetworkInterfaces) {
    throw errors.attachmentLimitExceeded(onCard.length + 1, type.instanceType);
  }
  // [OBS] cilium #9730: an interface created with more addresses than the type allows fails at attach.
  if (slotsUsed(eni) > type.ipv4AddressesPerInterface)
    throw errors.interfaceAddressLimitExceeded(eni, type.instanceType);
  // Prefixes need the Nitro System (ec2-prefix-eni.md) [DOC]; code and text as AssignPrivateIpAddresses answers.
  if (eni.ipv4Prefixes.length > 0 && !supportsPrefixDelegation(type)) {
    throw errors.prefixDelegationUnsupported(type.instanceType);
  }
}

/** The instance's primary interface sits at device index 0 on network card 0 and never leaves it. */
export function isPrimaryAttachment(slot: AttachmentSlot): boolean {
  return slot.deviceIndex === 0 && slot.networkCardIndex === 0;
}

/** The primary interface among an instance's attached interfaces. */
export function primaryInterfaceOf<T extends { readonly attachment?: AttachmentSlot }>(
  interfaces: readonly T[]
): T | undefined {
  return interfaces.find((e) => e.attachment !== undefined && isPrimaryAttachment(e.attachment));
}
