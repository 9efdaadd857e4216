import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DescribeInstanceTypesCommand,
  type DescribeInstanceTypesCommandInput,
  type InstanceTypeInfo,
  paginateDescribeInstanceTypes
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';

interface CatalogueEntry {
  readonly MaximumNetworkInterfaces: number;
  readonly Ipv4AddressesPerInterface: number;
  readonly Hypervisor: string;
  readonly BareMetal: boolean;
}
/** The catalogue the server answers from, read independently to compute expected counts. */
const catalogue = JSON.parse(readFileSync(new URL('../../data/instance-types.json', import.meta.url), 'utf8'))
  .instanceTypes as Record<string, CatalogueEntry>;
const names = Object.keys(catalogue).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const count = (test: (name: string, t: CatalogueEntry) => boolean) =>
  names.filter((n) => test(n, catalogue[n]!)).length;

describe('DescribeInstanceTypes', () => {
  let server: TestServer;
  const describeTypes = (input: DescribeInstanceTypesCommandInput) =>
    server.ec2.send(new DescribeInstanceTypesCommand(input));
  /** Every type matching the filters, through all pages. */
  async function all(input: DescribeInstanceTypesCommandInput): Promise<InstanceTypeInfo[]> {
    const found: InstanceTypeInfo[] = [];
    for await (const page of paginateDescribeInstanceTypes({ client: server.ec2 }, input))
      found.push(...(page.InstanceTypes ?? []));
    return found;
  }
  const one = async (type: string): Promise<InstanceTypeInfo> => {
    const { InstanceTypes } = await describeTypes({ InstanceTypes: [type as never] });
    assert.equal(InstanceTypes?.length, 1);
    return InstanceTypes[0]!;
  };

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('network limits', () => {
    it('m5.large: Nitro, 3 interfaces of 10 addresses on one card', async () => {
      assert.deepEqual(await one('m5.large'), {
        InstanceType: 'm5.large',
        BareMetal: false,
        Hypervisor: 'nitro',
        BurstablePerformanceSupported: false,
        NetworkInfo: {
          MaximumNetworkInterfaces: 3,
          MaximumNetworkCards: 1,
          DefaultNetworkCardIndex: 0,
          NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }],
          Ipv4AddressesPerInterface: 10
        }
      });
    });

    it('t3.medium: 3 interfaces of 6 addresses; t2.micro: Xen, 2 of 2', async () => {
      const t3 = await one('t3.medium');
      assert.equal(t3.NetworkInfo?.MaximumNetworkInterfaces, 3);
      assert.equal(t3.NetworkInfo?.Ipv4AddressesPerInterface, 6);
      assert.equal(t3.Hypervisor, 'nitro');
      const t2 = await one('t2.micro');
      assert.equal(t2.Hypervisor, 'xen');
      assert.equal(t2.NetworkInfo?.MaximumNetworkInterfaces, 2);
      assert.equal(t2.NetworkInfo?.Ipv4AddressesPerInterface, 2);
    });

    it('p4d.24xlarge: four network cards of 15 interfaces, 60 in all', async () => {
      const info = (await one('p4d.24xlarge')).NetworkInfo!;
      assert.equal(info.MaximumNetworkInterfaces, 60);
      assert.equal(info.MaximumNetworkCards, 4);
      assert.equal(info.DefaultNetworkCardIndex, 0);
      assert.deepEqual(
        info.NetworkCards,
        [0, 1, 2, 3].map((NetworkCardIndex) => ({ NetworkCardIndex, MaximumNetworkInterfaces: 15 }))
      );
      assert.equal(info.Ipv4AddressesPerInterface, 50);
    });

    it('a bare-metal type reports BareMetal and no Hypervisor', async () => {
      const metal = await one('m5.metal');
      assert.equal(metal.BareMetal, true);
      assert.equal(metal.Hypervisor, undefined);
      assert.equal(metal.NetworkInfo?.MaximumNetworkInterfaces, 15);
      const response = await server.query({ Action: 'DescribeInstanceTypes', 'InstanceType.1': 'm5.metal' });
      const [item] = items(response.xml.DescribeInstanceTypesResponse.instanceTypeSet);
      assert.equal(item.bareMetal, 'true');
      assert.ok(!('hypervisor' in item), response.text);
    });

    it('answers EC2 XML: instanceTypeSet/item/networkInfo with networkCards items', async () => {
      const response = await server.query({
        Action: 'DescribeInstanceTypes',
        'InstanceType.1': 'p4d.24xlarge',
        'InstanceType.2': 't3.medium'
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.DescribeInstanceTypesResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      const [p4d, t3] = items(root.instanceTypeSet);
      assert.equal(p4d.instanceType, 'p4d.24xlarge');
      assert.equal(p4d.hypervisor, 'nitro');
      assert.equal(p4d.networkInfo.maximumNetworkInterfaces, '60');
      assert.equal(p4d.networkInfo.maximumNetworkCards, '4');
      assert.deepEqual(items(p4d.networkInfo.networkCards)[3], {
        networkCardIndex: '3',
        maximumNetworkInterfaces: '15'
      });
      assert.deepEqual(t3.networkInfo, {
        maximumNetworkInterfaces: '3',
        maximumNetworkCards: '1',
        defaultNetworkCardIndex: '0',
        networkCards: { item: { networkCardIndex: '0', maximumNetworkInterfaces: '3' } },
        ipv4AddressesPerInterface: '6'
      });
      assert.equal(root.nextToken, undefined);
    });

    it('answers the AWS CLI', async () => {
      const result = await server.aws(
        'ec2',
        'describe-instance-types',
        '--instance-types',
        'm5.large',
        't3.medium',
        '--query',
        'InstanceTypes[].[InstanceType,NetworkInfo.MaximumNetworkInterfaces,NetworkInfo.Ipv4AddressesPerInterface]'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.json, [
        ['m5.large', 3, 10],
        ['t3.medium', 3, 6]
      ]);
    });
  });

  describe('InstanceType.N', () => {
    it('answers the types asked for', async () => {
      const { InstanceTypes, NextToken } = await describeTypes({
        InstanceTypes: ['t3.medium', 'c5.large', 'm5.large']
      });
      assert.deepEqual(InstanceTypes?.map((t) => t.InstanceType).sort(), ['c5.large', 'm5.large', 't3.medium']);
      assert.equal(NextToken, undefined);
    });

    it('an unknown type is InvalidInstanceType, naming it', async () => {
      await assertSdkError(
        describeTypes({ InstanceTypes: ['m5.large', 'm5.huge' as never] }),
        'InvalidInstanceType',
        'The following supplied instance types do not exist: [m5.huge]'
      );
      assertCliError(
        await server.aws('ec2', 'describe-instance-types', '--instance-types', 'x9.nano'),
        'InvalidInstanceType',
        'The following supplied instance types do not exist: [x9.nano]'
      );
    });

    it('DryRun answers 412', async () => {
      await assertSdkError(
        describeTypes({ DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
    });
  });

  describe('filters', () => {
    it('instance-type with a wildcard', async () => {
      const c5 = await all({ Filters: [{ Name: 'instance-type', Values: ['c5*'] }] });
      assert.equal(
        c5.length,
        count((n) => n.startsWith('c5'))
      );
      assert.ok(c5.length > 20);
      assert.ok(c5.every((t) => t.InstanceType!.startsWith('c5')));
      const exact = await all({ Filters: [{ Name: 'instance-type', Values: ['c5.large', 'c5.xlarge'] }] });
      assert.deepEqual(
        exact.map((t) => t.InstanceType),
        ['c5.large', 'c5.xlarge']
      );
      const cli = await server.aws(
        'ec2',
        'describe-instance-types',
        '--filters',
        'Name=instance-type,Values=c5.*',
        '--query',
        'length(InstanceTypes)'
      );
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(
        cli.json,
        count((n) => n.startsWith('c5.'))
      );
    });

    it('hypervisor nitro or xen', async () => {
      const xen = await all({ Filters: [{ Name: 'hypervisor', Values: ['xen'] }] });
      assert.equal(
        xen.length,
        count((_, t) => t.Hypervisor === 'xen')
      );
      assert.ok(xen.some((t) => t.InstanceType === 't2.micro') && xen.some((t) => t.InstanceType === 'm4.large'));
      assert.ok(xen.every((t) => t.Hypervisor === 'xen'));
      const nitro = await all({ Filters: [{ Name: 'hypervisor', Values: ['nitro'] }] });
      assert.equal(
        nitro.length,
        count((_, t) => t.Hypervisor === 'nitro')
      );
      assert.ok(!nitro.some((t) => t.InstanceType === 'm5.metal'));
    });

    it('bare-metal', async () => {
      const metal = await all({ Filters: [{ Name: 'bare-metal', Values: ['true'] }] });
      assert.equal(
        metal.length,
        count((_, t) => t.BareMetal)
      );
      assert.ok(metal.every((t) => t.BareMetal === true));
      assert.ok(metal.some((t) => t.InstanceType === 'm5.metal'));
    });

    it('network-info.maximum-network-interfaces and network-info.ipv4-addresses-per-interface, AND-ed with the rest', async () => {
      const fifteen = await all({ Filters: [{ Name: 'network-info.maximum-network-interfaces', Values: ['15'] }] });
      assert.equal(
        fifteen.length,
        count((_, t) => t.MaximumNetworkInterfaces === 15)
      );
      assert.ok(fifteen.every((t) => t.NetworkInfo?.MaximumNetworkInterfaces === 15));
      const six = await all({ Filters: [{ Name: 'network-info.ipv4-addresses-per-interface', Values: ['6'] }] });
      assert.ok(six.some((t) => t.InstanceType === 't3.medium'));
      assert.ok(six.every((t) => t.NetworkInfo?.Ipv4AddressesPerInterface === 6));
      const both = await all({
        Filters: [
          { Name: 'instance-type', Values: ['m5.*'] },
          { Name: 'network-info.maximum-network-interfaces', Values: ['3', '4'] },
          { Name: 'network-info.ipv4-addresses-per-interface', Values: ['10'] }
        ]
      });
      const expected = names.filter((n) => {
        const t = catalogue[n]!;
        return n.startsWith('m5.') && [3, 4].includes(t.MaximumNetworkInterfaces) && t.Ipv4AddressesPerInterface === 10;
      });
      assert.deepEqual(
        both.map((t) => t.InstanceType),
        expected
      );
      assert.ok(both.some((t) => t.InstanceType === 'm5.large'));
    });

    it('an unknown filter is InvalidParameterValue', async () => {
      await assertSdkError(
        describeTypes({ Filters: [{ Name: 'colour', Values: ['red'] }] }),
        'InvalidParameterValue',
        "The filter 'colour' is invalid"
      );
    });
  });

  describe('paging', () => {
    it('answers 100 at a time by default, with a NextToken', async () => {
      const { InstanceTypes, NextToken } = await describeTypes({});
      assert.equal(InstanceTypes?.length, 100);
      assert.ok(NextToken);
      assert.deepEqual(
        InstanceTypes.map((t) => t.InstanceType),
        names.slice(0, 100)
      );
    });

    it('pages through all 1,391 types, each once', async () => {
      const seen = await all({});
      assert.equal(seen.length, 1391);
      assert.equal(new Set(seen.map((t) => t.InstanceType)).size, 1391);
      assert.deepEqual(
        seen.map((t) => t.InstanceType),
        names
      );
    });

    it('MaxResults must be 5..100', async () => {
      for (const value of [4, 101, 1000]) {
        await assertSdkError(
          describeTypes({ MaxResults: value }),
          'InvalidParameterValue',
          `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 100.`
        );
      }
      const five = await describeTypes({ MaxResults: 5 });
      assert.equal(five.InstanceTypes?.length, 5);
      const next = await describeTypes({ MaxResults: 5, NextToken: five.NextToken });
      assert.deepEqual(
        next.InstanceTypes?.map((t) => t.InstanceType),
        names.slice(5, 10)
      );
      assertXmlError(
        await server.query({ Action: 'DescribeInstanceTypes', MaxResults: 101 }),
        400,
        'InvalidParameterValue',
        'Value ( 101 ) for parameter maxResults is invalid. Parameter must be between 5 and 100.'
      );
    });

    it('the AWS CLI pages through all of them', async () => {
      const result = await server.aws('ec2', 'describe-instance-types', '--query', 'length(InstanceTypes)');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json, 1391);
    });
  });
});
