import type { Instance, InstanceStateName } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, list, member, string, structure, boolean } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { instanceStateChangeShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type Action, defineAction } from './action.js';
import { selectByIds } from './common.js';
import { instanceStateView } from './views.js';

interface StateChangeInput {
  InstanceIds: string[];
  Force?: boolean;
  Hibernate?: boolean;
  DryRun?: boolean;
}

/**
 * One instance's state change: the state the call reports while it happens (EC2's transition state), the state
 * the instance settles in, and what happens to its interfaces on the way.
 */
export interface StateTransition {
  readonly reported: InstanceStateName;
  readonly settled: InstanceStateName;
  readonly reason: string;
}

/**
 * Start, stop and terminate share one shape (InstanceId.N in, instancesSet of InstanceStateChange out): each action
 * says which transition a state takes, or refuses it with IncorrectInstanceState.
 */
export function defineStateChange(options: {
  name: string;
  /** The SDK's name for the output list: StartingInstances, StoppingInstances, TerminatingInstances. */
  resultMember: string;
  extraMembers?: Record<string, ReturnType<typeof member>>;
  transition: (instance: Instance) => StateTransition | 'unchanged';
  apply?: (tx: StoreTx, instance: Instance) => Promise<void>;
}): Action<StateChangeInput> {
  return defineAction<StateChangeInput>({
    name: options.name,
    input: structure({
      InstanceIds: member('InstanceId', list(string()), true),
      ...options.extraMembers,
      DryRun: dryRun
    }),
    output: out.structure(out.member(options.resultMember, 'instancesSet', out.list(instanceStateChangeShape))),
    async run(tx, input) {
      const instances = selectByIds(await tx.listInstances(), input.InstanceIds, 'i', errors.instanceIdMalformed, errors.instanceNotFound);
      const changes = [];
      for (const instance of instances) {
        const transition = options.transition(instance);
        if (transition === 'unchanged') {
          changes.push({ InstanceId: instance.id, CurrentState: instanceStateView(instance.state), PreviousState: instanceStateView(instance.state) });
          continue;
        }
        await options.apply?.(tx, instance);
        await tx.updateInstance({ ...instance, state: transition.settled, stateTransitionReason: transition.reason });
        changes.push({
          InstanceId: instance.id,
          CurrentState: instanceStateView(transition.reported),
          PreviousState: instanceStateView(instance.state)
        });
      }
      return { [options.resultMember]: changes };
    }
  });
}

export const stopMembers = { Force: member('Force', boolean()), Hibernate: member('Hibernate', boolean()) };
