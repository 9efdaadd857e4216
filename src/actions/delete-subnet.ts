import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireSubnet } from './common.js';
import { volumesOf } from './describe-volumes.js';

interface DeleteSubnetInput {
  SubnetId: string;
  DryRun?: boolean;
}

export const deleteSubnet = defineAction<DeleteSubnetInput>({
  name: 'DeleteSubnet',
  input: structure({ SubnetId: member('SubnetId', string(), true), DryRun: dryRun }),
  output: returnOutput,
  async run(tx, input) {
    const subnet = await requireSubnet(tx, input.SubnetId);
    // "You must terminate all running instances in the subnet before you can delete the subnet" (DeleteSubnet);
    // any network interface left in it is a dependency.
    if ((await tx.countNetworkInterfacesInSubnet(subnet.id)) > 0) throw errors.subnetHasDependencies(subnet.id);
    // Its CIDR reservations are part of the subnet and go with it [INF]: they hold no address of their own.
    for (const reservation of await tx.listSubnetCidrReservations(subnet.id))
      await tx.deleteSubnetCidrReservation(reservation.id);
    // Terminated instances go with the subnet (the store deletes them); the volumes they kept, and those volumes'
    // tags, go with them.
    const terminated = (await tx.listInstances()).filter((i) => i.subnetId === subnet.id && i.state === 'terminated');
    for (const volume of volumesOf(terminated)) await tx.deleteTags(volume.id);
    await tx.deleteSubnet(subnet.id);
    return { Return: true };
  }
});
