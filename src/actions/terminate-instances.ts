import { boolean, member } from '../protocol/input-spec.js';
import { defineStateChange, skipOsShutdown, userInitiated } from './instance-state.js';

/**
 * TerminateInstances: → shutting-down (reported) → terminated, from running or stopped. Interfaces with
 * DeleteOnTermination go with the instance, freeing their addresses and prefixes and disassociating their
 * Elastic IPs; the others are detached and keep their addresses, prefixes and Elastic IPs (spec §2.12).
 * EBS volumes with DeleteOnTermination go too, with their tags; the others stay, available (describe-volumes.ts).
 * Terminating a terminated instance answers its state again (terminated → terminated).
 */
export const terminateInstances = defineStateChange({
  name: 'TerminateInstances',
  resultMember: 'TerminatingInstances',
  extraMembers: { Force: member('Force', boolean()), ...skipOsShutdown },
  transition(instance, context) {
    if (instance.state === 'terminated' || instance.state === 'shutting-down') return 'unchanged';
    return { reported: 'shutting-down', settled: 'terminated', reason: userInitiated(context.now) };
  },
  async apply(tx, instance) {
    for (const eni of await tx.listAttachedNetworkInterfaces(instance.id)) {
      if (eni.attachment?.deleteOnTermination) {
        await tx.deleteNetworkInterface(eni.id);
      } else {
        const { attachment: _detached, ...rest } = eni;
        await tx.updateNetworkInterface(rest);
      }
    }
    for (const device of instance.blockDevices ?? [])
      if (device.deleteOnTermination) await tx.deleteTags(device.volumeId);
  }
});
