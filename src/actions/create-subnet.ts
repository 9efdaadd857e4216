import { newId } from '../domain/ids.js';
import { cidrContainsCidr, cidrsOverlap, formatCidr } from '../domain/ipv4.js';
import type { Subnet } from '../domain/model.js';
import { availabilityZoneId } from '../domain/zones.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure, tagSpecifications } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { subnetShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import type { ActionContext } from './action.js';
import { defineAction } from './action.js';
import { type TagSpecification, tagsFromSpecifications } from './common.js';
import { parseBlock } from './create-vpc.js';
import { subnetView } from './views.js';

interface CreateSubnetInput {
  VpcId: string;
  CidrBlock?: string;
  AvailabilityZone?: string;
  AvailabilityZoneId?: string;
  TagSpecifications?: TagSpecification[];
  DryRun?: boolean;
}

/** Creates a subnet after EC2's checks: /16–/28, inside its VPC, overlapping no other subnet of the VPC. */
export async function createSubnetRecord(
  tx: StoreTx,
  context: ActionContext,
  request: {
    vpcId: string;
    cidrBlock: string;
    availabilityZone: string;
    defaultForAz: boolean;
    tags: Subnet['tags'];
  }
): Promise<Subnet> {
  // Any id CreateSubnet cannot find is NotFound, well-formed or not: "InvalidVpcID.NotFound: The vpc ID
  // 'InvalidVpcId' does not exist" (aws-controllers-k8s/ec2-controller e2e test against EC2).
  const vpc = await tx.getVpc(request.vpcId);
  if (!vpc) throw errors.vpcNotFound(request.vpcId);
  const cidr = parseBlock(request.cidrBlock);
  if (cidr.prefixLength < 16 || cidr.prefixLength > 28 || !cidrContainsCidr(vpc.cidr, cidr)) {
    throw errors.subnetRange(formatCidr(cidr));
  }
  const siblings = (await tx.listSubnets()).filter((s) => s.vpcId === vpc.id);
  if (siblings.some((s) => cidrsOverlap(s.cidr, cidr))) throw errors.subnetConflict(formatCidr(cidr));
  const subnet: Subnet = {
    id: newId('subnet'),
    vpcId: vpc.id,
    cidr,
    availabilityZone: request.availabilityZone,
    availabilityZoneId: availabilityZoneId(context.region, request.availabilityZone),
    defaultForAz: request.defaultForAz,
    mapPublicIpOnLaunch: request.defaultForAz,
    ownerId: context.accountId,
    tags: request.tags
  };
  await tx.insertSubnet(subnet);
  return subnet;
}

function chooseZone(input: CreateSubnetInput, context: ActionContext): string {
  const zones = context.availabilityZones;
  if (input.AvailabilityZone !== undefined) {
    if (!zones.includes(input.AvailabilityZone)) throw errors.invalidAvailabilityZone(input.AvailabilityZone, zones);
    return input.AvailabilityZone;
  }
  if (input.AvailabilityZoneId !== undefined) {
    const zone = zones.find((z) => availabilityZoneId(context.region, z) === input.AvailabilityZoneId);
    if (!zone) {
      throw errors.invalidParameterValue(
        `Value (${input.AvailabilityZoneId}) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => availabilityZoneId(context.region, z)).join(', ')}.`
      );
    }
    return zone;
  }
  // Without a zone, EC2 picks one for you (CreateSubnet doc string).
  return zones[context.random.below(zones.length)]!;
}

export const createSubnet = defineAction<CreateSubnetInput>({
  name: 'CreateSubnet',
  input: structure({
    VpcId: member('VpcId', string(), true),
    CidrBlock: member('CidrBlock', string()),
    AvailabilityZone: member('AvailabilityZone', string()),
    AvailabilityZoneId: member('AvailabilityZoneId', string()),
    TagSpecifications: tagSpecifications,
    DryRun: dryRun
  }),
  output: out.structure(out.member('Subnet', 'subnet', subnetShape)),
  check(input) {
    if (input.CidrBlock === undefined) throw errors.missingParameter('CidrBlock');
    if (input.AvailabilityZone !== undefined && input.AvailabilityZoneId !== undefined) {
      throw errors.invalidParameterCombination('Only one of availabilityZone or availabilityZoneId can be specified.');
    }
  },
  async run(tx, input, context) {
    const subnet = await createSubnetRecord(tx, context, {
      vpcId: input.VpcId,
      cidrBlock: input.CidrBlock!,
      availabilityZone: chooseZone(input, context),
      defaultForAz: false,
      tags: tagsFromSpecifications(input.TagSpecifications, 'subnet')
    });
    const map = await tx.addressMap(subnet);
    return { Subnet: subnetView(subnet, map.freeCount, context) };
  }
});
