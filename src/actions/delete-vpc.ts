import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireVpc } from './common.js';

interface DeleteVpcInput {
  VpcId: string;
  DryRun?: boolean;
}

export const deleteVpc = defineAction<DeleteVpcInput>({
  name: 'DeleteVpc',
  input: structure({ VpcId: member('VpcId', string(), true), DryRun: dryRun }),
  output: returnOutput,
  async run(tx, input) {
    const vpc = await requireVpc(tx, input.VpcId, { forUpdate: true });
    // A VPC with subnets left cannot go (DeleteVpc: "delete all … subnets … before you can delete the VPC").
    if ((await tx.countSubnetsInVpc(vpc.id)) > 0) throw errors.vpcHasDependencies(vpc.id);
    // Its default security group goes with it, and the group's tags with the group.
    await tx.deleteTags(vpc.defaultSecurityGroupId);
    await tx.deleteVpc(vpc.id);
    return { Return: true };
  }
});
