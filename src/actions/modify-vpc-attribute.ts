import type { Vpc } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireVpc } from './common.js';
import type { VpcAttributeName } from './describe-vpc-attribute.js';

interface ModifyVpcAttributeInput {
  VpcId: string;
  EnableDnsHostnames?: { Value?: boolean };
  EnableDnsSupport?: { Value?: boolean };
  EnableNetworkAddressUsageMetrics?: { Value?: boolean };
}

/** AttributeBooleanValue: `<Member>.Value`. */
const attributeBooleanValue = structure({ Value: member('Value', boolean()) });

/**
 * The attributes the request sets, by the names EC2 gives them, in the model's member order. An attribute structure
 * without its Value sets nothing: crossplane-contrib/provider-aws #558 sent one (a Go SDK AttributeBooleanValue with a
 * nil Value) and EC2 answered "No attributes specified." [OBS]. EC2 has listed several in both orders [OBS]:
 * "enableDnsSupport, enableDnsHostnames" (apache/libcloud PR #328), "enableDnsHostnames, enableDnsSupport"
 * (kubernetes-sigs/cluster-api-provider-aws #783, hashicorp/terraform #1301: the Go SDK, which sends parameters sorted
 * by name), so it follows the request's order [INF]. The decoder keeps no request order; the model's order stands in
 * for it, the order in which the SDKs and the AWS CLI send these members.
 */
function attributesSet(input: ModifyVpcAttributeInput): [VpcAttributeName, boolean][] {
  const given: [VpcAttributeName, boolean | undefined][] = [
    ['enableDnsHostnames', input.EnableDnsHostnames?.Value],
    ['enableDnsSupport', input.EnableDnsSupport?.Value],
    ['enableNetworkAddressUsageMetrics', input.EnableNetworkAddressUsageMetrics?.Value]
  ];
  return given.filter((entry): entry is [VpcAttributeName, boolean] => entry[1] !== undefined);
}

/**
 * ModifyVpcAttribute: one attribute per call (API reference: "You cannot modify the DNS resolution and DNS hostnames
 * attributes in the same request"; InvalidParameterCombination [OBS] aws/aws-sdk-go #415, apache/libcloud PR #328,
 * aws/aws-tools-for-powershell #404 for Network Address Usage metrics with DNS support). Wire names from the EC2
 * model: EnableDnsHostnames.Value, EnableDnsSupport.Value, EnableNetworkAddressUsageMetrics.Value. The model gives
 * this action no DryRun member (nor does the AWS CLI offer --dry-run), so DryRun is UnknownParameter here, as for
 * AssignPrivateIpAddresses.
 */
export const modifyVpcAttribute = defineAction<ModifyVpcAttributeInput>({
  name: 'ModifyVpcAttribute',
  input: structure({
    VpcId: member('VpcId', string(), true),
    EnableDnsHostnames: member('EnableDnsHostnames', attributeBooleanValue),
    EnableDnsSupport: member('EnableDnsSupport', attributeBooleanValue),
    EnableNetworkAddressUsageMetrics: member('EnableNetworkAddressUsageMetrics', attributeBooleanValue)
  }),
  output: returnOutput,
  check(input) {
    const set = attributesSet(input);
    if (set.length === 0) throw errors.noAttributes();
    if (set.length > 1) throw errors.multipleAttributes(set.map(([name]) => name));
  },
  async run(tx, input) {
    const vpc = await requireVpc(tx, input.VpcId, { forUpdate: true });
    const [[name, value]] = attributesSet(input) as [[VpcAttributeName, boolean]];
    // "You can only enable DNS hostnames if you've enabled DNS support" (API reference) [DOC]. Turning DNS support
    // off while hostnames are on is not refused there, so it is allowed here [INF].
    if (name === 'enableDnsHostnames' && value && !vpc.enableDnsSupport) {
      throw errors.dnsHostnamesWithoutDnsSupport(vpc.id);
    }
    if (vpc[name] !== value) {
      const changed: Vpc = { ...vpc, [name]: value };
      await tx.updateVpcAttributes(changed);
    }
    return { Return: true };
  }
});
