import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { attributeBooleanValueShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { requireVpc } from './common.js';

/** The EC2 model's VpcAttributeName enum, in its order. */
export const VPC_ATTRIBUTE_NAMES = [
  'enableDnsHostnames',
  'enableDnsSupport',
  'enableNetworkAddressUsageMetrics'
] as const;
export type VpcAttributeName = (typeof VPC_ATTRIBUTE_NAMES)[number];

interface DescribeVpcAttributeInput {
  VpcId: string;
  Attribute: VpcAttributeName;
  DryRun?: boolean;
}

/** The SDK member name of each attribute in DescribeVpcAttributeResult; its XML element is the attribute's name. */
const RESULT_MEMBERS: Readonly<Record<VpcAttributeName, string>> = {
  enableDnsSupport: 'EnableDnsSupport',
  enableDnsHostnames: 'EnableDnsHostnames',
  enableNetworkAddressUsageMetrics: 'EnableNetworkAddressUsageMetrics'
};

/**
 * DescribeVpcAttribute: one attribute per call, answered with the VPC id and that attribute alone, as EC2 does
 * (API reference sample; Terraform's findVPCAttribute reads only the member it asked for). An Attribute outside the
 * VpcAttributeName enum is the decoder's enum error.
 */
export const describeVpcAttribute = defineAction<DescribeVpcAttributeInput>({
  name: 'DescribeVpcAttribute',
  readOnly: true,
  input: structure({
    Attribute: member('Attribute', string({ enum: VPC_ATTRIBUTE_NAMES }), true),
    VpcId: member('VpcId', string(), true),
    DryRun: dryRun
  }),
  // vpcId first, then the attribute, as in the API reference's sample response.
  output: out.structure(
    out.member('VpcId', 'vpcId'),
    out.member('EnableDnsHostnames', 'enableDnsHostnames', attributeBooleanValueShape),
    out.member('EnableDnsSupport', 'enableDnsSupport', attributeBooleanValueShape),
    out.member('EnableNetworkAddressUsageMetrics', 'enableNetworkAddressUsageMetrics', attributeBooleanValueShape)
  ),
  async run(tx, input) {
    const vpc = await requireVpc(tx, input.VpcId);
    return { VpcId: vpc.id, [RESULT_MEMBERS[input.Attribute]]: { Value: vpc[input.Attribute] } };
  }
});
