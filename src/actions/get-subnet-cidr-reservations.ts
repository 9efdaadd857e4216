import { type Filter, compileFilters } from '../domain/filters.js';
import { formatCidr } from '../domain/ipv4.js';
import type { SubnetCidrReservation } from '../domain/model.js';
import { paginate } from '../domain/paging.js';
import { dryRun, filters, integer, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { subnetCidrReservationShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { requireSubnet } from './common.js';
import { subnetCidrReservationView } from './views.js';

interface GetSubnetCidrReservationsInput {
  SubnetId: string;
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** GetSubnetCidrReservations filters: reservationType and subnet-id (EC2 model doc string), and cidr [INF]. */
const reservationFilters = {
  reservationType: (r: SubnetCidrReservation) => [r.reservationType],
  'subnet-id': (r: SubnetCidrReservation) => [r.subnetId],
  cidr: (r: SubnetCidrReservation) => [formatCidr(r.cidr)]
};

export const getSubnetCidrReservations = defineAction<GetSubnetCidrReservationsInput>({
  name: 'GetSubnetCidrReservations',
  readOnly: true,
  input: structure({
    SubnetId: member('SubnetId', string(), true),
    Filters: filters,
    // GetSubnetCidrReservationsMaxResults: 5 to 1000 (EC2 model).
    MaxResults: member('MaxResults', integer()),
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('SubnetIpv4CidrReservations', 'subnetIpv4CidrReservationSet', out.list(subnetCidrReservationShape)),
    out.member('SubnetIpv6CidrReservations', 'subnetIpv6CidrReservationSet', out.list(subnetCidrReservationShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input) {
    const matches = compileFilters(input.Filters, reservationFilters);
    const subnet = await requireSubnet(tx, input.SubnetId);
    const page = paginate((await tx.listSubnetCidrReservations(subnet.id)).filter(matches), input, {
      min: 5,
      max: 1000
    });
    return {
      SubnetIpv4CidrReservations: page.items.map(subnetCidrReservationView),
      // ec2lite subnets have no IPv6 block, so there are never IPv6 reservations.
      SubnetIpv6CidrReservations: [],
      NextToken: page.nextToken
    };
  }
});
