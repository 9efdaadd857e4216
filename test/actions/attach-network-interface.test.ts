import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttachNetworkInterfaceCommand,
  type AttachNetworkInterfaceCommandInput,
  DescribeNetworkInterfacesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  startTestServer
} from '../helpers/ec2lite.js';
import { UNKNOWN_INSTANCE, attach, describeInstance, launch, subnetInZone } from '../helpers/attach-lab.js';
import { UNKNOWN_ENI, VpcLab, addressesOf, describeEni } from '../helpers/vpc-lab.js';

const inUse = (eni: string) => `Interface: [${eni}] in use.`;
const deviceTaken = (instance: string, index: number) =>
  `Instance '${instance}' already has an interface attached at device index '${index}'.`;

describe('AttachNetworkInterface', () => {
  let server: TestServer;
  let lab: VpcLab;
  const send = (input: AttachNetworkInterfaceCommandInput) => server.ec2.send(new AttachNetworkInterfaceCommand(input));

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with the attachment id and network card index', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const out = await send({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.match(out.AttachmentId ?? '', /^eni-attach-[0-9a-f]{17}$/);
      assert.equal(out.NetworkCardIndex, 0);
    });

    it('renders attachmentId and networkCardIndex under AttachNetworkInterfaceResponse', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const response = await server.query({
        Action: 'AttachNetworkInterface',
        NetworkInterfaceId: eni.NetworkInterfaceId!,
        InstanceId: instanceId,
        DeviceIndex: 2
      });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.AttachNetworkInterfaceResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      assert.match(root.requestId, /^[0-9a-f-]{36}$/);
      assert.match(root.attachmentId, /^eni-attach-[0-9a-f]{17}$/);
      assert.equal(root.networkCardIndex, '0');
    });

    it('answers the AWS CLI', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const result = await server.aws(
        'ec2',
        'attach-network-interface',
        '--network-interface-id',
        eni.NetworkInterfaceId!,
        '--instance-id',
        instanceId,
        '--device-index',
        '1'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.json.AttachmentId, /^eni-attach-[0-9a-f]{17}$/);
      assert.equal(result.json.NetworkCardIndex, 0);
      assert.equal(
        (await describeEni(server, eni.NetworkInterfaceId!)).Attachment?.AttachmentId,
        result.json.AttachmentId
      );
    });

    it('answers on the JSON face', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const ok = await server.json({
        Action: 'AttachNetworkInterface',
        NetworkInterfaceId: eni.NetworkInterfaceId,
        InstanceId: instanceId,
        DeviceIndex: 1
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.success, true);
      assert.match(ok.json.data.AttachmentId, /^eni-attach-[0-9a-f]{17}$/);
      assert.equal(ok.json.data.NetworkCardIndex, 0);
      const taken = await server.json({
        Action: 'AttachNetworkInterface',
        NetworkInterfaceId: eni.NetworkInterfaceId,
        InstanceId: instanceId,
        DeviceIndex: 2
      });
      assert.equal(taken.status, 400);
      assert.equal(taken.json.error.ec2Code, 'InvalidNetworkInterface.InUse');
      assert.equal(taken.json.error.code, 'CONFLICT');
    });

    it('accepts EnaSrdSpecification and an explicit NetworkCardIndex', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 'm5.large');
      const eni = await subnet.eni();
      const out = await send({
        NetworkInterfaceId: eni.NetworkInterfaceId,
        InstanceId: instanceId,
        DeviceIndex: 1,
        NetworkCardIndex: 0,
        EnaSrdSpecification: { EnaSrdEnabled: true, EnaSrdUdpSpecification: { EnaSrdUdpEnabled: true } }
      });
      assert.equal(out.NetworkCardIndex, 0);
    });

    it('DryRun answers DryRunOperation (412) and attaches nothing', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1, DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).Status, 'available');
      // A dry run that would fail answers the failure.
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 0, DryRun: true }),
        'InvalidParameterValue',
        deviceTaken(instanceId, 0)
      );
    });
  });

  describe('validations', () => {
    it('NetworkInterfaceId, InstanceId and DeviceIndex are required', async () => {
      await assertSdkError(
        send({ InstanceId: UNKNOWN_INSTANCE, DeviceIndex: 1 } as AttachNetworkInterfaceCommandInput),
        'MissingParameter',
        'The request must contain the parameter NetworkInterfaceId'
      );
      await assertSdkError(
        send({ NetworkInterfaceId: UNKNOWN_ENI, DeviceIndex: 1 } as AttachNetworkInterfaceCommandInput),
        'MissingParameter',
        'The request must contain the parameter InstanceId'
      );
      assertXmlError(
        await server.query({
          Action: 'AttachNetworkInterface',
          NetworkInterfaceId: UNKNOWN_ENI,
          InstanceId: UNKNOWN_INSTANCE
        }),
        400,
        'MissingParameter',
        'The request must contain the parameter DeviceIndex'
      );
    });

    it('a negative DeviceIndex', async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: UNKNOWN_ENI, InstanceId: UNKNOWN_INSTANCE, DeviceIndex: -1 }),
        'InvalidParameterValue',
        /^Value \(-1\) for parameter DeviceIndex is invalid\./
      );
    });

    it('malformed ids, the interface first', async () => {
      await assertSdkError(
        send({ NetworkInterfaceId: 'eni_1', InstanceId: 'i_1', DeviceIndex: 1 }),
        'InvalidNetworkInterfaceId.Malformed',
        'Invalid id: "eni_1" (expecting "eni-...")'
      );
      await assertSdkError(
        send({ NetworkInterfaceId: UNKNOWN_ENI, InstanceId: 'i_1', DeviceIndex: 1 }),
        'InvalidInstanceID.Malformed',
        'Invalid id: "i_1" (expecting "i-...")'
      );
    });

    it('unknown ids: InvalidNetworkInterfaceID.NotFound, InvalidInstanceID.NotFound', async () => {
      const subnet = await lab.subnet();
      const eni = await subnet.eni();
      await assertSdkError(
        send({ NetworkInterfaceId: UNKNOWN_ENI, InstanceId: UNKNOWN_INSTANCE, DeviceIndex: 1 }),
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${UNKNOWN_ENI}' does not exist`
      );
      await assertSdkError(
        send({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: UNKNOWN_INSTANCE, DeviceIndex: 1 }),
        'InvalidInstanceID.NotFound',
        `The instance ID '${UNKNOWN_INSTANCE}' does not exist`
      );
      assertCliError(
        await server.aws(
          'ec2',
          'attach-network-interface',
          '--network-interface-id',
          eni.NetworkInterfaceId!,
          '--instance-id',
          UNKNOWN_INSTANCE,
          '--device-index',
          '1'
        ),
        'InvalidInstanceID.NotFound',
        `The instance ID '${UNKNOWN_INSTANCE}' does not exist`
      );
    });
  });

  describe('functionality', () => {
    it('the interface turns in-use with its attachment, in DescribeNetworkInterfaces and DescribeInstances', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 2 });
      assert.equal(eni.Status, 'available');
      assert.equal(eni.Attachment, undefined);
      const before = Date.now();
      const attachmentId = await attach(server, {
        NetworkInterfaceId: eni.NetworkInterfaceId,
        InstanceId: instanceId,
        DeviceIndex: 1
      });

      const described = await describeEni(server, eni.NetworkInterfaceId!);
      assert.equal(described.Status, 'in-use');
      assert.equal(described.Attachment?.AttachmentId, attachmentId);
      assert.equal(described.Attachment?.InstanceId, instanceId);
      assert.equal(described.Attachment?.DeviceIndex, 1);
      assert.equal(described.Attachment?.NetworkCardIndex, 0);
      assert.equal(described.Attachment?.Status, 'attached');
      assert.equal(described.Attachment?.DeleteOnTermination, false);
      assert.equal(described.Attachment?.InstanceOwnerId, described.OwnerId);
      assert.ok(described.Attachment?.AttachTime instanceof Date);
      assert.ok(described.Attachment.AttachTime.getTime() >= before - 2000);
      assert.deepEqual(addressesOf(described), addressesOf(eni));

      const instance = await describeInstance(server, instanceId);
      const onInstance = instance.NetworkInterfaces?.find((n) => n.NetworkInterfaceId === eni.NetworkInterfaceId);
      assert.ok(onInstance, 'DescribeInstances lists the attached interface');
      assert.equal(onInstance.Attachment?.AttachmentId, attachmentId);
      assert.equal(onInstance.Attachment?.DeviceIndex, 1);
      assert.equal(onInstance.Attachment?.DeleteOnTermination, false);
      assert.equal(onInstance.Status, 'in-use');
      assert.deepEqual(
        instance.NetworkInterfaces?.map((n) => n.Attachment?.DeviceIndex),
        [0, 1]
      );

      const { NetworkInterfaces } = await server.ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'attachment.attachment-id', Values: [attachmentId] }]
        })
      );
      assert.deepEqual(
        NetworkInterfaces?.map((n) => n.NetworkInterfaceId),
        [eni.NetworkInterfaceId]
      );
    });

    it('an interface already attached: InvalidNetworkInterface.InUse, to the same or another instance', async () => {
      const subnet = await lab.subnet();
      const first = await launch(server, subnet, 't3.medium');
      const second = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      const id = eni.NetworkInterfaceId!;
      await attach(server, { NetworkInterfaceId: id, InstanceId: first.instanceId, DeviceIndex: 1 });
      await assertSdkError(
        send({ NetworkInterfaceId: id, InstanceId: first.instanceId, DeviceIndex: 2 }),
        'InvalidNetworkInterface.InUse',
        inUse(id)
      );
      await assertSdkError(
        send({ NetworkInterfaceId: id, InstanceId: second.instanceId, DeviceIndex: 1 }),
        'InvalidNetworkInterface.InUse',
        inUse(id)
      );
      // The primary interface of another instance likewise.
      await assertSdkError(
        send({ NetworkInterfaceId: second.primaryEniId, InstanceId: first.instanceId, DeviceIndex: 2 }),
        'InvalidNetworkInterface.InUse',
        inUse(second.primaryEniId)
      );
      assertCliError(
        await server.aws(
          'ec2',
          'attach-network-interface',
          '--network-interface-id',
          id,
          '--instance-id',
          second.instanceId,
          '--device-index',
          '1'
        ),
        'InvalidNetworkInterface.InUse',
        inUse(id)
      );
    });

    it('a device index taken on the card: InvalidParameterValue with the text cilium matches', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const [a, b] = [await subnet.eni(), await subnet.eni()];
      await assertSdkError(
        send({ NetworkInterfaceId: a.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 0 }),
        'InvalidParameterValue',
        deviceTaken(instanceId, 0)
      );
      await attach(server, { NetworkInterfaceId: a.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
      await assertSdkError(
        send({ NetworkInterfaceId: b.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidParameterValue',
        deviceTaken(instanceId, 1)
      );
      const cli = await server.aws(
        'ec2',
        'attach-network-interface',
        '--network-interface-id',
        b.NetworkInterfaceId!,
        '--instance-id',
        instanceId,
        '--device-index',
        '1'
      );
      assertCliError(cli, 'InvalidParameterValue', deviceTaken(instanceId, 1));
      assert.ok(cli.stderr.includes('interface attached at device'));
      // The next free index works, as cilium's retry expects.
      await attach(server, { NetworkInterfaceId: b.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 2 });
      assert.equal((await describeEni(server, b.NetworkInterfaceId!)).Status, 'in-use');
    });

    it('a device index far above the count is allowed while the count holds', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      await attach(server, { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 7 });
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).Attachment?.DeviceIndex, 7);
    });

    it('a network card the type does not have', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni();
      await assertSdkError(
        send({
          NetworkInterfaceId: eni.NetworkInterfaceId,
          InstanceId: instanceId,
          DeviceIndex: 1,
          NetworkCardIndex: 1
        }),
        'InvalidParameterValue',
        'Network card index 1 is not valid for instance type t3.medium.'
      );
      assert.equal((await describeEni(server, eni.NetworkInterfaceId!)).Status, 'available');
    });

    it('more interfaces than MaximumNetworkInterfaces: AttachmentLimitExceeded counting the new one', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const enis = [await subnet.eni(), await subnet.eni(), await subnet.eni()];
      await attach(server, { NetworkInterfaceId: enis[0]!.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
      await attach(server, { NetworkInterfaceId: enis[1]!.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 2 });
      await assertSdkError(
        send({ NetworkInterfaceId: enis[2]!.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 3 }),
        'AttachmentLimitExceeded',
        'Interface count 4 exceeds the limit for t3.medium'
      );
      assertCliError(
        await server.aws(
          'ec2',
          'attach-network-interface',
          '--network-interface-id',
          enis[2]!.NetworkInterfaceId!,
          '--instance-id',
          instanceId,
          '--device-index',
          '3'
        ),
        'AttachmentLimitExceeded',
        'Interface count 4 exceeds the limit for t3.medium'
      );
      const unchanged = await describeEni(server, enis[2]!.NetworkInterfaceId!);
      assert.equal(unchanged.Status, 'available');
      assert.equal(unchanged.Attachment, undefined);
      assert.equal((await describeInstance(server, instanceId)).NetworkInterfaces?.length, 3);
    });

    it('more interfaces on one network card than the card takes: AttachmentLimitExceeded', async () => {
      // hpc7a.12xlarge: 4 interfaces, 2 on each of its 2 cards.
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 'hpc7a.12xlarge');
      const enis = [await subnet.eni(), await subnet.eni(), await subnet.eni()];
      await attach(server, { NetworkInterfaceId: enis[0]!.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
      await assertSdkError(
        send({ NetworkInterfaceId: enis[1]!.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 2 }),
        'AttachmentLimitExceeded',
        'Interface count 3 exceeds the limit for hpc7a.12xlarge'
      );
      const out = await send({
        NetworkInterfaceId: enis[1]!.NetworkInterfaceId,
        InstanceId: instanceId,
        DeviceIndex: 1,
        NetworkCardIndex: 1
      });
      assert.equal(out.NetworkCardIndex, 1);
      // Device indexes are per card: index 1 is taken on card 1 now, as on card 0.
      await assertSdkError(
        send({
          NetworkInterfaceId: enis[2]!.NetworkInterfaceId,
          InstanceId: instanceId,
          DeviceIndex: 1,
          NetworkCardIndex: 1
        }),
        'InvalidParameterValue',
        deviceTaken(instanceId, 1)
      );
      const described = await describeEni(server, enis[1]!.NetworkInterfaceId!);
      assert.equal(described.Attachment?.NetworkCardIndex, 1);
      assert.equal(described.Attachment?.DeviceIndex, 1);
    });

    it('a stopped instance takes interfaces; a terminated one answers IncorrectInstanceState "is not \'running\'"', async () => {
      const subnet = await lab.subnet();
      const stopped = await launch(server, subnet, 't3.medium');
      const gone = await launch(server, subnet, 't3.medium');
      await server.ec2.send(new StopInstancesCommand({ InstanceIds: [stopped.instanceId] }));
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone.instanceId] }));
      const [a, b] = [await subnet.eni(), await subnet.eni()];
      await attach(server, {
        NetworkInterfaceId: a.NetworkInterfaceId,
        InstanceId: stopped.instanceId,
        DeviceIndex: 1
      });
      const text = `Instance '${gone.instanceId}' is not 'running'.`;
      await assertSdkError(
        send({ NetworkInterfaceId: b.NetworkInterfaceId, InstanceId: gone.instanceId, DeviceIndex: 1 }),
        'IncorrectInstanceState',
        text
      );
      assertCliError(
        await server.aws(
          'ec2',
          'attach-network-interface',
          '--network-interface-id',
          b.NetworkInterfaceId!,
          '--instance-id',
          gone.instanceId,
          '--device-index',
          '1'
        ),
        'IncorrectInstanceState',
        "is not 'running'"
      );
      // The instance state is checked before the interface: an in-use one gets the same answer.
      await assertSdkError(
        send({ NetworkInterfaceId: a.NetworkInterfaceId, InstanceId: gone.instanceId, DeviceIndex: 1 }),
        'IncorrectInstanceState',
        text
      );
      assert.equal((await describeEni(server, b.NetworkInterfaceId!)).Status, 'available');
    });

    it('an interface in another availability zone or another VPC: InvalidParameterCombination', async () => {
      const subnet = await lab.subnet();
      const { instanceId } = await launch(server, subnet, 't3.medium');
      const elsewhere = await subnetInZone(server, lab, '10.0.250.0/24', 'us-east-1b');
      const far = await elsewhere.eni();
      await assertSdkError(
        send({ NetworkInterfaceId: far.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidParameterCombination',
        'You may not attach a network interface to an instance if they are not in the same availability zone'
      );
      const otherLab = await VpcLab.create(server, '10.9.0.0/16');
      const foreign = await (await otherLab.subnet()).eni();
      await assertSdkError(
        send({ NetworkInterfaceId: foreign.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 }),
        'InvalidParameterCombination',
        `The network interface '${foreign.NetworkInterfaceId}' is not in the same VPC as instance '${instanceId}'.`
      );
      assert.equal((await describeEni(server, far.NetworkInterfaceId!)).Status, 'available');
      assert.equal((await describeEni(server, foreign.NetworkInterfaceId!)).Status, 'available');
    });

    it('an attached interface stays when its instance terminates (DeleteOnTermination false) and keeps its addresses', async () => {
      const subnet = await lab.subnet();
      const { instanceId, primaryEniId } = await launch(server, subnet, 't3.medium');
      const eni = await subnet.eni({ SecondaryPrivateIpAddressCount: 3 });
      await attach(server, { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 });
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      const left = await describeEni(server, eni.NetworkInterfaceId!);
      assert.equal(left.Status, 'available');
      assert.equal(left.Attachment, undefined);
      assert.deepEqual(addressesOf(left), addressesOf(eni));
      // The launch's own interface went with the instance.
      assert.deepEqual(
        (await subnet.interfaces()).map((n) => n.NetworkInterfaceId),
        [eni.NetworkInterfaceId]
      );
      assert.notEqual(primaryEniId, eni.NetworkInterfaceId);
    });
  });
});
