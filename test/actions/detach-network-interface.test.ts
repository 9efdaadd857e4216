import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DetachNetworkInterfaceCommand,
  type DetachNetworkInterfaceCommandInput
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';
import { UNKNOWN_ATTACHMENT, attach, describeInstance, launch } from '../helpers/attach-lab.js';
import { type LabSubnet, VpcLab, addressesOf, assign, describeEni, prefixesOf, toInt } from '../helpers/vpc-lab.js';

const notFound = (id: string) => `The interface attachment '${id}' does not exist.`;
const inUse = (id: string) => `Network interface '${id}' is currently in use.`;

describe('DetachNetworkInterface', () => {
  let server: TestServer;
  let lab: VpcLab;
  const send = (input: DetachNetworkInterfaceCommandInput) => server.ec2.send(new DetachNetworkInterfaceCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  /** A t3.medium in a fresh subnet with one extra interface attached at device index 1. */
  async function attached(): Promise<{
    subnet: LabSubnet;
    instanceId: string;
    primaryEniId: string;
    eniId: string;
    attachmentId: string;
  }> {
    const subnet = await lab.subnet();
    const { instanceId, primaryEniId } = await launch(server, subnet, 't3.medium');
    const eni = await subnet.eni();
    const attachmentId = await attach(server, {
      NetworkInterfaceId: eni.NetworkInterfaceId,
      InstanceId: instanceId,
      DeviceIndex: 1
    });
    return { subnet, instanceId, primaryEniId, eniId: eni.NetworkInterfaceId!, attachmentId };
  }

  describe('serializations', () => {
    it('answers the SDK with an empty success', async () => {
      const { attachmentId } = await attached();
      const out = await send({ AttachmentId: attachmentId });
      assert.equal(out.$metadata.httpStatusCode, 200);
    });

    it('renders <return>true</return> under DetachNetworkInterfaceResponse', async () => {
      const { attachmentId } = await attached();
      const response = await server.query({
        Action: 'DetachNetworkInterface',
        AttachmentId: attachmentId,
        Force: true
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.DetachNetworkInterfaceResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(root.return, 'true');
    });

    it('answers the AWS CLI with nothing printed', async () => {
      const { attachmentId, eniId } = await attached();
      const result = await server.aws('ec2', 'detach-network-interface', '--attachment-id', attachmentId, '--force');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), '');
      assert.equal((await describeEni(server, eniId)).Status, 'available');
    });

    it('answers on the JSON face', async () => {
      const { attachmentId } = await attached();
      const ok = await server.json({ Action: 'DetachNetworkInterface', AttachmentId: attachmentId });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.data.Return, true);
    });

    it('DryRun answers DryRunOperation (412) and detaches nothing', async () => {
      const { attachmentId, eniId } = await attached();
      await assertSdkError(
        send({ AttachmentId: attachmentId, DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
      assert.equal((await describeEni(server, eniId)).Status, 'in-use');
    });
  });

  describe('validations', () => {
    it('AttachmentId is required', async () => {
      await assertSdkError(
        send({} as DetachNetworkInterfaceCommandInput),
        'MissingParameter',
        'The request must contain the parameter AttachmentId'
      );
    });

    it('a malformed id: InvalidNetworkInterfaceAttachmentId.Malformed', async () => {
      await assertSdkError(
        send({ AttachmentId: 'eni-0123456789abcdef0' }),
        'InvalidNetworkInterfaceAttachmentId.Malformed',
        'Invalid id: "eni-0123456789abcdef0" (expecting "eni-attach-...")'
      );
      assertXmlError(
        await server.query({ Action: 'DetachNetworkInterface', AttachmentId: 'x' }),
        400,
        'InvalidNetworkInterfaceAttachmentId.Malformed',
        'Invalid id: "x" (expecting "eni-attach-...")'
      );
    });

    it('an unknown id: InvalidAttachmentID.NotFound', async () => {
      await assertSdkError(
        send({ AttachmentId: UNKNOWN_ATTACHMENT }),
        'InvalidAttachmentID.NotFound',
        notFound(UNKNOWN_ATTACHMENT)
      );
      assertCliError(
        await server.aws('ec2', 'detach-network-interface', '--attachment-id', UNKNOWN_ATTACHMENT),
        'InvalidAttachmentID.NotFound',
        notFound(UNKNOWN_ATTACHMENT)
      );
      const json = await server.json({ Action: 'DetachNetworkInterface', AttachmentId: UNKNOWN_ATTACHMENT });
      assert.equal(json.status, 400);
      assert.equal(json.json.error.code, 'NOT_FOUND');
    });
  });

  describe('functionality', () => {
    it('the interface becomes available, leaves DescribeInstances, and its attachment id is gone', async () => {
      const { instanceId, eniId, attachmentId } = await attached();
      await send({ AttachmentId: attachmentId });
      const eni = await describeEni(server, eniId);
      assert.equal(eni.Status, 'available');
      assert.equal(eni.Attachment, undefined);
      const instance = await describeInstance(server, instanceId);
      assert.deepEqual(
        instance.NetworkInterfaces?.map((n) => n.Attachment?.DeviceIndex),
        [0]
      );
      // Detaching twice: the attachment no longer exists (Terraform treats this as success).
      await assertSdkError(
        send({ AttachmentId: attachmentId }),
        'InvalidAttachmentID.NotFound',
        notFound(attachmentId)
      );
    });

    it('the primary interface (device index 0) cannot be detached: OperationNotPermitted', async () => {
      const { instanceId, primaryEniId } = await attached();
      const primary = await describeEni(server, primaryEniId);
      const attachmentId = primary.Attachment!.AttachmentId!;
      await assertSdkError(
        send({ AttachmentId: attachmentId }),
        'OperationNotPermitted',
        'The network interface at device index 0 and networkCard index 0 cannot be detached.'
      );
      await assertSdkError(
        send({ AttachmentId: attachmentId, Force: true }),
        'OperationNotPermitted',
        'The network interface at device index 0 and networkCard index 0 cannot be detached.'
      );
      assertCliError(
        await server.aws('ec2', 'detach-network-interface', '--attachment-id', attachmentId),
        'OperationNotPermitted',
        'The network interface at device index 0 and networkCard index 0 cannot be detached.'
      );
      const still = await describeEni(server, primaryEniId);
      assert.equal(still.Status, 'in-use');
      assert.equal(still.Attachment?.InstanceId, instanceId);
    });

    it('addresses, prefixes and Elastic IPs stay on the interface', async () => {
      const { subnet, eniId, attachmentId } = await attached();
      await assign(server, { NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 2 });
      await assign(server, { NetworkInterfaceId: eniId, Ipv4PrefixCount: 1 });
      const before = await describeEni(server, eniId);
      const available = await subnet.available();
      // An Elastic IP on the interface's primary address, put straight into the store.
      await server.emulator.store.transaction(async (tx) => {
        await tx.insertElasticIp({
          allocationId: 'eipalloc-0123456789abcdef0',
          publicIp: toInt('198.51.100.7'),
          ownerId: before.OwnerId!,
          association: {
            associationId: 'eipassoc-0123456789abcdef0',
            networkInterfaceId: eniId,
            privateIpAddress: toInt(before.PrivateIpAddress!)
          },
          tags: []
        });
      });
      await send({ AttachmentId: attachmentId });
      const after = await describeEni(server, eniId);
      assert.deepEqual(addressesOf(after), addressesOf(before));
      assert.deepEqual(prefixesOf(after), prefixesOf(before));
      assert.equal(after.Association?.PublicIp, '198.51.100.7');
      assert.equal(after.Association?.AllocationId, 'eipalloc-0123456789abcdef0');
      assert.equal(await subnet.available(), available);
    });

    it('a detached interface can be attached again, elsewhere, with a new attachment id', async () => {
      const { subnet, eniId, attachmentId } = await attached();
      const other = await launch(server, subnet, 'm5.large');
      await send({ AttachmentId: attachmentId });
      const again = await attach(server, { NetworkInterfaceId: eniId, InstanceId: other.instanceId, DeviceIndex: 2 });
      assert.notEqual(again, attachmentId);
      const eni = await describeEni(server, eniId);
      assert.equal(eni.Attachment?.InstanceId, other.instanceId);
      assert.equal(eni.Attachment?.DeviceIndex, 2);
    });

    it('the freed device index can be reused', async () => {
      const { subnet, instanceId, attachmentId } = await attached();
      await send({ AttachmentId: attachmentId });
      const next = await subnet.eni();
      await attach(server, { NetworkInterfaceId: next.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
    });
  });

  describe('DeleteNetworkInterface of an attached interface', () => {
    it('answers InvalidParameterValue "is currently in use." until it is detached', async () => {
      const { subnet, eniId, attachmentId, primaryEniId } = await attached();
      const available = await subnet.available();
      const remove = (id: string) => server.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
      await assertSdkError(remove(eniId), 'InvalidParameterValue', inUse(eniId));
      await assertSdkError(remove(primaryEniId), 'InvalidParameterValue', inUse(primaryEniId));
      assertCliError(
        await server.aws('ec2', 'delete-network-interface', '--network-interface-id', eniId),
        'InvalidParameterValue',
        inUse(eniId)
      );
      assert.equal((await describeEni(server, eniId)).Status, 'in-use');
      assert.equal(await subnet.available(), available);
      await send({ AttachmentId: attachmentId });
      await remove(eniId);
      assert.equal(await subnet.available(), available + 1);
    });

    it('DeleteSubnet still refuses a subnet with interfaces in it', async () => {
      const { subnet } = await attached();
      await assertSdkError(
        server.ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.id })),
        'DependencyViolation',
        `The subnet '${subnet.id}' has dependencies and cannot be deleted.`
      );
    });
  });
});
