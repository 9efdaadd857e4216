import { newId } from '../domain/ids.js';
import { type Cidr, formatCidr, parseCidr } from '../domain/ipv4.js';
import type { Vpc } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, dryRun, member, string, structure, tagSpecifications } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { vpcShape } from '../protocol/resource-shapes.js';
import type { StoreTx } from '../store/store.js';
import { defineAction } from './action.js';
import { type TagSpecification, tagsFromSpecifications } from './common.js';
import { vpcView } from './views.js';

interface CreateVpcInput {
  CidrBlock?: string;
  AmazonProvidedIpv6CidrBlock?: boolean;
  InstanceTenancy?: string;
  TagSpecifications?: TagSpecification[];
  DryRun?: boolean;
}

/** Parses a VPC or subnet CIDR as EC2 reads it: host bits cleared, the text refused outright when not a CIDR. */
export function parseBlock(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw errors.invalidCidrBlock(text);
  return cidr;
}

/** The shared DHCP options set every VPC of the state points at, created once. */
async function dhcpOptionsId(tx: StoreTx): Promise<string> {
  let id = await tx.getMeta('dhcp-options-id');
  if (!id) {
    id = newId('dopt');
    await tx.setMeta('dhcp-options-id', id);
  }
  return id;
}

export async function createVpcRecord(
  tx: StoreTx,
  cidrText: string,
  options: { ownerId: string; isDefault: boolean; instanceTenancy: string; tags: Vpc['tags'] }
): Promise<Vpc> {
  const cidr = parseBlock(cidrText);
  // VPC and subnet CIDRs run from /16 to /28 (CreateVpc doc string).
  if (cidr.prefixLength < 16 || cidr.prefixLength > 28) throw errors.vpcRange(formatCidr(cidr));
  const vpc: Vpc = {
    id: newId('vpc'),
    cidr,
    cidrAssociationId: newId('vpc-cidr-assoc'),
    isDefault: options.isDefault,
    instanceTenancy: options.instanceTenancy,
    dhcpOptionsId: await dhcpOptionsId(tx),
    ownerId: options.ownerId,
    defaultSecurityGroupId: newId('sg'),
    // [DOC] VPC User Guide, "DNS attributes for your VPC": DNS support is on for every VPC, DNS hostnames only for the
    // default VPC; Network Address Usage metrics are off until enabled.
    enableDnsSupport: true,
    enableDnsHostnames: options.isDefault,
    enableNetworkAddressUsageMetrics: false,
    tags: options.tags
  };
  await tx.insertVpc(vpc);
  return vpc;
}

export const createVpc = defineAction<CreateVpcInput>({
  name: 'CreateVpc',
  input: structure({
    CidrBlock: member('CidrBlock', string()),
    InstanceTenancy: member('InstanceTenancy', string({ enum: ['default', 'dedicated', 'host'] })),
    // Terraform's aws_vpc always sends it, false unless assign_generated_ipv6_cidr_block is set.
    AmazonProvidedIpv6CidrBlock: member('AmazonProvidedIpv6CidrBlock', boolean()),
    TagSpecifications: tagSpecifications,
    DryRun: dryRun
  }),
  output: out.structure(out.member('Vpc', 'vpc', vpcShape)),
  async run(tx, input, context) {
    // [OBS] EC2's answer when neither a CIDR nor an IPAM pool is given.
    if (input.CidrBlock === undefined) throw errors.missingVpcCidr();
    if (input.AmazonProvidedIpv6CidrBlock === true) throw errors.ipv6NotModelled('AmazonProvidedIpv6CidrBlock');
    const vpc = await createVpcRecord(tx, input.CidrBlock, {
      ownerId: context.accountId,
      isDefault: false,
      instanceTenancy: input.InstanceTenancy ?? 'default',
      tags: tagsFromSpecifications(input.TagSpecifications, 'vpc')
    });
    return { Vpc: vpcView(vpc) };
  }
});
