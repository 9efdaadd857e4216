import { isWellFormedId } from '../domain/ids.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { subnetCidrReservationShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { subnetCidrReservationView } from './views.js';

interface DeleteSubnetCidrReservationInput {
  SubnetCidrReservationId: string;
  DryRun?: boolean;
}

/**
 * DeleteSubnetCidrReservation answers the reservation as it was. Its unused addresses become available to
 * automatic assignment again; addresses in use stay assigned (VPC User Guide, "Subnet CIDR reservations").
 */
export const deleteSubnetCidrReservation = defineAction<DeleteSubnetCidrReservationInput>({
  name: 'DeleteSubnetCidrReservation',
  input: structure({
    SubnetCidrReservationId: member('SubnetCidrReservationId', string(), true),
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('DeletedSubnetCidrReservation', 'deletedSubnetCidrReservation', subnetCidrReservationShape)
  ),
  async run(tx, input) {
    const id = input.SubnetCidrReservationId;
    if (!isWellFormedId(id, 'scr')) throw errors.subnetCidrReservationIdMalformed(id);
    const reservation = await tx.getSubnetCidrReservation(id);
    if (!reservation) throw errors.subnetCidrReservationNotFound(id);
    await tx.deleteSubnetCidrReservation(id);
    return { DeletedSubnetCidrReservation: subnetCidrReservationView(reservation) };
  }
});
