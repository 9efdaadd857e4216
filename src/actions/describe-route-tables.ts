import type { Filter, FilterFields } from '../domain/filters.js';
import { type MainRouteTable, mainRouteTableOf } from '../domain/route-tables.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { tagList } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { describePage } from './common.js';

interface DescribeRouteTablesInput {
  RouteTableIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** RouteTable (EC2 model; element names from locationName). */
const routeTableShape = out.structure(
  out.member(
    'Associations',
    'associationSet',
    out.list(
      out.structure(
        out.member('Main', 'main', 'boolean'),
        out.member('RouteTableAssociationId', 'routeTableAssociationId'),
        out.member('RouteTableId', 'routeTableId'),
        out.member('SubnetId', 'subnetId'),
        out.member('GatewayId', 'gatewayId'),
        out.member('AssociationState', 'associationState', out.structure(out.member('State', 'state')))
      )
    )
  ),
  out.member('PropagatingVgws', 'propagatingVgwSet', out.list(out.structure(out.member('GatewayId', 'gatewayId')))),
  out.member('RouteTableId', 'routeTableId'),
  out.member(
    'Routes',
    'routeSet',
    out.list(
      out.structure(
        out.member('DestinationCidrBlock', 'destinationCidrBlock'),
        out.member('GatewayId', 'gatewayId'),
        out.member('Origin', 'origin'),
        out.member('State', 'state')
      )
    )
  ),
  out.member('Tags', 'tagSet', tagList),
  out.member('VpcId', 'vpcId'),
  out.member('OwnerId', 'ownerId')
);

/**
 * DescribeRouteTables filters (EC2 model doc string). The main association names no subnet and no gateway: "This
 * command does not return the subnet ID for implicit associations" (DescribeRouteTables API reference), so
 * `association.subnet-id` never matches a main table. Route filters for targets the local route lacks are valid
 * names that match nothing.
 */
const routeTableFilters: FilterFields<MainRouteTable> = {
  'association.main': () => ['true'],
  'association.route-table-association-id': (t) => [t.associationId],
  'association.route-table-id': (t) => [t.id],
  'association.subnet-id': () => [],
  'association.gateway-id': () => [],
  'owner-id': (t) => [t.ownerId],
  'route-table-id': (t) => [t.id],
  'route.destination-cidr-block': (t) => [t.destinationCidrBlock],
  'route.destination-ipv6-cidr-block': () => [],
  'route.destination-prefix-list-id': () => [],
  'route.egress-only-internet-gateway-id': () => [],
  'route.gateway-id': () => ['local'],
  'route.instance-id': () => [],
  'route.nat-gateway-id': () => [],
  'route.transit-gateway-id': () => [],
  'route.origin': () => ['CreateRouteTable'],
  'route.state': () => ['active'],
  'route.vpc-peering-connection-id': () => [],
  'vpc-id': (t) => [t.vpcId]
};

function routeTableView(table: MainRouteTable): object {
  return {
    Associations: [
      {
        Main: true,
        RouteTableAssociationId: table.associationId,
        RouteTableId: table.id,
        AssociationState: { State: 'associated' }
      }
    ],
    PropagatingVgws: [],
    RouteTableId: table.id,
    Routes: [
      {
        DestinationCidrBlock: table.destinationCidrBlock,
        GatewayId: 'local',
        Origin: 'CreateRouteTable',
        State: 'active'
      }
    ],
    // EC2 shows an untagged route table's empty tagSet ("Tags": [] in the CLI's describe-route-tables example).
    Tags: [],
    VpcId: table.vpcId,
    OwnerId: table.ownerId
  };
}

/**
 * A read-only view of each VPC's main route table (domain/route-tables.ts). MaxResults runs from 5 to 100
 * (DescribeRouteTablesMaxResults in the EC2 model); the API reference does not forbid it beside RouteTableId.N,
 * so, unlike DescribeVpcs, the two may be combined.
 */
export const describeRouteTables = defineAction<DescribeRouteTablesInput>({
  name: 'DescribeRouteTables',
  readOnly: true,
  input: structure({
    RouteTableIds: member('RouteTableId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('RouteTables', 'routeTableSet', out.list(routeTableShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input) {
    const page = await describePage(input, {
      ids: input.RouteTableIds,
      idPrefix: 'rtb',
      // No idsSetName: neither the model nor the API reference forbids RouteTableId.N with MaxResults.
      malformed: errors.routeTableIdMalformed,
      notFound: errors.routeTableNotFound,
      filters: routeTableFilters,
      bounds: { min: 5, max: 100 },
      load: async () => (await tx.listVpcs()).map(mainRouteTableOf)
    });
    return { RouteTables: page.items.map(routeTableView), NextToken: page.nextToken };
  }
});
