import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireNetworkInterface } from './common.js';

interface DeleteNetworkInterfaceInput {
  NetworkInterfaceId: string;
  DryRun?: boolean;
}

export const deleteNetworkInterface = defineAction<DeleteNetworkInterfaceInput>({
  name: 'DeleteNetworkInterface',
  input: structure({ NetworkInterfaceId: member('NetworkInterfaceId', string(), true), DryRun: dryRun }),
  output: returnOutput,
  async run(tx, input) {
    const eni = await requireNetworkInterface(tx, input.NetworkInterfaceId);
    // [OBS] vpc-cni #1399, cloud-nuke #431: an attached interface must be detached first.
    if (eni.attachment) throw errors.networkInterfaceInUse(eni.id);
    // Its addresses and prefixes go back to the subnet with it.
    await tx.deleteNetworkInterface(eni.id);
    return { Return: true };
  }
});
