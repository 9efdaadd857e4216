import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand
} from '@aws-sdk/client-ec2';
import {
  type TestServer,
  assertCliError,
  assertSdkError,
  assertXmlError,
  items,
  startTestServer
} from '../helpers/ec2lite.js';
import { type LabSubnet, VpcLab, addressesOf, assign, describeEni, prefixesOf } from '../helpers/vpc-lab.js';

const AMI = 'ami-0abcdef1234567890';
const UNKNOWN_INSTANCE = 'i-0123456789abcdef0';
const state = (Code: number, Name: string) => ({ Code, Name });
const PENDING = state(0, 'pending');
const RUNNING = state(16, 'running');
const SHUTTING_DOWN = state(32, 'shutting-down');
const TERMINATED = state(48, 'terminated');
const STOPPING = state(64, 'stopping');
const STOPPED = state(80, 'stopped');

describe('StopInstances, StartInstances, TerminateInstances', () => {
  let server: TestServer;
  let lab: VpcLab;
  const launch = async (input: Partial<RunInstancesCommandInput>): Promise<Instance> => {
    const { Instances } = await server.ec2.send(
      new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, ...input })
    );
    return Instances![0]!;
  };
  const stop = (...ids: string[]) => server.ec2.send(new StopInstancesCommand({ InstanceIds: ids }));
  const start = (...ids: string[]) => server.ec2.send(new StartInstancesCommand({ InstanceIds: ids }));
  const terminate = (...ids: string[]) => server.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  const describeInstance = async (id: string): Promise<Instance> => {
    const { Reservations } = await server.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return Reservations![0]!.Instances![0]!;
  };
  const stateOf = async (id: string) => (await describeInstance(id)).State;

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers the SDK with StoppingInstances, StartingInstances and TerminatingInstances, with EC2 state codes', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      const stopped = await stop(id);
      assert.deepEqual(stopped.StoppingInstances, [{ InstanceId: id, CurrentState: STOPPING, PreviousState: RUNNING }]);
      const started = await start(id);
      assert.deepEqual(started.StartingInstances, [{ InstanceId: id, CurrentState: PENDING, PreviousState: STOPPED }]);
      const terminated = await terminate(id);
      assert.deepEqual(terminated.TerminatingInstances, [
        { InstanceId: id, CurrentState: SHUTTING_DOWN, PreviousState: RUNNING }
      ]);
    });

    it('answers EC2 XML: instancesSet/item with currentState and previousState', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      for (const [action, current, previous] of [
        ['StopInstances', STOPPING, RUNNING],
        ['StartInstances', PENDING, STOPPED],
        ['TerminateInstances', SHUTTING_DOWN, RUNNING]
      ] as const) {
        const response = await server.query({ Action: action, 'InstanceId.1': id });
        assert.equal(response.status, 200, response.text);
        const root = response.xml[`${action}Response`];
        assert.match(root.requestId, /^[0-9a-f-]{36}$/);
        assert.deepEqual(items(root.instancesSet), [
          {
            currentState: { code: String(current.Code), name: current.Name },
            instanceId: id,
            previousState: { code: String(previous.Code), name: previous.Name }
          }
        ]);
      }
    });

    it('answers the AWS CLI', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      const stopped = await server.aws('ec2', 'stop-instances', '--instance-ids', id);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.deepEqual(stopped.json.StoppingInstances, [
        { InstanceId: id, CurrentState: STOPPING, PreviousState: RUNNING }
      ]);
      const started = await server.aws('ec2', 'start-instances', '--instance-ids', id);
      assert.deepEqual(started.json.StartingInstances, [
        { InstanceId: id, CurrentState: PENDING, PreviousState: STOPPED }
      ]);
      const terminated = await server.aws('ec2', 'terminate-instances', '--instance-ids', id);
      assert.deepEqual(terminated.json.TerminatingInstances, [
        { InstanceId: id, CurrentState: SHUTTING_DOWN, PreviousState: RUNNING }
      ]);
      assertCliError(
        await server.aws('ec2', 'start-instances', '--instance-ids', id),
        'IncorrectInstanceState',
        `The instance '${id}' is not in a state from which it can be started.`
      );
    });
  });

  describe('validations', () => {
    it('InstanceId.N is required', async () => {
      for (const action of ['StopInstances', 'StartInstances', 'TerminateInstances']) {
        assertXmlError(
          await server.query({ Action: action }),
          400,
          'MissingParameter',
          'The request must contain the parameter InstanceId'
        );
      }
    });

    it('an unknown id fails the whole call and changes nothing; a malformed id is InvalidInstanceID.Malformed', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      for (const call of [stop, start, terminate]) {
        await assertSdkError(
          call(id, UNKNOWN_INSTANCE),
          'InvalidInstanceID.NotFound',
          `The instance ID '${UNKNOWN_INSTANCE}' does not exist`
        );
        await assertSdkError(
          call('i-nothex'),
          'InvalidInstanceID.Malformed',
          'Invalid id: "i-nothex" (expecting "i-...")'
        );
      }
      assert.deepEqual(await stateOf(id), RUNNING);
      assertCliError(
        await server.aws('ec2', 'terminate-instances', '--instance-ids', UNKNOWN_INSTANCE),
        'InvalidInstanceID.NotFound',
        `The instance ID '${UNKNOWN_INSTANCE}' does not exist`
      );
    });

    it('a terminated instance cannot be started or stopped: IncorrectInstanceState, and nothing else changes', async () => {
      const subnet = await lab.subnet();
      const gone = (await launch({ SubnetId: subnet.id })).InstanceId!;
      const other = (await launch({ SubnetId: subnet.id })).InstanceId!;
      await terminate(gone);
      await assertSdkError(
        start(gone),
        'IncorrectInstanceState',
        `The instance '${gone}' is not in a state from which it can be started.`
      );
      await assertSdkError(
        stop(other, gone),
        'IncorrectInstanceState',
        `This instance '${gone}' is not in a state from which it can be stopped.`
      );
      assert.deepEqual(await stateOf(other), RUNNING);
      assert.deepEqual(await stateOf(gone), TERMINATED);
    });

    it('DryRun answers 412 and changes nothing', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      const dry = 'Request would have succeeded, but DryRun flag is set.';
      await assertSdkError(
        server.ec2.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true })),
        'DryRunOperation',
        dry,
        412
      );
      await assertSdkError(
        server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id], DryRun: true })),
        'DryRunOperation',
        dry,
        412
      );
      assert.deepEqual(await stateOf(id), RUNNING);
      assert.equal((await subnet.interfaces()).length, 1);
    });

    it('accepts the SDK members it has no use for: Force, Hibernate, SkipOsShutdown, AdditionalInfo', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      await server.ec2.send(
        new StopInstancesCommand({ InstanceIds: [id], Force: true, Hibernate: false, SkipOsShutdown: true })
      );
      await server.ec2.send(new StartInstancesCommand({ InstanceIds: [id], AdditionalInfo: 'x' }));
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id], Force: true, SkipOsShutdown: true }));
      assert.deepEqual(await stateOf(id), TERMINATED);
    });
  });

  describe('functionality', () => {
    it('stop settles in stopped with a user-initiated reason, start in running; repeats answer the state again', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      await stop(id);
      const stopped = await describeInstance(id);
      assert.deepEqual(stopped.State, STOPPED);
      assert.match(stopped.StateTransitionReason ?? '', /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
      assert.deepEqual((await stop(id)).StoppingInstances, [
        { InstanceId: id, CurrentState: STOPPED, PreviousState: STOPPED }
      ]);
      await start(id);
      const running = await describeInstance(id);
      assert.deepEqual(running.State, RUNNING);
      assert.equal(running.StateTransitionReason, '');
      assert.deepEqual((await start(id)).StartingInstances, [
        { InstanceId: id, CurrentState: RUNNING, PreviousState: RUNNING }
      ]);
    });

    it('addresses, prefixes and interfaces stay across stop and start', async () => {
      const subnet = await lab.subnet();
      const extra = await subnet.eni({ SecondaryPrivateIpAddressCount: 1 });
      const instance = await launch({
        InstanceType: 'm5.large',
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 2 }]
      });
      const id = instance.InstanceId!;
      await server.ec2.send(
        new AttachNetworkInterfaceCommand({
          NetworkInterfaceId: extra.NetworkInterfaceId,
          InstanceId: id,
          DeviceIndex: 1
        })
      );
      const before = await describeInstance(id);
      const available = await subnet.available();
      await stop(id);
      const whileStopped = await describeInstance(id);
      assert.deepEqual(whileStopped.NetworkInterfaces, before.NetworkInterfaces);
      assert.equal(whileStopped.PrivateIpAddress, before.PrivateIpAddress);
      assert.equal(await subnet.available(), available);
      await start(id);
      const after = await describeInstance(id);
      assert.deepEqual(after.NetworkInterfaces, before.NetworkInterfaces);
      assert.equal(await subnet.available(), available);
    });

    it('terminate settles in terminated; repeating it answers terminated → terminated', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      await terminate(id);
      assert.deepEqual(await stateOf(id), TERMINATED);
      assert.deepEqual((await terminate(id)).TerminatingInstances, [
        { InstanceId: id, CurrentState: TERMINATED, PreviousState: TERMINATED }
      ]);
    });

    it('a stopped instance can be terminated', async () => {
      const subnet = await lab.subnet();
      const id = (await launch({ SubnetId: subnet.id })).InstanceId!;
      await stop(id);
      assert.deepEqual((await terminate(id)).TerminatingInstances, [
        { InstanceId: id, CurrentState: SHUTTING_DOWN, PreviousState: STOPPED }
      ]);
      assert.deepEqual(await stateOf(id), TERMINATED);
      assert.equal(await subnet.available(), 251);
    });

    it('terminate deletes delete-on-termination interfaces, giving every address and prefix back exactly', async () => {
      const subnet: LabSubnet = await lab.subnet();
      const other = await lab.subnet();
      const instance = await launch({
        InstanceType: 'm5.large',
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: subnet.id, SecondaryPrivateIpAddressCount: 3 },
          { DeviceIndex: 1, SubnetId: other.id, Ipv4PrefixCount: 2 }
        ]
      });
      assert.equal(await subnet.available(), 251 - 4);
      assert.equal(await other.available(), 251 - 1 - 32);
      await terminate(instance.InstanceId!);
      assert.equal(await subnet.available(), 251);
      assert.equal(await other.available(), 251);
      assert.deepEqual(await subnet.interfaces(), []);
      assert.deepEqual(await other.interfaces(), []);
      // The freed addresses can be taken again at once.
      const again = await launch({ SubnetId: subnet.id, PrivateIpAddress: instance.PrivateIpAddress! });
      assert.equal(again.PrivateIpAddress, instance.PrivateIpAddress);
    });

    it('terminate detaches the other interfaces, which keep their addresses, prefixes and Elastic IP', async () => {
      const subnet = await lab.subnet();
      const kept = await describeEni(
        server,
        (await subnet.eni({ SecondaryPrivateIpAddressCount: 2 })).NetworkInterfaceId!
      );
      await assign(server, { NetworkInterfaceId: kept.NetworkInterfaceId, Ipv4PrefixCount: 1 });
      const keptAtLaunch = await subnet.eni();
      const instance = await launch({
        InstanceType: 'm5.large',
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: subnet.id },
          { DeviceIndex: 1, SubnetId: subnet.id, DeleteOnTermination: false },
          { DeviceIndex: 2, NetworkInterfaceId: keptAtLaunch.NetworkInterfaceId }
        ]
      });
      const id = instance.InstanceId!;
      const createdKept = instance.NetworkInterfaces!.find((e) => e.Attachment?.DeviceIndex === 1)!.NetworkInterfaceId!;
      // m5.large takes three interfaces: `kept`, with its prefix and Elastic IP, goes on a second instance.
      const host = await launch({ InstanceType: 'm5.large', SubnetId: subnet.id });
      await server.ec2.send(
        new AttachNetworkInterfaceCommand({
          NetworkInterfaceId: kept.NetworkInterfaceId,
          InstanceId: host.InstanceId,
          DeviceIndex: 1
        })
      );
      const { AllocationId } = await server.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await server.ec2.send(new AssociateAddressCommand({ AllocationId, NetworkInterfaceId: kept.NetworkInterfaceId }));
      const available = await subnet.available();

      await terminate(id, host.InstanceId!);
      // Only the two primaries (one address each) went.
      assert.equal(await subnet.available(), available + 2);
      for (const eniId of [createdKept, keptAtLaunch.NetworkInterfaceId!]) {
        const eni = await describeEni(server, eniId);
        assert.equal(eni.Status, 'available');
        assert.equal(eni.Attachment, undefined);
      }
      const detached = await describeEni(server, kept.NetworkInterfaceId!);
      assert.equal(detached.Status, 'available');
      assert.deepEqual(addressesOf(detached), addressesOf(kept));
      assert.equal(prefixesOf(detached).length, 1);
      const { Addresses } = await server.ec2.send(new DescribeAddressesCommand({ AllocationIds: [AllocationId!] }));
      assert.equal(Addresses?.[0]?.NetworkInterfaceId, kept.NetworkInterfaceId);
      assert.equal(Addresses?.[0]?.InstanceId, undefined);
    });

    it('terminating several instances at once reports each', async () => {
      const subnet = await lab.subnet();
      const { Instances } = await server.ec2.send(
        new RunInstancesCommand({ ImageId: AMI, MinCount: 3, MaxCount: 3, SubnetId: subnet.id })
      );
      const ids = Instances!.map((i) => i.InstanceId!);
      await stop(ids[1]!);
      const out = await terminate(...ids);
      assert.deepEqual(
        out.TerminatingInstances?.map((c) => [c.InstanceId, c.PreviousState?.Name, c.CurrentState?.Name]),
        [
          [ids[0], 'running', 'shutting-down'],
          [ids[1], 'stopped', 'shutting-down'],
          [ids[2], 'running', 'shutting-down']
        ]
      );
      assert.equal(await subnet.available(), 251);
    });
  });
});
