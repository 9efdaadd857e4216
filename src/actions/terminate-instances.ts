import { defineStateChange } from './instance-state.js';

/**
 * TerminateInstances: → shutting-down (reported) → terminated. Interfaces with DeleteOnTermination go with the
 * instance, freeing their addresses and prefixes and disassociating their Elastic IPs; the others are detached
 * and keep their addresses (spec §2.12).
 */
export const terminateInstances = defineStateChange({
  name: 'TerminateInstances',
  resultMember: 'TerminatingInstances',
  transition(instance) {
    if (instance.state === 'terminated' || instance.state === 'shutting-down') return 'unchanged';
    return {
      reported: 'shutting-down',
      settled: 'terminated',
      reason: `User initiated (${new Date().toISOString().slice(0, 19).replace('T', ' ')} GMT)`
    };
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
  }
});
