import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateNetworkInterfaceCommand,
  type CreateNetworkInterfaceCommandInput,
  DescribeNetworkInterfacesCommand
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import {
  type LabSubnet,
  UNKNOWN_SUBNET,
  VpcLab,
  addressesOf,
  assign,
  describeEni,
  prefixesOf,
  toInt
} from '../helpers/vpc-lab.js';

const IN_USE = 'The specified address is already in use.';
const OUTSIDE = "Address does not fall within the subnet's address range";
const INSUFFICIENT_ADDRESSES = 'The specified subnet does not have enough free addresses to satisfy the request.';

describe('CreateNetworkInterface', () => {
  let server: TestServer;
  let lab: VpcLab;
  const create = (input: CreateNetworkInterfaceCommandInput) =>
    server.ec2.send(new CreateNetworkInterfaceCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  /** After a refused call the subnet has no new interface and no address less. */
  async function assertNothingCreated(subnet: LabSubnet, interfaces: number, available: number): Promise<void> {
    assert.equal((await subnet.interfaces()).length, interfaces);
    assert.equal(await subnet.available(), available);
  }

  describe('serializations', () => {
    it('answers the SDK with the whole interface', async () => {
      const subnet = await lab.subnet();
      const { NetworkInterface: eni, ClientToken, $metadata } = await create({ SubnetId: subnet.id });
      assert.equal($metadata.httpStatusCode, 200);
      assert.ok(eni);
      assert.match(eni.NetworkInterfaceId ?? '', /^eni-[0-9a-f]{17}$/);
      assert.match(eni.MacAddress ?? '', /^02(:[0-9a-f]{2}){5}$/);
      assert.equal(eni.SubnetId, subnet.id);
      assert.equal(eni.VpcId, lab.vpcId);
      assert.equal(eni.AvailabilityZone, 'us-east-1a');
      assert.equal(eni.OwnerId, '123456789012');
      assert.equal(eni.Status, 'available');
      assert.equal(eni.InterfaceType, 'interface');
      assert.equal(eni.SourceDestCheck, true);
      assert.equal(eni.RequesterManaged, false);
      assert.equal(eni.Description, '');
      assert.deepEqual(eni.TagSet, []);
      assert.deepEqual(eni.Ipv4Prefixes, []);
      assert.ok(subnet.usable(eni.PrivateIpAddress!));
      assert.equal(eni.PrivateDnsName, `ip-${eni.PrivateIpAddress!.replaceAll('.', '-')}.ec2.internal`);
      assert.deepEqual(eni.PrivateIpAddresses, [
        { Primary: true, PrivateIpAddress: eni.PrivateIpAddress, PrivateDnsName: eni.PrivateDnsName }
      ]);
      assert.equal(eni.Groups?.length, 1);
      assert.match(eni.Groups?.[0]?.GroupId ?? '', /^sg-[0-9a-f]{17}$/);
      assert.equal(eni.Groups?.[0]?.GroupName, 'default');
      // The SDK fills ClientToken itself (an idempotency token in the model); EC2 echoes it.
      assert.match(ClientToken ?? '', /^[0-9a-f-]{36}$/);
    });

    it('reads the Create-style wire names: PrivateIpAddresses.N.PrivateIpAddress/Primary, SecurityGroupId.N, TagSpecification.N', async () => {
      const subnet = await lab.subnet();
      const group = (await (await lab.subnet()).eni()).Groups![0]!.GroupId!;
      const response = await server.query({
        Action: 'CreateNetworkInterface',
        SubnetId: subnet.id,
        Description: 'wire & <names>',
        'PrivateIpAddresses.1.PrivateIpAddress': subnet.at(20),
        'PrivateIpAddresses.2.PrivateIpAddress': subnet.at(10),
        'PrivateIpAddresses.2.Primary': true,
        'SecurityGroupId.1': group,
        'TagSpecification.1.ResourceType': 'network-interface',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'wire',
        ClientToken: 'wire-token'
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.CreateNetworkInterfaceResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(root.clientToken, 'wire-token');
      const eni = root.networkInterface;
      assert.equal(eni.description, 'wire & <names>');
      assert.equal(eni.privateIpAddress, subnet.at(10));
      assert.deepEqual(
        items(eni.privateIpAddressesSet).map((i) => [i.privateIpAddress, i.primary]),
        [
          [subnet.at(10), 'true'],
          [subnet.at(20), 'false']
        ]
      );
      assert.deepEqual(items(eni.groupSet), [{ groupName: 'default', groupId: group }]);
      assert.deepEqual(items(eni.tagSet), [{ key: 'Name', value: 'wire' }]);
      assert.equal(eni.status, 'available');
    });

    it('reads Ipv4Prefix.N.Ipv4Prefix beside a primary named in PrivateIpAddresses.N', async () => {
      const subnet = await lab.subnet();
      const response = await server.query({
        Action: 'CreateNetworkInterface',
        SubnetId: subnet.id,
        'PrivateIpAddresses.1.PrivateIpAddress': subnet.at(10),
        'PrivateIpAddresses.1.Primary': true,
        'Ipv4Prefix.1.Ipv4Prefix': subnet.prefix(32)
      });
      assert.equal(response.status, 200, response.text);
      const eni = response.xml.CreateNetworkInterfaceResponse.networkInterface;
      assert.equal(eni.privateIpAddress, subnet.at(10));
      assert.deepEqual(items(eni.ipv4PrefixSet), [{ ipv4Prefix: subnet.prefix(32) }]);
    });

    it('refuses secondary addresses named together with prefixes, as the EC2 model documents', async () => {
      const subnet = await lab.subnet();
      const before = await subnet.available();
      assertXmlError(
        await server.query({
          Action: 'CreateNetworkInterface',
          SubnetId: subnet.id,
          'PrivateIpAddresses.1.PrivateIpAddress': subnet.at(10),
          'PrivateIpAddresses.1.Primary': true,
          'PrivateIpAddresses.2.PrivateIpAddress': subnet.at(20),
          'Ipv4Prefix.1.Ipv4Prefix': subnet.prefix(32)
        }),
        400,
        'InvalidParameterCombination',
        'You may not specify privateIpAddresses together with ipv4Prefixes or ipv4PrefixCount.'
      );
      assertXmlError(
        await server.query({
          Action: 'CreateNetworkInterface',
          SubnetId: subnet.id,
          'PrivateIpAddresses.1.PrivateIpAddress': subnet.at(10),
          'PrivateIpAddresses.2.PrivateIpAddress': subnet.at(20),
          SecondaryPrivateIpAddressCount: 2
        }),
        400,
        'InvalidParameterCombination',
        'You may not specify secondaryPrivateIpAddressCount together with more than one privateIpAddresses entry.'
      );
      assert.equal(await subnet.available(), before);
    });

    it("refuses AssignPrivateIpAddresses' list form for the primary address", async () => {
      const subnet = await lab.subnet();
      assertXmlError(
        await server.query({
          Action: 'CreateNetworkInterface',
          SubnetId: subnet.id,
          'PrivateIpAddress.1': subnet.at(10)
        }),
        400,
        'UnknownParameter',
        /^The parameter PrivateIpAddress[.\w]* is not recognized$/
      );
      await assertNothingCreated(subnet, 0, 251);
    });

    it('answers on the JSON face', async () => {
      const subnet = await lab.subnet();
      const ok = await server.json({
        Action: 'CreateNetworkInterface',
        SubnetId: subnet.id,
        PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(9), Primary: true }],
        SecondaryPrivateIpAddressCount: 1
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.success, true);
      assert.equal(ok.json.data.NetworkInterface.PrivateIpAddress, subnet.at(9));
      assert.equal(ok.json.data.NetworkInterface.PrivateIpAddresses.length, 2);
      const failed = await server.json({
        Action: 'CreateNetworkInterface',
        SubnetId: subnet.id,
        PrivateIpAddress: subnet.at(9)
      });
      assert.equal(failed.status, 400);
      assert.equal(failed.json.error.ec2Code, 'InvalidIPAddress.InUse');
      assert.equal(failed.json.error.message, IN_USE);
    });

    it('answers the AWS CLI with description, addresses, a count and tags', async () => {
      const subnet = await lab.subnet();
      const result = await server.aws(
        'ec2',
        'create-network-interface',
        '--subnet-id',
        subnet.id,
        '--description',
        'from the cli',
        '--private-ip-address',
        subnet.at(10),
        '--secondary-private-ip-address-count',
        '2',
        '--tag-specifications',
        'ResourceType=network-interface,Tags=[{Key=team,Value=net},{Key=env,Value=test}]'
      );
      assert.equal(result.code, 0, result.stderr);
      const eni = result.json.NetworkInterface;
      assert.equal(eni.Description, 'from the cli');
      assert.equal(eni.PrivateIpAddress, subnet.at(10));
      assert.equal(eni.PrivateIpAddresses.length, 3);
      assert.equal(eni.PrivateIpAddresses[0].Primary, true);
      assert.deepEqual(eni.TagSet, [
        { Key: 'team', Value: 'net' },
        { Key: 'env', Value: 'test' }
      ]);
      assert.equal(await subnet.available(), 251 - 3);
    });

    it('answers the AWS CLI with --private-ip-addresses PrivateIpAddress=…,Primary=true', async () => {
      const subnet = await lab.subnet();
      const result = await server.aws(
        'ec2',
        'create-network-interface',
        '--subnet-id',
        subnet.id,
        '--private-ip-addresses',
        `PrivateIpAddress=${subnet.at(30)},Primary=false`,
        `PrivateIpAddress=${subnet.at(31)},Primary=true`
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        result.json.NetworkInterface.PrivateIpAddresses.map((a: { PrivateIpAddress: string; Primary: boolean }) => [
          a.PrivateIpAddress,
          a.Primary
        ]),
        [
          [subnet.at(31), true],
          [subnet.at(30), false]
        ]
      );
    });
  });

  describe('validations', () => {
    let subnet: LabSubnet;
    /** An interface holding primary 10, secondary 11 and prefix 32/28 in `subnet`. */
    let holder: string;

    before(async () => {
      subnet = await lab.subnet();
      holder = (await subnet.eni({ PrivateIpAddress: subnet.at(10) })).NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: holder, PrivateIpAddresses: [subnet.at(11)] });
      await assign(server, { NetworkInterfaceId: holder, Ipv4Prefixes: [subnet.prefix(32)] });
    });

    const expectUnchanged = () => assertNothingCreated(subnet, 1, 251 - 2 - 16);

    it('SubnetId is required', async () => {
      await assertSdkError(
        create({} as CreateNetworkInterfaceCommandInput),
        'MissingParameter',
        'The request must contain the parameter SubnetId'
      );
    });

    it('a malformed subnet id: InvalidSubnetID.Malformed', async () => {
      await assertSdkError(
        create({ SubnetId: 'subnet-xyz' }),
        'InvalidSubnetID.Malformed',
        'Invalid id: "subnet-xyz" (expecting "subnet-...")'
      );
      await assertSdkError(
        create({ SubnetId: 'vpc-0123456789abcdef0' }),
        'InvalidSubnetID.Malformed',
        'Invalid id: "vpc-0123456789abcdef0" (expecting "subnet-...")'
      );
    });

    it('an unknown subnet: InvalidSubnetID.NotFound, also through the CLI', async () => {
      await assertSdkError(
        create({ SubnetId: UNKNOWN_SUBNET, PrivateIpAddress: '10.0.0.999' }),
        'InvalidSubnetID.NotFound',
        `The subnet ID '${UNKNOWN_SUBNET}' does not exist`
      );
      assertCliError(
        await server.aws('ec2', 'create-network-interface', '--subnet-id', UNKNOWN_SUBNET),
        'InvalidSubnetID.NotFound',
        `The subnet ID '${UNKNOWN_SUBNET}' does not exist`
      );
    });

    it('a bad address literal: "invalid value for parameter address: …"', async () => {
      await assertSdkError(
        create({ SubnetId: subnet.id, PrivateIpAddress: '10.0.0.999' }),
        'InvalidParameterValue',
        'invalid value for parameter address: 10.0.0.999'
      );
      await assertSdkError(
        create({
          SubnetId: subnet.id,
          PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(40), Primary: true }, { PrivateIpAddress: '10.0.0.999' }]
        }),
        'InvalidParameterValue',
        'invalid value for parameter address: 10.0.0.999'
      );
      assertCliError(
        await server.aws(
          'ec2',
          'create-network-interface',
          '--subnet-id',
          subnet.id,
          '--private-ip-address',
          '10.0.0.999'
        ),
        'InvalidParameterValue',
        'invalid value for parameter address: 10.0.0.999'
      );
      await expectUnchanged();
    });

    it('an explicit address outside the subnet, even inside the VPC', async () => {
      const neighbour = await lab.subnet();
      for (const address of [neighbour.at(10), '192.168.1.10', subnet.at(-1), subnet.at(256)]) {
        await assertSdkError(
          create({ SubnetId: subnet.id, PrivateIpAddress: address }),
          'InvalidParameterValue',
          OUTSIDE
        );
      }
      await assertSdkError(
        create({
          SubnetId: subnet.id,
          PrivateIpAddresses: [
            { PrivateIpAddress: subnet.at(40), Primary: true },
            { PrivateIpAddress: neighbour.at(41) }
          ]
        }),
        'InvalidParameterValue',
        OUTSIDE
      );
      await expectUnchanged();
    });

    it('a reserved address of the subnet', async () => {
      for (const offset of [0, 1, 2, 3, 255]) {
        await assertSdkError(
          create({ SubnetId: subnet.id, PrivateIpAddress: subnet.at(offset) }),
          'InvalidParameterValue',
          `Address ${subnet.at(offset)} is in subnet's reserved address range`
        );
      }
      await expectUnchanged();
    });

    it('an address in use, as a primary, a secondary or inside a prefix: InvalidIPAddress.InUse', async () => {
      for (const offset of [10, 11, 32, 47]) {
        await assertSdkError(
          create({ SubnetId: subnet.id, PrivateIpAddress: subnet.at(offset) }),
          'InvalidIPAddress.InUse',
          IN_USE
        );
      }
      await assertSdkError(
        create({
          SubnetId: subnet.id,
          PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(40), Primary: true }, { PrivateIpAddress: subnet.at(11) }]
        }),
        'InvalidIPAddress.InUse',
        IN_USE
      );
      assertCliError(
        await server.aws(
          'ec2',
          'create-network-interface',
          '--subnet-id',
          subnet.id,
          '--private-ip-address',
          subnet.at(10)
        ),
        'InvalidIPAddress.InUse',
        IN_USE
      );
      assert.deepEqual(addressesOf(await describeEni(server, holder)), [subnet.at(10), subnet.at(11)]);
      await expectUnchanged();
    });

    it('a full subnet: InsufficientFreeAddressesInSubnet, and nothing created', async () => {
      const small = await lab.subnet(28);
      const taken = addressesOf(await small.eni({ SecondaryPrivateIpAddressCount: 5 }));
      const free = Array.from({ length: 11 }, (_, i) => small.at(4 + i)).find((a) => !taken.includes(a))!;
      await assertSdkError(
        create({ SubnetId: small.id, SecondaryPrivateIpAddressCount: 5 }),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      await assertSdkError(
        create({ SubnetId: small.id, PrivateIpAddress: free, SecondaryPrivateIpAddressCount: 5 }),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      await assertNothingCreated(small, 1, 5);
      await small.eni({ SecondaryPrivateIpAddressCount: 4 });
      assert.equal(await small.available(), 0);
      await assertSdkError(create({ SubnetId: small.id }), 'InsufficientFreeAddressesInSubnet', INSUFFICIENT_ADDRESSES);
      assertCliError(
        await server.aws('ec2', 'create-network-interface', '--subnet-id', small.id),
        'InsufficientFreeAddressesInSubnet',
        INSUFFICIENT_ADDRESSES
      );
      await assertNothingCreated(small, 2, 0);
    });

    it('at most one primary, and not a second one beside PrivateIpAddress', async () => {
      await assertSdkError(
        create({
          SubnetId: subnet.id,
          PrivateIpAddresses: [
            { PrivateIpAddress: subnet.at(40), Primary: true },
            { PrivateIpAddress: subnet.at(41), Primary: true }
          ]
        }),
        'InvalidParameterValue',
        'Only one primary private IP address can be specified.'
      );
      await assertSdkError(
        create({
          SubnetId: subnet.id,
          PrivateIpAddress: subnet.at(40),
          PrivateIpAddresses: [{ PrivateIpAddress: subnet.at(41), Primary: true }]
        }),
        'InvalidParameterCombination',
        'The primary private IP address is specified both as PrivateIpAddress and in PrivateIpAddresses with different values.'
      );
      await expectUnchanged();
    });

    it('counts and prefix options that exclude each other', async () => {
      await assertSdkError(
        create({ SubnetId: subnet.id, SecondaryPrivateIpAddressCount: -1 }),
        'InvalidParameterValue',
        'Value (-1) for parameter secondaryPrivateIpAddressCount is invalid. Value must be a positive number.'
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, Ipv4PrefixCount: 1, Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(64) }] }),
        'InvalidParameterCombination',
        'You may specify either ipv4Prefixes or ipv4PrefixCount, but not both.'
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, Ipv4PrefixCount: 1, SecondaryPrivateIpAddressCount: 1 }),
        'InvalidParameterCombination',
        'You may not specify secondaryPrivateIpAddressCount together with ipv4Prefixes or ipv4PrefixCount.'
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(32) }] }),
        'InvalidParameterValue',
        `The prefix ${subnet.prefix(32)} overlaps an address or prefix already in use in the subnet.`
      );
      await expectUnchanged();
    });

    it('the address limit of an unattached interface (50 by default)', async () => {
      await assertSdkError(
        create({ SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 50 }),
        'PrivateIpAddressLimitExceeded',
        'Number of private addresses will exceed limit.'
      );
      await expectUnchanged();
    });

    it('malformed security group ids, foreign tag resource types, long descriptions, unknown interface types', async () => {
      await assertSdkError(
        create({ SubnetId: subnet.id, Groups: ['default'] }),
        'InvalidGroupId.Malformed',
        'Invalid id: "default" (expecting "sg-...")'
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] }),
        'InvalidParameterValue',
        "'vpc' is not a valid taggable resource type for this operation."
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, Description: 'x'.repeat(256) }),
        'InvalidParameterValue',
        'Value for parameter Description is invalid. It must be at most 255 characters long.'
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, InterfaceType: 'nat' as never }),
        'InvalidParameterValue',
        /^Value \(nat\) for parameter InterfaceType is invalid\./
      );
      await expectUnchanged();
    });

    it('DryRun answers 412 DryRunOperation and creates nothing; a dry run that would fail answers the real error', async () => {
      await assertSdkError(
        create({ SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 3, DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
      await expectUnchanged();
      assertCliError(
        await server.aws('ec2', 'create-network-interface', '--subnet-id', subnet.id, '--dry-run'),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.'
      );
      await assertSdkError(
        create({ SubnetId: subnet.id, PrivateIpAddress: subnet.at(10), DryRun: true }),
        'InvalidIPAddress.InUse',
        IN_USE
      );
      await assertSdkError(
        create({ SubnetId: UNKNOWN_SUBNET, DryRun: true }),
        'InvalidSubnetID.NotFound',
        `The subnet ID '${UNKNOWN_SUBNET}' does not exist`
      );
      await expectUnchanged();
      // The address a dry run would have taken is still free.
      const real = await subnet.eni({ PrivateIpAddress: subnet.at(90) });
      assert.equal(real.PrivateIpAddress, subnet.at(90));
    });
  });

  describe('functionality', () => {
    it('picks a usable primary by itself and takes one address from the subnet', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      assert.ok(subnet.usable(eni.PrivateIpAddress!));
      assert.equal(await subnet.available(), 250);
      assert.deepEqual(await describeEni(server, eni.NetworkInterfaceId!), eni);
    });

    it('uses PrivateIpAddress as the primary', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(254) });
      assert.equal(eni.PrivateIpAddress, subnet.at(254));
      assert.deepEqual(addressesOf(eni), [subnet.at(254)]);
    });

    it('takes PrivateIpAddresses.N with the one marked Primary first, the others after it in the order given', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({
        PrivateIpAddresses: [
          { PrivateIpAddress: subnet.at(50) },
          { PrivateIpAddress: subnet.at(60), Primary: true },
          { PrivateIpAddress: subnet.at(40), Primary: false }
        ]
      });
      assert.equal(eni.PrivateIpAddress, subnet.at(60));
      assert.deepEqual(addressesOf(eni), [subnet.at(60), subnet.at(50), subnet.at(40)]);
      assert.deepEqual(
        eni.PrivateIpAddresses?.map((a) => a.Primary),
        [true, false, false]
      );
      assert.deepEqual(addressesOf(await describeEni(server, eni.NetworkInterfaceId!)), addressesOf(eni));
      assert.equal(await subnet.available(), 251 - 3);
    });

    it('adds SecondaryPrivateIpAddressCount distinct free addresses beside an explicit primary', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ PrivateIpAddress: subnet.at(5), SecondaryPrivateIpAddressCount: 4 });
      const addresses = addressesOf(eni);
      assert.equal(addresses[0], subnet.at(5));
      assert.equal(new Set(addresses).size, 5);
      for (const a of addresses) assert.ok(subnet.usable(a));
      assert.equal(await subnet.available(), 251 - 5);
    });

    it('delegates prefixes at creation, by count and explicitly', async () => {
      const subnet = await lab.subnet();
      const explicit = await subnet.eni({
        PrivateIpAddress: subnet.at(200),
        Ipv4Prefixes: [{ Ipv4Prefix: subnet.prefix(208) }]
      });
      assert.deepEqual(prefixesOf(explicit), [subnet.prefix(208)]);
      const counted = await subnet.eni({ Ipv4PrefixCount: 2 });
      assert.equal(prefixesOf(counted).length, 2);
      for (const prefix of prefixesOf(counted)) {
        const base = toInt(prefix.split('/')[0]!);
        assert.equal(base % 16, 0);
        assert.ok(subnet.contains(prefix.split('/')[0]!));
        assert.ok(
          !addressesOf(counted).some((a) => toInt(a) >= base && toInt(a) < base + 16),
          'primary outside its prefixes'
        );
      }
      assert.notEqual(prefixesOf(counted)[0], subnet.prefix(208));
      assert.equal(await subnet.available(), 251 - 2 - 3 * 16);
    });

    it('stores and echoes the description', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ Description: 'näme with spaces & symbols' });
      assert.equal(eni.Description, 'näme with spaces & symbols');
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).Description, 'näme with spaces & symbols');
    });

    it("gives the VPC's default security group without SecurityGroupId.N, and echoes the groups given", async () => {
      const subnet = await lab.subnet();
      const plain = await subnet.eni();
      const defaultGroup = plain.Groups![0]!.GroupId!;
      assert.deepEqual(plain.Groups, [{ GroupName: 'default', GroupId: defaultGroup }]);

      const explicit = await subnet.eni({ Groups: [defaultGroup] });
      assert.deepEqual(explicit.Groups, [{ GroupName: 'default', GroupId: defaultGroup }]);
      assert.deepEqual((await describeEni(server, explicit.NetworkInterfaceId!)).Groups, explicit.Groups);

      // Another VPC has its own default group.
      const otherLab = await VpcLab.create(server, '10.1.0.0/16');
      const elsewhere = await (await otherLab.subnet()).eni();
      assert.notEqual(elsewhere.Groups![0]!.GroupId, defaultGroup);
      assert.equal(elsewhere.Groups![0]!.GroupName, 'default');
    });

    it('applies TagSpecification.N tags, which filters then find', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({
        TagSpecifications: [
          { ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'tagged' }] },
          { ResourceType: 'network-interface', Tags: [{ Key: 'empty', Value: '' }] }
        ]
      });
      assert.deepEqual(eni.TagSet, [
        { Key: 'Name', Value: 'tagged' },
        { Key: 'empty', Value: '' }
      ]);
      const { NetworkInterfaces } = await server.ec2.send(
        new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:Name', Values: ['tagged'] }] })
      );
      assert.deepEqual(
        NetworkInterfaces?.map((e) => e.NetworkInterfaceId),
        [eni.NetworkInterfaceId]
      );
    });

    it('ClientToken: the same token and parameters answer the same interface, other parameters a mismatch', async () => {
      const subnet = await lab.subnet();
      const input = {
        SubnetId: subnet.id,
        Description: 'idempotent',
        SecondaryPrivateIpAddressCount: 2,
        ClientToken: 'token-1'
      };
      const first = await create(input);
      const again = await create(input);
      assert.equal(again.ClientToken, 'token-1');
      assert.equal(again.NetworkInterface?.NetworkInterfaceId, first.NetworkInterface?.NetworkInterfaceId);
      assert.deepEqual(addressesOf(again.NetworkInterface!), addressesOf(first.NetworkInterface!));
      await assertNothingCreated(subnet, 1, 251 - 3);

      await assertSdkError(
        create({ ...input, Description: 'something else' }),
        'IdempotentParameterMismatch',
        'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).'
      );
      await assertSdkError(
        create({ ...input, SecondaryPrivateIpAddressCount: 3 }),
        'IdempotentParameterMismatch',
        /inconsistent with arguments used in previous request/
      );
      await assertNothingCreated(subnet, 1, 251 - 3);

      // Another token with the same parameters is another interface.
      const other = await create({ ...input, ClientToken: 'token-2' });
      assert.notEqual(other.NetworkInterface?.NetworkInterfaceId, first.NetworkInterface?.NetworkInterfaceId);
      await assertNothingCreated(subnet, 2, 251 - 6);

      const cliArgs = ['ec2', 'create-network-interface', '--subnet-id', subnet.id, '--client-token', 'cli-token'];
      const cliFirst = await server.aws(...cliArgs);
      const cliAgain = await server.aws(...cliArgs);
      assert.equal(cliFirst.code, 0, cliFirst.stderr);
      assert.equal(
        cliAgain.json.NetworkInterface.NetworkInterfaceId,
        cliFirst.json.NetworkInterface.NetworkInterfaceId
      );
      assert.equal(cliAgain.json.ClientToken, 'cli-token');
      await assertNothingCreated(subnet, 3, 251 - 7);
    });
  });
});
