import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnassignPrivateIpAddressesCommand, type UnassignPrivateIpAddressesCommandInput } from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';
import {
  type LabSubnet,
  UNKNOWN_ENI,
  VpcLab,
  addressesOf,
  assign,
  describeEni,
  prefixesOf
} from '../helpers/vpc-lab.js';

const primaryRefused = (address: string) =>
  `Value (${address}) for parameter privateIpAddress is invalid. The primary IP address of an interface cannot be unassigned.`;
const notAssigned = (eni: string) => `Some of the specified addresses are not assigned to interface ${eni}`;

describe('UnassignPrivateIpAddresses', () => {
  let server: TestServer;
  let lab: VpcLab;
  const unassign = (input: UnassignPrivateIpAddressesCommandInput) =>
    server.ec2.send(new UnassignPrivateIpAddressesCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  /** An interface with primary 10, secondaries 20, 21, 22 and prefixes 32/28 and 48/28, in a fresh /24. */
  async function loaded(): Promise<{ subnet: LabSubnet; id: string }> {
    const subnet = await lab.subnet();
    const id = (await subnet.eni({ PrivateIpAddress: subnet.at(10) })).NetworkInterfaceId!;
    await assign(server, { NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20), subnet.at(21), subnet.at(22)] });
    await assign(server, { NetworkInterfaceId: id, Ipv4Prefixes: [subnet.prefix(32), subnet.prefix(48)] });
    assert.equal(await subnet.available(), 251 - 4 - 32);
    return { subnet, id };
  }

  describe('serializations', () => {
    it('answers the SDK with an empty success', async () => {
      const { subnet, id } = await loaded();
      const out = await unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20)] });
      assert.equal(out.$metadata.httpStatusCode, 200);
    });

    it('reads PrivateIpAddress.N and Ipv4Prefix.N as plain strings and renders <return>true</return>', async () => {
      const { subnet, id } = await loaded();
      const response = await server.query({
        Action: 'UnassignPrivateIpAddresses',
        NetworkInterfaceId: id,
        'PrivateIpAddress.1': subnet.at(21),
        'PrivateIpAddress.2': subnet.at(22)
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.UnassignPrivateIpAddressesResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.equal(root.return, 'true');
      const prefixes = await server.query({
        Action: 'UnassignPrivateIpAddresses',
        NetworkInterfaceId: id,
        'Ipv4Prefix.1': subnet.prefix(48)
      });
      assert.equal(prefixes.status, 200, prefixes.text);
      const eni = await describeEni(server, id);
      assert.deepEqual(addressesOf(eni), [subnet.at(10), subnet.at(20)]);
      assert.deepEqual(prefixesOf(eni), [subnet.prefix(32)]);
    });

    it('has no DryRun member in the EC2 model', async () => {
      const { subnet, id } = await loaded();
      assertXmlError(
        await server.query({
          Action: 'UnassignPrivateIpAddresses',
          NetworkInterfaceId: id,
          'PrivateIpAddress.1': subnet.at(20),
          DryRun: true
        }),
        400,
        'UnknownParameter',
        'The parameter DryRun is not recognized'
      );
      assert.equal(addressesOf(await describeEni(server, id)).length, 4);
    });

    it('answers the AWS CLI: --private-ip-addresses a b, then --ipv4-prefixes', async () => {
      const { subnet, id } = await loaded();
      const addresses = await server.aws(
        'ec2',
        'unassign-private-ip-addresses',
        '--network-interface-id',
        id,
        '--private-ip-addresses',
        subnet.at(20),
        subnet.at(22)
      );
      assert.equal(addresses.code, 0, addresses.stderr);
      assert.equal(addresses.stdout.trim(), '');
      const prefixes = await server.aws(
        'ec2',
        'unassign-private-ip-addresses',
        '--network-interface-id',
        id,
        '--ipv4-prefixes',
        subnet.prefix(32)
      );
      assert.equal(prefixes.code, 0, prefixes.stderr);
      const eni = await describeEni(server, id);
      assert.deepEqual(addressesOf(eni), [subnet.at(10), subnet.at(21)]);
      assert.deepEqual(prefixesOf(eni), [subnet.prefix(48)]);
    });

    it('answers on the JSON face', async () => {
      const { subnet, id } = await loaded();
      const ok = await server.json({
        Action: 'UnassignPrivateIpAddresses',
        NetworkInterfaceId: id,
        PrivateIpAddresses: [subnet.at(21)]
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.data.Return, true);
      const failed = await server.json({
        Action: 'UnassignPrivateIpAddresses',
        NetworkInterfaceId: id,
        PrivateIpAddresses: [subnet.at(10)]
      });
      assert.equal(failed.status, 400);
      assert.equal(failed.json.error.ec2Code, 'InvalidParameterValue');
      assert.equal(failed.json.error.message, primaryRefused(subnet.at(10)));
    });
  });

  describe('validations', () => {
    let subnet: LabSubnet;
    let id: string;
    /** Another interface of the same subnet, holding secondary 70 and prefix 80/28. */
    let other: string;

    before(async () => {
      ({ subnet, id } = await loaded());
      other = (await subnet.eni({ PrivateIpAddress: subnet.at(69) })).NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: other, PrivateIpAddresses: [subnet.at(70)] });
      await assign(server, { NetworkInterfaceId: other, Ipv4Prefixes: [subnet.prefix(80)] });
    });

    async function assertUnchanged(): Promise<void> {
      const eni = await describeEni(server, id);
      assert.deepEqual(addressesOf(eni), [subnet.at(10), subnet.at(20), subnet.at(21), subnet.at(22)]);
      assert.deepEqual(prefixesOf(eni), [subnet.prefix(32), subnet.prefix(48)]);
      assert.deepEqual(addressesOf(await describeEni(server, other)), [subnet.at(69), subnet.at(70)]);
      assert.equal(await subnet.available(), 251 - 4 - 32 - 2 - 16);
    }

    it('NetworkInterfaceId is required; a malformed or unknown id is refused', async () => {
      await assertSdkError(
        unassign({ PrivateIpAddresses: [subnet.at(20)] } as UnassignPrivateIpAddressesCommandInput),
        'MissingParameter',
        'The request must contain the parameter NetworkInterfaceId'
      );
      await assertSdkError(
        unassign({ NetworkInterfaceId: 'eni-nothex', PrivateIpAddresses: [subnet.at(20)] }),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "eni-nothex" (expecting "eni-...")'
      );
      await assertSdkError(
        unassign({ NetworkInterfaceId: UNKNOWN_ENI, PrivateIpAddresses: [subnet.at(20)] }),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
      assertCliError(
        await server.aws(
          'ec2',
          'unassign-private-ip-addresses',
          '--network-interface-id',
          UNKNOWN_ENI,
          '--private-ip-addresses',
          subnet.at(20)
        ),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
      await assertUnchanged();
    });

    it('nothing to unassign: MissingParameter', async () => {
      await assertSdkError(
        unassign({ NetworkInterfaceId: id }),
        'MissingParameter',
        'The request must contain the parameter PrivateIpAddress'
      );
      await assertUnchanged();
    });

    it('the primary address is refused, and the secondaries named with it stay', async () => {
      await assertSdkError(
        unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(10)] }),
        'InvalidParameterValue',
        primaryRefused(subnet.at(10))
      );
      await assertSdkError(
        unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20), subnet.at(10), subnet.at(21)] }),
        'InvalidParameterValue',
        primaryRefused(subnet.at(10))
      );
      assertCliError(
        await server.aws(
          'ec2',
          'unassign-private-ip-addresses',
          '--network-interface-id',
          id,
          '--private-ip-addresses',
          subnet.at(10)
        ),
        'InvalidParameterValue',
        primaryRefused(subnet.at(10))
      );
      await assertUnchanged();
    });

    it('an address not on this interface is refused, whether free or held by another, and nothing changes', async () => {
      for (const address of [subnet.at(100), subnet.at(70), subnet.at(69), subnet.at(85), '192.168.0.1']) {
        await assertSdkError(
          unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20), address] }),
          'InvalidParameterValue',
          notAssigned(id)
        );
      }
      // An address inside one of its own prefixes is not one of its private addresses either.
      await assertSdkError(
        unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(33)] }),
        'InvalidParameterValue',
        notAssigned(id)
      );
      assertCliError(
        await server.aws(
          'ec2',
          'unassign-private-ip-addresses',
          '--network-interface-id',
          id,
          '--private-ip-addresses',
          subnet.at(21),
          subnet.at(70)
        ),
        'InvalidParameterValue',
        notAssigned(id)
      );
      await assertUnchanged();
    });

    it('a prefix not delegated to this interface is refused, and nothing changes', async () => {
      for (const prefix of [subnet.prefix(80), subnet.prefix(96), `${subnet.at(33)}/28`, `${subnet.at(32)}/27`, 'x']) {
        await assertSdkError(
          unassign({ NetworkInterfaceId: id, Ipv4Prefixes: [subnet.prefix(32), prefix] }),
          'InvalidParameterValue',
          notAssigned(id)
        );
      }
      await assertSdkError(
        unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20)], Ipv4Prefixes: [subnet.prefix(96)] }),
        'InvalidParameterValue',
        notAssigned(id)
      );
      await assertUnchanged();
    });

    it('a bad address literal', async () => {
      await assertSdkError(
        unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20), '10.0.0.999'] }),
        'InvalidParameterValue',
        'invalid value for parameter address: 10.0.0.999'
      );
      await assertUnchanged();
    });
  });

  describe('functionality', () => {
    it('removes secondaries, keeps the order of the rest, and gives each address back to the subnet', async () => {
      const { subnet, id } = await loaded();
      await unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(21)] });
      assert.deepEqual(addressesOf(await describeEni(server, id)), [subnet.at(10), subnet.at(20), subnet.at(22)]);
      assert.equal(await subnet.available(), 251 - 3 - 32);
      await unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(22), subnet.at(20)] });
      const eni = await describeEni(server, id);
      assert.deepEqual(addressesOf(eni), [subnet.at(10)]);
      assert.equal(eni.PrivateIpAddresses?.[0]?.Primary, true);
      assert.equal(await subnet.available(), 251 - 1 - 32);
    });

    it('removes prefixes, 16 addresses back each', async () => {
      const { subnet, id } = await loaded();
      await unassign({ NetworkInterfaceId: id, Ipv4Prefixes: [subnet.prefix(32)] });
      assert.deepEqual(prefixesOf(await describeEni(server, id)), [subnet.prefix(48)]);
      assert.equal(await subnet.available(), 251 - 4 - 16);
      await unassign({ NetworkInterfaceId: id, Ipv4Prefixes: [subnet.prefix(48)] });
      assert.deepEqual(prefixesOf(await describeEni(server, id)), []);
      assert.equal(await subnet.available(), 251 - 4);
    });

    it('a freed address and prefix can be taken by another interface without AllowReassignment', async () => {
      const { subnet, id } = await loaded();
      await unassign({ NetworkInterfaceId: id, PrivateIpAddresses: [subnet.at(20)] });
      await unassign({ NetworkInterfaceId: id, Ipv4Prefixes: [subnet.prefix(32)] });
      const other = (await subnet.eni({ PrivateIpAddress: subnet.at(100) })).NetworkInterfaceId!;
      assert.deepEqual(
        (await assign(server, { NetworkInterfaceId: other, PrivateIpAddresses: [subnet.at(20)] })).addresses,
        [subnet.at(20)]
      );
      assert.deepEqual(
        (await assign(server, { NetworkInterfaceId: other, Ipv4Prefixes: [subnet.prefix(32)] })).prefixes,
        [subnet.prefix(32)]
      );
      assert.equal(await subnet.available(), 251 - 5 - 32);
    });

    it('a full subnet has room again after an unassign', async () => {
      const subnet = await lab.subnet(28);
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 10 });
      const id = eni.NetworkInterfaceId!;
      assert.equal(await subnet.available(), 0);
      const freed = addressesOf(eni).slice(3, 6);
      await unassign({ NetworkInterfaceId: id, PrivateIpAddresses: freed });
      assert.equal(await subnet.available(), 3);
      const { addresses } = await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 3 });
      assert.deepEqual([...addresses].sort(), [...freed].sort());
      assert.equal(await subnet.available(), 0);
    });
  });
});
