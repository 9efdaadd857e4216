import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ModifyNetworkInterfaceAttributeCommand,
  type ModifyNetworkInterfaceAttributeCommandInput,
  TerminateInstancesCommand
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';
import { UNKNOWN_ATTACHMENT, attach, launch } from '../helpers/attach-lab.js';
import { UNKNOWN_ENI, VpcLab, describeEni } from '../helpers/vpc-lab.js';

const SG_A = 'sg-0123456789abcdef0';
const SG_B = 'sg-0fedcba9876543210';

describe('ModifyNetworkInterfaceAttribute', () => {
  let server: TestServer;
  let lab: VpcLab;
  const send = (input: ModifyNetworkInterfaceAttributeCommandInput) =>
    server.ec2.send(new ModifyNetworkInterfaceAttributeCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with an empty success', async () => {
      const eni = await (await lab.subnet()).eni();
      const out = await send({ NetworkInterfaceId: eni.NetworkInterfaceId, Description: { Value: 'aws-K8S-i-1' } });
      assert.equal(out.$metadata.httpStatusCode, 200);
    });

    it('takes Description.Value and SourceDestCheck.Value on the wire and renders <return>true</return>', async () => {
      const eni = await (await lab.subnet()).eni();
      const id = eni.NetworkInterfaceId!;
      const response = await server.query({
        Action: 'ModifyNetworkInterfaceAttribute',
        NetworkInterfaceId: id,
        'Description.Value': 'wire'
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.ModifyNetworkInterfaceAttributeResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(root.return, 'true');
      assert.equal((await describeEni(server, id)).Description, 'wire');
      await server.query({
        Action: 'ModifyNetworkInterfaceAttribute',
        NetworkInterfaceId: id,
        'SourceDestCheck.Value': false
      });
      assert.equal((await describeEni(server, id)).SourceDestCheck, false);
      // A bare Description is not the model's name for it.
      assertXmlError(
        await server.query({ Action: 'ModifyNetworkInterfaceAttribute', NetworkInterfaceId: id, Description: 'x' }),
        400,
        'UnknownParameter',
        /Description/
      );
    });

    it('answers the AWS CLI: --description, --no-source-dest-check, --groups, --attachment', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      const attachmentId = await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      const run = (...args: string[]) =>
        server.aws('ec2', 'modify-network-interface-attribute', '--network-interface-id', id, ...args);
      for (const args of [
        ['--description', 'Value=from the CLI'],
        ['--no-source-dest-check'],
        ['--groups', SG_A, SG_B],
        ['--attachment', `AttachmentId=${attachmentId},DeleteOnTermination=true`]
      ]) {
        const result = await run(...args);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout.trim(), '');
      }
      const described = await describeEni(server, id);
      assert.equal(described.Description, 'from the CLI');
      assert.equal(described.SourceDestCheck, false);
      assert.deepEqual(
        described.Groups?.map((g) => g.GroupId),
        [SG_A, SG_B]
      );
      assert.equal(described.Attachment?.DeleteOnTermination, true);
      assertCliError(
        await run('--description', 'Value=a', '--source-dest-check'),
        'InvalidParameterCombination',
        'Fields for multiple attribute types specified: description, sourceDestCheck'
      );
    });

    it('answers on the JSON face with the SDK member names', async () => {
      const eni = await (await lab.subnet()).eni();
      const ok = await server.json({
        Action: 'ModifyNetworkInterfaceAttribute',
        NetworkInterfaceId: eni.NetworkInterfaceId,
        SourceDestCheck: { Value: false }
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.data.Return, true);
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).SourceDestCheck, false);
    });

    it('DryRun answers DryRunOperation (412) and changes nothing', async () => {
      const eni = await (await lab.subnet()).eni({ Description: 'before' });
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, Description: { Value: 'after' }, DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).Description, 'before');
    });
  });

  describe('validations', () => {
    it('NetworkInterfaceId is required', async () => {
      await assertSdkError(
        send({ Description: { Value: 'x' } } as ModifyNetworkInterfaceAttributeCommandInput),
        'MissingParameter',
        'The request must contain the parameter NetworkInterfaceId'
      );
    });

    it('no attribute at all, or only an empty group list: InvalidParameterCombination "No attributes specified."', async () => {
      const eni = await (await lab.subnet()).eni();
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId }),
        'InvalidParameterCombination',
        'No attributes specified.'
      );
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, Groups: [] }),
        'InvalidParameterCombination',
        'No attributes specified.'
      );
      assertCliError(
        await server.aws(
          'ec2',
          'modify-network-interface-attribute',
          '--network-interface-id',
          eni.NetworkInterfaceId!
        ),
        'InvalidParameterCombination',
        'No attributes specified.'
      );
    });

    it('more than one attribute: InvalidParameterCombination naming them', async () => {
      const eni = await (await lab.subnet()).eni({ Description: 'kept' });
      await assertSdkError(
        send({
          NetworkInterfaceId: eni.NetworkInterfaceId,
          Description: { Value: 'x' },
          SourceDestCheck: { Value: false },
          Groups: [SG_A]
        }),
        'InvalidParameterCombination',
        'Fields for multiple attribute types specified: description, sourceDestCheck, groupSet'
      );
      const described = await describeEni(server, eni.NetworkInterfaceId!);
      assert.equal(described.Description, 'kept');
      assert.equal(described.SourceDestCheck, true);
    });

    it('malformed and unknown interface ids', async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: 'eni_1', Description: { Value: 'x' } }),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "eni_1" (expecting "eni-...")'
      );
      await assertSdkError(
        send({ NetworkInterfaceId: UNKNOWN_ENI, Description: { Value: 'x' } }),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
    });

    it('a malformed security group id', async () => {
      const eni = await (await lab.subnet()).eni();
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, Groups: [SG_A, 'default'] }),
        'InvalidGroupId.Malformed',
        'Invalid id: "default" (expecting "sg-...")'
      );
    });

    it('a description longer than 255 characters', async () => {
      const eni = await (await lab.subnet()).eni();
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, Description: { Value: 'd'.repeat(256) } }),
        'InvalidParameterValue',
        'Value for parameter Description.Value is invalid. It must be at most 255 characters long.'
      );
    });

    it('Attachment without AttachmentId, or with a malformed one', async () => {
      const eni = await (await lab.subnet()).eni();
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, Attachment: { DeleteOnTermination: true } }),
        'MissingParameter',
        'The request must contain the parameter Attachment.AttachmentId'
      );
      await assertSdkError(
        send({
          NetworkInterfaceId: eni.NetworkInterfaceId,
          Attachment: { AttachmentId: 'attach-1', DeleteOnTermination: true }
        }),
        'InvalidNetworkInterfaceAttachmentId.Malformed',
        'Invalid id: "attach-1" (expecting "eni-attach-...")'
      );
    });
  });

  describe('functionality', () => {
    it('Description and SourceDestCheck change and show in DescribeNetworkInterfaces', async () => {
      const eni = await (await lab.subnet()).eni();
      const id = eni.NetworkInterfaceId!;
      await send({ NetworkInterfaceId: id, Description: { Value: 'Cilium-CNI (i-1)' } });
      await send({ NetworkInterfaceId: id, SourceDestCheck: { Value: false } });
      let described = await describeEni(server, id);
      assert.equal(described.Description, 'Cilium-CNI (i-1)');
      assert.equal(described.SourceDestCheck, false);
      await send({ NetworkInterfaceId: id, SourceDestCheck: { Value: true } });
      await send({ NetworkInterfaceId: id, Description: { Value: '' } });
      described = await describeEni(server, id);
      assert.equal(described.SourceDestCheck, true);
      assert.equal(described.Description, '');
    });

    it('SecurityGroupId.N replaces the groups; the VPC default group keeps its name', async () => {
      const eni = await (await lab.subnet()).eni();
      const id = eni.NetworkInterfaceId!;
      const defaultGroup = eni.Groups![0]!;
      assert.equal(defaultGroup.GroupName, 'default');
      await send({ NetworkInterfaceId: id, Groups: [SG_A, defaultGroup.GroupId!, SG_A] });
      const described = await describeEni(server, id);
      assert.deepEqual(
        described.Groups?.map((g) => [g.GroupId, g.GroupName]),
        [
          [SG_A, undefined],
          [defaultGroup.GroupId, 'default']
        ]
      );
    });

    it('Attachment.DeleteOnTermination=true makes the interface go with its instance', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      const id = eni.NetworkInterfaceId!;
      const attachmentId = await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      const available = await subnet.available();
      await send({ NetworkInterfaceId: id, Attachment: { AttachmentId: attachmentId, DeleteOnTermination: true } });
      assert.equal((await describeEni(server, id)).Attachment?.DeleteOnTermination, true);
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      assert.deepEqual(await subnet.interfaces(), []);
      // The launch's interface (1 address) and this one (3) went back to the subnet.
      assert.equal(await subnet.available(), available + 4);
    });

    it('Attachment.DeleteOnTermination=false on the primary interface keeps it after termination', async () => {
      const subnet = await lab.subnet();
      const { instanceId, primaryEniId } = await launch(server, subnet, 't3.medium');
      const primary = await describeEni(server, primaryEniId);
      assert.equal(primary.Attachment?.DeleteOnTermination, true);
      await send({
        NetworkInterfaceId: primaryEniId,
        Attachment: { AttachmentId: primary.Attachment.AttachmentId, DeleteOnTermination: false }
      });
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      const left = await describeEni(server, primaryEniId);
      assert.equal(left.Status, 'available');
      assert.equal(left.PrivateIpAddress, primary.PrivateIpAddress);
    });

    it("an attachment id that is not the interface's", async () => {
      const subnet = await lab.subnet();
      const { instanceId, primaryEniId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      // Not attached at all.
      await assertSdkError(
        send({ NetworkInterfaceId: id, Attachment: { AttachmentId: UNKNOWN_ATTACHMENT, DeleteOnTermination: true } }),
        'InvalidAttachmentID.NotFound',
        `The interface attachment '${UNKNOWN_ATTACHMENT}' does not exist.`
      );
      const attachmentId = await attach(server, { NetworkInterfaceId: id, InstanceId: instanceId, DeviceIndex: 1 });
      const primaryAttachment = (await describeEni(server, primaryEniId)).Attachment!.AttachmentId!;
      // Another interface's attachment.
      await assertSdkError(
        send({ NetworkInterfaceId: id, Attachment: { AttachmentId: primaryAttachment, DeleteOnTermination: true } }),
        'InvalidParameterValue',
        `The attachment '${primaryAttachment}' does not belong to network interface '${id}'.`
      );
      assertCliError(
        await server.aws(
          'ec2',
          'modify-network-interface-attribute',
          '--network-interface-id',
          primaryEniId,
          '--attachment',
          `AttachmentId=${attachmentId},DeleteOnTermination=false`
        ),
        'InvalidParameterValue',
        `The attachment '${attachmentId}' does not belong to network interface '${primaryEniId}'.`
      );
      assert.equal((await describeEni(server, id)).Attachment?.DeleteOnTermination, false);
      assert.equal((await describeEni(server, primaryEniId)).Attachment?.DeleteOnTermination, true);
    });
  });
});
