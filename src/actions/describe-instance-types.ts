import { type Filter, compileFilters } from '../domain/filters.js';
import { type InstanceTypeInfo, defaultCpuCredits, instanceTypes } from '../domain/instance-types.js';
import { paginate } from '../domain/paging.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { defineAction } from './action.js';

interface DescribeInstanceTypesInput {
  InstanceTypes?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** Filters over what the catalogue knows (EC2 model doc string of DescribeInstanceTypes). */
const typeFilters = {
  'instance-type': (t: Typed) => [t.instanceType],
  hypervisor: (t: Typed) => [t.hypervisor],
  'bare-metal': (t: Typed) => [String(t.bareMetal)],
  'network-info.maximum-network-interfaces': (t: Typed) => [String(t.maximumNetworkInterfaces)],
  'network-info.ipv4-addresses-per-interface': (t: Typed) => [String(t.ipv4AddressesPerInterface)],
  'network-info.maximum-network-cards': (t: Typed) => [String(t.networkCards.length)]
};
type Typed = InstanceTypeInfo & { readonly tags: readonly [] };

const networkCardShape = out.structure(
  out.member('NetworkCardIndex', 'networkCardIndex', 'integer'),
  out.member('MaximumNetworkInterfaces', 'maximumNetworkInterfaces', 'integer')
);

const instanceTypeShape = out.structure(
  out.member('InstanceType', 'instanceType'),
  out.member('BareMetal', 'bareMetal', 'boolean'),
  out.member('Hypervisor', 'hypervisor'),
  out.member('BurstablePerformanceSupported', 'burstablePerformanceSupported', 'boolean'),
  out.member(
    'NetworkInfo',
    'networkInfo',
    out.structure(
      out.member('MaximumNetworkInterfaces', 'maximumNetworkInterfaces', 'integer'),
      out.member('MaximumNetworkCards', 'maximumNetworkCards', 'integer'),
      out.member('DefaultNetworkCardIndex', 'defaultNetworkCardIndex', 'integer'),
      out.member('NetworkCards', 'networkCards', out.list(networkCardShape)),
      out.member('Ipv4AddressesPerInterface', 'ipv4AddressesPerInterface', 'integer')
    )
  )
);

export function instanceTypeView(t: InstanceTypeInfo): object {
  return {
    InstanceType: t.instanceType,
    BareMetal: t.bareMetal,
    Hypervisor: t.hypervisor,
    // Terraform reads it to decide whether to ask DescribeInstanceCreditSpecifications.
    BurstablePerformanceSupported: defaultCpuCredits(t.instanceType) !== undefined,
    NetworkInfo: {
      MaximumNetworkInterfaces: t.maximumNetworkInterfaces,
      MaximumNetworkCards: t.networkCards.length,
      DefaultNetworkCardIndex: t.defaultNetworkCardIndex,
      NetworkCards: t.networkCards.map((c) => ({
        NetworkCardIndex: c.networkCardIndex,
        MaximumNetworkInterfaces: c.maximumNetworkInterfaces
      })),
      Ipv4AddressesPerInterface: t.ipv4AddressesPerInterface
    }
  };
}

/**
 * DescribeInstanceTypes over the catalogue. Only the network limits, hypervisor, bare-metal and burstable flags are known;
 * members ec2lite does not know (vCPU, memory, IPv6) are left out rather than invented.
 */
export const describeInstanceTypes = defineAction<DescribeInstanceTypesInput>({
  name: 'DescribeInstanceTypes',
  readOnly: true,
  input: structure({
    InstanceTypes: member('InstanceType', list(string(), 100)),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('InstanceTypes', 'instanceTypeSet', out.list(instanceTypeShape)),
    out.member('NextToken', 'nextToken')
  ),
  async run(_tx, input) {
    const catalogue = instanceTypes();
    let selected: InstanceTypeInfo[] = [...catalogue.values()];
    if (input.InstanceTypes?.length) {
      const missing = input.InstanceTypes.filter((name) => !catalogue.has(name));
      if (missing.length > 0) throw errors.invalidInstanceType(missing);
      const wanted = new Set(input.InstanceTypes);
      selected = selected.filter((t) => wanted.has(t.instanceType));
    }
    const matches = compileFilters(input.Filters, typeFilters);
    const typed = selected.map((t) => ({ ...t, tags: [] as const }));
    // DescribeInstanceTypes pages in 5..100 (EC2 model).
    const page = paginate(typed.filter(matches), input, { min: 5, max: 100, pageSize: 100 });
    return { InstanceTypes: page.items.map(instanceTypeView), NextToken: page.nextToken };
  }
});
