import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  type Filter,
  type NetworkInterface,
  UnassignPrivateIpAddressesCommand,
  paginateDescribeNetworkInterfaces
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import { type LabSubnet, UNKNOWN_ENI, VpcLab, addressesOf, assign, describeEni } from '../helpers/vpc-lab.js';

const NOT_FOUND = /^The networkInterface ID '(eni-[0-9a-f]+)' does not exist$/;

describe('DescribeNetworkInterfaces', () => {
  let server: TestServer;
  let lab: VpcLab;
  /** Two subnets of one VPC, a third subnet in another VPC, and these interfaces in them. */
  let a: LabSubnet;
  let b: LabSubnet;
  let c: LabSubnet;
  let web: NetworkInterface;
  let db: NetworkInterface;
  let cache: NetworkInterface;
  let far: NetworkInterface;
  const describeWith = async (input: DescribeNetworkInterfacesCommandInput): Promise<string[]> => {
    const { NetworkInterfaces } = await server.ec2.send(new DescribeNetworkInterfacesCommand(input));
    return (NetworkInterfaces ?? []).map((e) => e.NetworkInterfaceId!);
  };
  const filtered = (...filters: Filter[]) => describeWith({ Filters: filters });
  const ids = (...enis: NetworkInterface[]) => enis.map((e) => e.NetworkInterfaceId!);

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
    a = await lab.subnet();
    b = await lab.subnet();
    web = await a.eni({
      PrivateIpAddress: a.at(10),
      Description: 'web server 1',
      TagSpecifications: [
        {
          ResourceType: 'network-interface',
          Tags: [
            { Key: 'role', Value: 'web' },
            { Key: 'env', Value: 'prod' }
          ]
        }
      ]
    });
    await assign(server, { NetworkInterfaceId: web.NetworkInterfaceId, PrivateIpAddresses: [a.at(30), a.at(20)] });
    db = await a.eni({
      PrivateIpAddress: a.at(11),
      Description: 'db server 2',
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'db' }] }]
    });
    await assign(server, { NetworkInterfaceId: db.NetworkInterfaceId, Ipv4Prefixes: [a.prefix(64)] });
    cache = await b.eni({
      PrivateIpAddress: b.at(10),
      Description: 'cache*literal',
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'env', Value: 'dev' }] }]
    });
    c = await (await VpcLab.create(server, '10.1.0.0/16')).subnet();
    far = await c.eni({ PrivateIpAddress: c.at(10) });
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with every interface, in creation order', async () => {
      const { NetworkInterfaces, NextToken } = await server.ec2.send(new DescribeNetworkInterfacesCommand({}));
      assert.deepEqual(
        NetworkInterfaces?.map((e) => e.NetworkInterfaceId),
        ids(web, db, cache, far)
      );
      assert.equal(NextToken, undefined);
      const shown = NetworkInterfaces[0]!;
      assert.equal(shown.Description, 'web server 1');
      assert.equal(shown.MacAddress, web.MacAddress);
      assert.deepEqual(shown.TagSet, [
        { Key: 'role', Value: 'web' },
        { Key: 'env', Value: 'prod' }
      ]);
      assert.deepEqual(shown.Groups, web.Groups);
    });

    it('renders networkInterfaceSet items with privateIpAddressesSet, ipv4PrefixSet, groupSet and tagSet', async () => {
      const response = await server.query({
        Action: 'DescribeNetworkInterfaces',
        'NetworkInterfaceId.1': db.NetworkInterfaceId!
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.DescribeNetworkInterfacesResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      const set = items(root.networkInterfaceSet);
      assert.equal(set.length, 1);
      const eni = set[0];
      assert.equal(eni.networkInterfaceId, db.NetworkInterfaceId);
      assert.equal(eni.subnetId, a.id);
      assert.equal(eni.vpcId, lab.vpcId);
      assert.equal(eni.status, 'available');
      assert.deepEqual(
        items(eni.privateIpAddressesSet).map((i) => [i.privateIpAddress, i.primary]),
        [[a.at(11), 'true']]
      );
      assert.deepEqual(items(eni.ipv4PrefixSet), [{ ipv4Prefix: a.prefix(64) }]);
      assert.deepEqual(items(eni.tagSet), [{ key: 'role', value: 'db' }]);
      assert.equal(items(eni.groupSet)[0].groupName, 'default');
      assert.equal(root.nextToken, undefined);
    });

    it('reads Filter.N.Name and Filter.N.Value.M from the wire', async () => {
      const response = await server.query({
        Action: 'DescribeNetworkInterfaces',
        'Filter.1.Name': 'description',
        'Filter.1.Value.1': 'web*',
        'Filter.1.Value.2': 'cache*',
        'Filter.2.Name': 'vpc-id',
        'Filter.2.Value.1': lab.vpcId
      });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(
        items(response.xml.DescribeNetworkInterfacesResponse.networkInterfaceSet).map((e) => e.networkInterfaceId),
        ids(web, cache)
      );
    });

    it('renders an empty result as an empty set', async () => {
      const response = await server.query({
        Action: 'DescribeNetworkInterfaces',
        'Filter.1.Name': 'description',
        'Filter.1.Value.1': 'nothing'
      });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(items(response.xml.DescribeNetworkInterfacesResponse.networkInterfaceSet), []);
      assert.deepEqual(await filtered({ Name: 'description', Values: ['nothing'] }), []);
    });

    it('answers on the JSON face', async () => {
      const ok = await server.json({
        Action: 'DescribeNetworkInterfaces',
        NetworkInterfaceIds: [cache.NetworkInterfaceId]
      });
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(
        ok.json.data.NetworkInterfaces.map((e: NetworkInterface) => e.NetworkInterfaceId),
        ids(cache)
      );
    });

    it('answers the AWS CLI, with ids and with filters', async () => {
      const byId = await server.aws(
        'ec2',
        'describe-network-interfaces',
        '--network-interface-ids',
        web.NetworkInterfaceId!,
        far.NetworkInterfaceId!
      );
      assert.equal(byId.code, 0, byId.stderr);
      assert.deepEqual(
        byId.json.NetworkInterfaces.map((e: NetworkInterface) => e.NetworkInterfaceId),
        ids(web, far)
      );
      assert.deepEqual(
        byId.json.NetworkInterfaces[0].PrivateIpAddresses.map((p: { PrivateIpAddress: string }) => p.PrivateIpAddress),
        [a.at(10), a.at(30), a.at(20)]
      );
      const byFilter = await server.aws(
        'ec2',
        'describe-network-interfaces',
        '--filters',
        'Name=tag:role,Values=web,db',
        `Name=subnet-id,Values=${a.id}`
      );
      assert.equal(byFilter.code, 0, byFilter.stderr);
      assert.deepEqual(
        byFilter.json.NetworkInterfaces.map((e: NetworkInterface) => e.NetworkInterfaceId),
        ids(web, db)
      );
    });
  });

  describe('validations', () => {
    it('NetworkInterfaceId.N is all or nothing: one unknown id fails the call and is quoted alone', async () => {
      await assertSdkError(
        describeWith({ NetworkInterfaceIds: [web.NetworkInterfaceId!, UNKNOWN_ENI, db.NetworkInterfaceId!] }),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
      // With several unknown ids, the message still quotes exactly one of them, as clients parse it.
      const second = 'eni-0fedcba9876543210';
      await assert.rejects(describeWith({ NetworkInterfaceIds: [second, UNKNOWN_ENI] }), (error: any) => {
        assert.equal(error.name, 'InvalidNetworkInterfaceID.NotFound');
        const quoted = NOT_FOUND.exec(error.message)?.[1];
        assert.ok(quoted === second || quoted === UNKNOWN_ENI, error.message);
        return true;
      });
      assertCliError(
        await server.aws(
          'ec2',
          'describe-network-interfaces',
          '--network-interface-ids',
          web.NetworkInterfaceId!,
          UNKNOWN_ENI
        ),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
    });

    it('a deleted interface is not found', async () => {
      const gone = await c.eni();
      await server.aws('ec2', 'delete-network-interface', '--network-interface-id', gone.NetworkInterfaceId!);
      await assertSdkError(
        describeWith({ NetworkInterfaceIds: [gone.NetworkInterfaceId!] }),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${gone.NetworkInterfaceId}' does not exist`
      );
    });

    it('a malformed id: InvalidNetworkInterfaceId.Malformed', async () => {
      await assertSdkError(
        describeWith({ NetworkInterfaceIds: [web.NetworkInterfaceId!, 'x'] }),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "x" (expecting "eni-...")'
      );
      await assertSdkError(
        describeWith({ NetworkInterfaceIds: ['subnet-0123456789abcdef0'] }),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "subnet-0123456789abcdef0" (expecting "eni-...")'
      );
    });

    it('an unknown filter name', async () => {
      await assertSdkError(
        filtered({ Name: 'no-such-filter', Values: ['x'] }),
        'InvalidParameterValue',
        "The filter 'no-such-filter' is invalid"
      );
      // Filter names are case-sensitive.
      await assertSdkError(
        filtered({ Name: 'Subnet-Id', Values: [a.id] }),
        'InvalidParameterValue',
        "The filter 'Subnet-Id' is invalid"
      );
      assertCliError(
        await server.aws('ec2', 'describe-network-interfaces', '--filters', 'Name=color,Values=blue'),
        'InvalidParameterValue',
        "The filter 'color' is invalid"
      );
    });

    it('MaxResults cannot be combined with NetworkInterfaceId.N', async () => {
      await assertSdkError(
        describeWith({ NetworkInterfaceIds: [web.NetworkInterfaceId!], MaxResults: 5 }),
        'InvalidParameterCombination',
        'The parameter networkInterfaceIdSet cannot be used with the parameter maxResults'
      );
      assertXmlError(
        await server.query({
          Action: 'DescribeNetworkInterfaces',
          'NetworkInterfaceId.1': web.NetworkInterfaceId!,
          MaxResults: 10
        }),
        400,
        'InvalidParameterCombination',
        'The parameter networkInterfaceIdSet cannot be used with the parameter maxResults'
      );
    });

    it('MaxResults must lie between 5 and 1000, and NextToken must be one ec2lite issued', async () => {
      for (const value of [4, 1001, 0]) {
        await assertSdkError(
          describeWith({ MaxResults: value }),
          'InvalidParameterValue',
          `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
        );
      }
      await assertSdkError(
        describeWith({ NextToken: 'not-a-token' }),
        'InvalidParameterValue',
        'Value ( not-a-token ) for parameter NextToken is invalid. The token is invalid.'
      );
    });

    it('DryRun answers 412 DryRunOperation', async () => {
      await assertSdkError(
        describeWith({ DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
    });
  });

  describe('functionality', () => {
    it('selects by NetworkInterfaceId.N', async () => {
      assert.deepEqual(
        await describeWith({ NetworkInterfaceIds: [far.NetworkInterfaceId!, web.NetworkInterfaceId!] }),
        ids(web, far)
      );
      assert.deepEqual(await describeWith({ NetworkInterfaceIds: [db.NetworkInterfaceId!] }), ids(db));
    });

    it('filters by subnet-id, vpc-id and network-interface-id', async () => {
      assert.deepEqual(await filtered({ Name: 'subnet-id', Values: [a.id] }), ids(web, db));
      assert.deepEqual(await filtered({ Name: 'subnet-id', Values: [b.id, c.id] }), ids(cache, far));
      assert.deepEqual(await filtered({ Name: 'vpc-id', Values: [lab.vpcId] }), ids(web, db, cache));
      assert.deepEqual(
        await filtered({ Name: 'network-interface-id', Values: [cache.NetworkInterfaceId!] }),
        ids(cache)
      );
    });

    it('filters by addresses.private-ip-address and private-ip-address, primary or secondary', async () => {
      assert.deepEqual(await filtered({ Name: 'addresses.private-ip-address', Values: [a.at(20)] }), ids(web));
      assert.deepEqual(await filtered({ Name: 'addresses.private-ip-address', Values: [a.at(11)] }), ids(db));
      assert.deepEqual(await filtered({ Name: 'private-ip-address', Values: [a.at(10), b.at(10)] }), ids(web, cache));
      assert.deepEqual(await filtered({ Name: 'private-ip-address', Values: [a.at(30)] }), ids(web));
      assert.deepEqual(await filtered({ Name: 'private-ip-address', Values: [a.at(99)] }), []);
      // Same address text in two VPCs.
      assert.deepEqual(await filtered({ Name: 'private-ip-address', Values: ['10.*.10'] }), ids(web, cache, far));
    });

    it('filters by description, with * and ? wildcards and escaped literals', async () => {
      assert.deepEqual(await filtered({ Name: 'description', Values: ['web server 1'] }), ids(web));
      assert.deepEqual(await filtered({ Name: 'description', Values: ['* server ?'] }), ids(web, db));
      assert.deepEqual(await filtered({ Name: 'description', Values: ['?? server*'] }), ids(db));
      assert.deepEqual(
        await filtered({ Name: 'description', Values: ['web'] }),
        [],
        'no partial match without a wildcard'
      );
      assert.deepEqual(
        await filtered({ Name: 'description', Values: ['WEB SERVER 1'] }),
        [],
        'values are case-sensitive'
      );
      assert.deepEqual(await filtered({ Name: 'description', Values: ['cache\\*literal'] }), ids(cache));
      assert.deepEqual(await filtered({ Name: 'description', Values: ['web\\*'] }), []);
    });

    it('filters by tag:Key (key and value) and tag-key (key alone)', async () => {
      assert.deepEqual(await filtered({ Name: 'tag:role', Values: ['web'] }), ids(web));
      assert.deepEqual(await filtered({ Name: 'tag:role', Values: ['web', 'db'] }), ids(web, db));
      assert.deepEqual(await filtered({ Name: 'tag:env', Values: ['*'] }), ids(web, cache));
      assert.deepEqual(await filtered({ Name: 'tag:Role', Values: ['web'] }), [], 'keys are case-sensitive');
      assert.deepEqual(await filtered({ Name: 'tag-key', Values: ['env'] }), ids(web, cache));
      assert.deepEqual(await filtered({ Name: 'tag-key', Values: ['role', 'env'] }), ids(web, db, cache));
    });

    it('filters by group-id, status and mac-address', async () => {
      const group = web.Groups![0]!.GroupId!;
      assert.deepEqual(await filtered({ Name: 'group-id', Values: [group] }), ids(web, db, cache));
      assert.deepEqual(await filtered({ Name: 'group-id', Values: [far.Groups![0]!.GroupId!] }), ids(far));
      assert.deepEqual(await filtered({ Name: 'status', Values: ['available'] }), ids(web, db, cache, far));
      assert.deepEqual(await filtered({ Name: 'status', Values: ['in-use'] }), []);
      assert.deepEqual(await filtered({ Name: 'mac-address', Values: [db.MacAddress!] }), ids(db));
    });

    it('ANDs filters and ORs the values of one filter', async () => {
      assert.deepEqual(
        await filtered(
          { Name: 'vpc-id', Values: [lab.vpcId] },
          { Name: 'tag-key', Values: ['env'] },
          { Name: 'description', Values: ['web*', 'db*'] }
        ),
        ids(web)
      );
      assert.deepEqual(
        await filtered({ Name: 'subnet-id', Values: [a.id] }, { Name: 'subnet-id', Values: [b.id] }),
        []
      );
      // Filters narrow an id list too.
      assert.deepEqual(
        await describeWith({
          NetworkInterfaceIds: ids(web, cache, far),
          Filters: [{ Name: 'vpc-id', Values: [lab.vpcId] }]
        }),
        ids(web, cache)
      );
    });

    it('lists the primary first, then the secondaries in the order they were assigned', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(100) });
      const id = eni.NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(50)] });
      await assign(server, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(200), subnet.at(5)] });
      await assign(server, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(60)] });
      let shown = await describeEni(server, id);
      assert.deepEqual(addressesOf(shown), [
        subnet.at(100),
        subnet.at(50),
        subnet.at(200),
        subnet.at(5),
        subnet.at(60)
      ]);
      assert.deepEqual(
        shown.PrivateIpAddresses?.map((p) => p.Primary),
        [true, false, false, false, false]
      );
      assert.equal(shown.PrivateIpAddress, subnet.at(100));

      // Removing one keeps the order of the rest; assigning it again puts it last.
      await server.ec2.send(
        new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(200)] })
      );
      await assign(server, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(200)] });
      shown = await describeEni(server, id);
      assert.deepEqual(addressesOf(shown), [
        subnet.at(100),
        subnet.at(50),
        subnet.at(5),
        subnet.at(60),
        subnet.at(200)
      ]);

      // The primary stays first even when it is the highest address and secondaries were given at creation.
      const second = await subnet.eni({
        PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(7) }, { PrivateIpAddress: subnet.at(250), Primary: true }]
      });
      assert.deepEqual(addressesOf(await describeEni(server, second.NetworkInterfaceId!)), [
        subnet.at(250),
        subnet.at(7)
      ]);
    });

    it('pages 12 interfaces with MaxResults and NextToken, each exactly once', async () => {
      const subnet = await lab.subnet();
      const created: string[] = [];
      for (let i = 0; i < 12; i++) created.push((await subnet.eni({ Description: `paged ${i}` })).NetworkInterfaceId!);
      const filter = [{ Name: 'subnet-id', Values: [subnet.id] }];

      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await server.ec2.send(
          new DescribeNetworkInterfacesCommand({ Filters: filter, MaxResults: 5, NextToken: token })
        );
        pages.push((page.NetworkInterfaces ?? []).map((e) => e.NetworkInterfaceId!));
        token = page.NextToken;
        if (token !== undefined) assert.match(token, /^\S+$/);
      } while (token !== undefined && pages.length < 10);
      assert.deepEqual(
        pages.map((p) => p.length),
        [5, 5, 2]
      );
      assert.deepEqual(pages.flat(), created);

      // Exactly a full last page answers no token.
      const even = await server.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filter, MaxResults: 6 }));
      const rest = await server.ec2.send(
        new DescribeNetworkInterfacesCommand({ Filters: filter, MaxResults: 6, NextToken: even.NextToken })
      );
      assert.equal(rest.NetworkInterfaces?.length, 6);
      assert.equal(rest.NextToken, undefined);

      // The SDK's paginator and the CLI's own paging see the same 12.
      const viaPaginator: string[] = [];
      for await (const page of paginateDescribeNetworkInterfaces(
        { client: server.ec2, pageSize: 5 },
        { Filters: filter }
      )) {
        viaPaginator.push(...(page.NetworkInterfaces ?? []).map((e) => e.NetworkInterfaceId!));
      }
      assert.deepEqual(viaPaginator, created);
      const cli = await server.aws(
        'ec2',
        'describe-network-interfaces',
        '--filters',
        `Name=subnet-id,Values=${subnet.id}`,
        '--page-size',
        '5'
      );
      assert.equal(cli.code, 0, cli.stderr);
      assert.deepEqual(
        cli.json.NetworkInterfaces.map((e: NetworkInterface) => e.NetworkInterfaceId),
        created
      );
    });
  });
});
