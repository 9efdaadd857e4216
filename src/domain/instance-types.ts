import { readFileSync } from 'node:fs';

/** Network limits of one instance type, as DescribeInstanceTypes reports them (NetworkInfo). */
export interface InstanceTypeInfo {
  readonly instanceType: string;
  /** Total over all network cards. */
  readonly maximumNetworkInterfaces: number;
  readonly ipv4AddressesPerInterface: number;
  readonly defaultNetworkCardIndex: number;
  readonly networkCards: readonly { readonly networkCardIndex: number; readonly maximumNetworkInterfaces: number }[];
  /** 'nitro' or 'xen'; absent for bare metal (and a few old types), as DescribeInstanceTypes omits it. */
  readonly hypervisor?: 'nitro' | 'xen';
  readonly bareMetal: boolean;
}

interface CatalogueFile {
  readonly instanceTypes: Record<
    string,
    {
      MaximumNetworkInterfaces: number;
      Ipv4AddressesPerInterface: number;
      DefaultNetworkCardIndex: number;
      NetworkCards: { NetworkCardIndex: number; MaximumNetworkInterfaces: number }[];
      Hypervisor: string;
      BareMetal: boolean;
    }
  >;
}

let catalogue: ReadonlyMap<string, InstanceTypeInfo> | undefined;

/**
 * The 1,391 instance types EC2 reports, read once from data/instance-types.json (gathered from
 * DescribeInstanceTypes across 17 regions), in name order.
 */
export function instanceTypes(): ReadonlyMap<string, InstanceTypeInfo> {
  if (!catalogue) {
    // The same relative path works from src/domain and from the built dist/domain.
    const file = JSON.parse(
      readFileSync(new URL('../../data/instance-types.json', import.meta.url), 'utf8')
    ) as CatalogueFile;
    catalogue = new Map(
      Object.entries(file.instanceTypes)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, t]) => [
          name,
          {
            instanceType: name,
            maximumNetworkInterfaces: t.MaximumNetworkInterfaces,
            ipv4AddressesPerInterface: t.Ipv4AddressesPerInterface,
            defaultNetworkCardIndex: t.DefaultNetworkCardIndex,
            networkCards: t.NetworkCards.map((c) => ({
              networkCardIndex: c.NetworkCardIndex,
              maximumNetworkInterfaces: c.MaximumNetworkInterfaces
            })),
            ...(t.Hypervisor === 'nitro' || t.Hypervisor === 'xen' ? { hypervisor: t.Hypervisor } : {}),
            bareMetal: t.BareMetal
          }
        ])
    );
  }
  return catalogue;
}

export function instanceType(name: string): InstanceTypeInfo | undefined {
  return instanceTypes().get(name);
}

/**
 * Prefix delegation needs the Nitro System: virtualised Nitro or bare metal (ec2-prefix-eni.md;
 * amazon-vpc-cni-k8s treats "hypervisor == nitro OR bare metal" as capable).
 */
export function supportsPrefixDelegation(type: InstanceTypeInfo): boolean {
  return type.hypervisor === 'nitro' || type.bareMetal;
}

/**
 * The credit option a burstable performance type launches with: "T4g, T3a and T3 instances launch as unlimited by
 * default … T2 instances launch as standard by default" (EC2 User Guide, burstable performance instances) [DOC].
 * Undefined for every other type: they have no CPU credits.
 */
export function defaultCpuCredits(typeName: string): 'standard' | 'unlimited' | undefined {
  const family = typeName.split('.')[0];
  if (family === 't2') return 'standard';
  if (family === 't3' || family === 't3a' || family === 't4g') return 'unlimited';
  return undefined;
}
