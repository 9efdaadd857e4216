import type { Instance, InstanceStateName } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, dryRun, list, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { instanceStateChangeShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { type Action, type ActionContext, defineAction } from './action.js';
import { selectByIds } from './common.js';
import { instanceStateView } from './views.js';

interface StateChangeInput {
  InstanceIds: string[];
  DryRun?: boolean;
}

/**
 * One instance's state change: the state the call reports while it happens (EC2's transition state), the state
 * the instance settles in, and the reason DescribeInstances shows afterwards.
 */
export interface StateTransition {
  readonly reported: InstanceStateName;
  readonly settled: InstanceStateName;
  readonly reason: string;
}

/**
 * Start, stop and terminate share one shape (InstanceId.N in, instancesSet of InstanceStateChange out): each action
 * says which transition a state takes, answers 'unchanged' for an instance already there or on its way (EC2
 * repeats the current state as both current and previous), or refuses it with IncorrectInstanceState.
 * All or nothing: every id is checked and every transition decided before the first write.
 */
export function defineStateChange(options: {
  name: string;
  /** The SDK's name for the output list: StartingInstances, StoppingInstances, TerminatingInstances. */
  resultMember: string;
  extraMembers?: Record<string, ReturnType<typeof member>>;
  transition: (instance: Instance, context: ActionContext) => StateTransition | 'unchanged';
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
    async run(tx, input, context) {
      const instances = selectByIds(
        await tx.listInstances(),
        input.InstanceIds,
        'i',
        errors.instanceIdMalformed,
        errors.instanceNotFound
      );
      const decided = instances.map((instance) => ({ instance, transition: options.transition(instance, context) }));
      const changes = [];
      for (const { instance, transition } of decided) {
        if (transition === 'unchanged') {
          changes.push({
            InstanceId: instance.id,
            CurrentState: instanceStateView(instance.state),
            PreviousState: instanceStateView(instance.state)
          });
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

/** EC2's StateTransitionReason for a user's stop or terminate: "User initiated (2024-05-01 12:00:00 GMT)". */
export function userInitiated(now: Date): string {
  return `User initiated (${now.toISOString().slice(0, 19).replace('T', ' ')} GMT)`;
}

/** StopInstances and TerminateInstances members ec2lite accepts and has no use for (SDK model). */
export const skipOsShutdown = { SkipOsShutdown: member('SkipOsShutdown', boolean()) };
export const stopMembers = {
  Force: member('Force', boolean()),
  Hibernate: member('Hibernate', boolean()),
  ...skipOsShutdown
};
