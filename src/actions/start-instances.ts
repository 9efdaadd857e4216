import { errors } from '../protocol/error-codes.js';
import { defineStateChange } from './instance-state.js';

/** StartInstances: stopped → pending (reported) → running. */
export const startInstances = defineStateChange({
  name: 'StartInstances',
  resultMember: 'StartingInstances',
  transition(instance) {
    if (instance.state === 'running' || instance.state === 'pending') return 'unchanged';
    if (instance.state !== 'stopped') throw errors.incorrectInstanceState(instance.id, instance.state, 'started');
    return { reported: 'pending', settled: 'running', reason: '' };
  }
});
