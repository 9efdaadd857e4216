import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteNetworkInterfaceCommand, type DeleteNetworkInterfaceCommandInput } from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';
import { UNKNOWN_ENI, VpcLab, addressesOf, assign, describeEni, prefixesOf } from '../helpers/vpc-lab.js';

const notFound = (id: string) => `The networkInterface ID '${id}' does not exist`;

describe('DeleteNetworkInterface', () => {
  let server: TestServer;
  let lab: VpcLab;
  const remove = (input: DeleteNetworkInterfaceCommandInput) =>
    server.ec2.send(new DeleteNetworkInterfaceCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with an empty success', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const out = await remove({ NetworkInterfaceId: eni.NetworkInterfaceId });
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    });

    it('renders <return>true</return> under DeleteNetworkInterfaceResponse', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const response = await server.query({
        Action: 'DeleteNetworkInterface',
        NetworkInterfaceId: eni.NetworkInterfaceId!
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.DeleteNetworkInterfaceResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(root.return, 'true');
    });

    it('answers the AWS CLI with nothing printed', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const result = await server.aws(
        'ec2',
        'delete-network-interface',
        '--network-interface-id',
        eni.NetworkInterfaceId!
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), '');
      assert.deepEqual(await subnet.interfaces(), []);
    });

    it('answers on the JSON face', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      const ok = await server.json({ Action: 'DeleteNetworkInterface', NetworkInterfaceId: eni.NetworkInterfaceId });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.success, true);
      assert.equal(ok.json.data.Return, true);
    });
  });

  describe('validations', () => {
    it('NetworkInterfaceId is required', async () => {
      await assertSdkError(
        remove({} as DeleteNetworkInterfaceCommandInput),
        'MissingParameter',
        'The request must contain the parameter NetworkInterfaceId'
      );
    });

    it('a malformed id', async () => {
      await assertSdkError(
        remove({ NetworkInterfaceId: 'eni_123' }),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "eni_123" (expecting "eni-...")'
      );
      assertXmlError(
        await server.query({ Action: 'DeleteNetworkInterface', NetworkInterfaceId: 'x' }),
        400,
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "x" (expecting "eni-...")'
      );
    });

    it('an unknown id, and one already deleted: InvalidNetworkInterfaceID.NotFound', async () => {
      await assertSdkError(
        remove({ NetworkInterfaceId: UNKNOWN_ENI }),
        'InvalidNetworkInterfaceID.NotFound',
        notFound(UNKNOWN_ENI)
      );
      assertCliError(
        await server.aws('ec2', 'delete-network-interface', '--network-interface-id', UNKNOWN_ENI),
        'InvalidNetworkInterfaceID.NotFound',
        notFound(UNKNOWN_ENI)
      );
      const subnet = await lab.subnet();
      const id = (await subnet.eni()).NetworkInterfaceId!;
      await remove({ NetworkInterfaceId: id });
      await assertSdkError(remove({ NetworkInterfaceId: id }), 'InvalidNetworkInterfaceID.NotFound', notFound(id));
    });

    it('DryRun answers 412 DryRunOperation and deletes nothing; a dry run on an unknown id answers NotFound', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      const id = eni.NetworkInterfaceId!;
      await assertSdkError(
        remove({ NetworkInterfaceId: id, DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
      assertCliError(
        await server.aws('ec2', 'delete-network-interface', '--network-interface-id', id, '--dry-run'),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.'
      );
      assert.deepEqual(addressesOf(await describeEni(server, id)), addressesOf(eni));
      assert.equal(await subnet.available(), 251 - 3);
      await assertSdkError(
        remove({ NetworkInterfaceId: UNKNOWN_ENI, DryRun: true }),
        'InvalidNetworkInterfaceID.NotFound',
        notFound(UNKNOWN_ENI)
      );
    });
  });

  describe('functionality', () => {
    it('gives every address and prefix back to the subnet', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni({
        PrivateIpAddresses: [10, 11, 12, 13].map((offset, i) => ({
          PrivateIpAddress: subnet.at(offset),
          Primary: i === 0
        }))
      });
      const id = eni.NetworkInterfaceId!;
      await assign(server, { NetworkInterfaceId: id, Ipv4Prefixes: [subnet.prefix(128)] });
      await assign(server, { NetworkInterfaceId: id, Ipv4PrefixCount: 1 });
      await assign(server, { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 });
      const held = await describeEni(server, id);
      assert.equal(await subnet.available(), 251 - 5 - 32);

      await remove({ NetworkInterfaceId: id });
      assert.equal(await subnet.available(), 251);
      assert.deepEqual(await subnet.interfaces(), []);

      // Each freed address and prefix can be taken again, by anyone.
      const next = await subnet.eni({
        PrivateIpAddresses: addressesOf(held).map((PrivateIpAddress, i) => ({ PrivateIpAddress, Primary: i === 0 }))
      });
      assert.deepEqual(addressesOf(next), addressesOf(held));
      const { prefixes } = await assign(server, {
        NetworkInterfaceId: next.NetworkInterfaceId,
        Ipv4Prefixes: prefixesOf(held)
      });
      assert.deepEqual(prefixes, prefixesOf(held));
      assert.equal(await subnet.available(), 251 - 5 - 32);
    });

    it('leaves the other interfaces of the subnet alone', async () => {
      const subnet = await lab.subnet();
      const keep = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      const drop = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      await remove({ NetworkInterfaceId: drop.NetworkInterfaceId });
      assert.deepEqual(
        (await subnet.interfaces()).map((e) => e.NetworkInterfaceId),
        [keep.NetworkInterfaceId]
      );
      assert.deepEqual(addressesOf(await describeEni(server, keep.NetworkInterfaceId!)), addressesOf(keep));
      assert.equal(await subnet.available(), 251 - 3);
    });

    it('frees a full subnet for new interfaces', async () => {
      const subnet = await lab.subnet(28);
      const first = await subnet.eni({ SecondaryPrivateIpAddressCount: 10 });
      assert.equal(await subnet.available(), 0);
      await remove({ NetworkInterfaceId: first.NetworkInterfaceId });
      assert.equal(await subnet.available(), 11);
      const second = await subnet.eni({ SecondaryPrivateIpAddressCount: 10 });
      assert.deepEqual([...addressesOf(second)].sort(), [...addressesOf(first)].sort());
    });
  });
});
