import { errors } from '../protocol/error-codes.js';
import { defineStateChange, stopMembers } from './instance-state.js';

/** StopInstances: running → stopping (reported) → stopped; addresses stay on their interfaces. */
export const stopInstances = defineStateChange({
  name: 'StopInstances',
  resultMember: 'StoppingInstances',
  extraMembers: stopMembers,
  transition(instance) {
    if (instance.state === 'stopped' || instance.state === 'stopping') return 'unchanged';
    if (instance.state !== 'running' && instance.state !== 'pending') {
      throw errors.incorrectInstanceState(instance.id, instance.state, 'stopped');
    }
    return { reported: 'stopping', settled: 'stopped', reason: `User initiated (${new Date().toISOString().slice(0, 19).replace('T', ' ')} GMT)` };
  }
});
