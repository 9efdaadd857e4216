import { errors } from '../protocol/error-codes.js';
import { defineStateChange, stopMembers, userInitiated } from './instance-state.js';

/** StopInstances: running → stopping (reported) → stopped; addresses stay on their interfaces (spec §3.5). */
export const stopInstances = defineStateChange({
  name: 'StopInstances',
  resultMember: 'StoppingInstances',
  extraMembers: stopMembers,
  transition(instance, context) {
    if (instance.state === 'stopped' || instance.state === 'stopping') return 'unchanged';
    // [OBS] CloudTrail: "This instance 'i-…' is not in a state from which it can be stopped."
    if (instance.state !== 'running' && instance.state !== 'pending') throw errors.instanceCannotBeStopped(instance.id);
    return { reported: 'stopping', settled: 'stopped', reason: userInitiated(context.now) };
  }
});
