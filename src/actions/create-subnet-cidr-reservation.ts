import { newId } from '../domain/ids.js';
import { cidrContainsCidr, cidrsOverlap, formatCidr, parseCidr } from '../domain/ipv4.js';
import type { SubnetCidrReservation, SubnetCidrReservationType } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure, tagSpecifications } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { subnetCidrReservationShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { type TagSpecification, requireSubnet, tagsFromSpecifications } from './common.js';
import { subnetCidrReservationView } from './views.js';

interface CreateSubnetCidrReservationInput {
  SubnetId: string;
  Cidr: string;
  ReservationType: SubnetCidrReservationType;
  Description?: string;
  TagSpecifications?: TagSpecification[];
  DryRun?: boolean;
}

/**
 * CreateSubnetCidrReservation. The range may hold addresses already in use, which stay where they are; ranges
 * reserved in one VPC never overlap (VPC User Guide, "Subnet CIDR reservations"). Subnets of a VPC do not overlap
 * either, so the subnet's own reservations are the only ones a new range can meet.
 */
export const createSubnetCidrReservation = defineAction<CreateSubnetCidrReservationInput>({
  name: 'CreateSubnetCidrReservation',
  input: structure({
    SubnetId: member('SubnetId', string(), true),
    Cidr: member('Cidr', string(), true),
    ReservationType: member('ReservationType', string({ enum: ['prefix', 'explicit'] }), true),
    Description: member('Description', string({ maxLength: 255 })),
    TagSpecifications: tagSpecifications,
    DryRun: dryRun
  }),
  output: out.structure(out.member('SubnetCidrReservation', 'subnetCidrReservation', subnetCidrReservationShape)),
  async run(tx, input, context) {
    const subnet = await requireSubnet(tx, input.SubnetId);
    // ec2lite subnets are IPv4 only, so an IPv6 range lies outside every one of them.
    if (input.Cidr.includes(':')) throw errors.reservationIpv6Unsupported(input.Cidr, subnet.id);
    const cidr = parseCidr(input.Cidr);
    if (!cidr) throw errors.invalidReservationCidr(input.Cidr);
    if (!cidrContainsCidr(subnet.cidr, cidr))
      throw errors.reservationOutsideSubnet(formatCidr(cidr), formatCidr(subnet.cidr));
    const existing = await tx.listSubnetCidrReservations(subnet.id);
    if (existing.some((r) => cidrsOverlap(r.cidr, cidr))) throw errors.reservationOverlap(formatCidr(cidr));
    const reservation: SubnetCidrReservation = {
      id: newId('scr'),
      subnetId: subnet.id,
      cidr,
      reservationType: input.ReservationType,
      description: input.Description ?? '',
      ownerId: context.accountId,
      tags: tagsFromSpecifications(input.TagSpecifications, 'subnet-cidr-reservation')
    };
    await tx.insertSubnetCidrReservation(reservation);
    return { SubnetCidrReservation: subnetCidrReservationView(reservation) };
  }
});
