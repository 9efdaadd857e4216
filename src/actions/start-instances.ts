import { errors } from '../protocol/error-codes.js';
import { member, string } from '../protocol/input-spec.js';
import { defineStateChange } from './instance-state.js';

/** StartInstances: stopped → pending (reported) → running. */
export const startInstances = defineStateChange({
  name: 'StartInstances',
  resultMember: 'StartingInstances',
  extraMembers: { AdditionalInfo: member('AdditionalInfo', string()) },
  transition(instance) {
    if (instance.state === 'running' || instance.state === 'pending') return 'unchanged';
    // [OBS] "The instance 'i-…' is not in a state from which it can be started."
    if (instance.state !== 'stopped') throw errors.instanceCannotBeStarted(instance.id);
    return { reported: 'pending', settled: 'running', reason: '' };
  }
});
