import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type Instance,
  type Reservation,
  RunInstancesCommand,
  type RunInstancesCommandInput,
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
import { type LabSubnet, VpcLab } from '../helpers/vpc-lab.js';

const AMI = 'ami-0abcdef1234567890';
const UNKNOWN_INSTANCE = 'i-0123456789abcdef0';

describe('DescribeInstances', () => {
  let server: TestServer;
  let lab: VpcLab;
  const run = async (input: Partial<RunInstancesCommandInput>) =>
    server.ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, ...input }));
  const describeInstances = (input: DescribeInstancesCommandInput) =>
    server.ec2.send(new DescribeInstancesCommand(input));
  /** Instance ids of the reservations a call answers, in order. */
  const ids = (reservations: Reservation[] | undefined): string[] =>
    (reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
  const filtered = async (name: string, ...values: string[]): Promise<string[]> =>
    ids((await describeInstances({ Filters: [{ Name: name, Values: values }] })).Reservations);

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('groups instances by reservation, each with its interfaces, attachments and addresses (primary first)', async () => {
      const subnet = await lab.subnet();
      const two = await run({ SubnetId: subnet.id, InstanceType: 'm5.large', MaxCount: 2 });
      const one = await run({
        InstanceType: 'm5.large',
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: subnet.id, PrivateIpAddress: subnet.at(100), SecondaryPrivateIpAddressCount: 2 }
        ]
      });
      const { Reservations } = await describeInstances({ Filters: [{ Name: 'subnet-id', Values: [subnet.id] }] });
      assert.deepEqual(
        Reservations?.map((r) => [r.ReservationId, r.OwnerId, r.Instances?.length]),
        [
          [two.ReservationId, '123456789012', 2],
          [one.ReservationId, '123456789012', 1]
        ]
      );
      const instance = Reservations[1]!.Instances![0]!;
      assert.deepEqual(instance.State, { Code: 16, Name: 'running' });
      assert.equal(instance.PrivateIpAddress, subnet.at(100));
      const [eni] = instance.NetworkInterfaces!;
      assert.equal(eni?.Status, 'in-use');
      assert.equal(eni?.Attachment?.DeviceIndex, 0);
      assert.equal(eni?.Attachment?.NetworkCardIndex, 0);
      assert.equal(eni?.Attachment?.Status, 'attached');
      assert.equal(eni?.Attachment?.DeleteOnTermination, true);
      assert.equal(eni?.Attachment?.AttachmentId, one.Instances![0]!.NetworkInterfaces![0]!.Attachment?.AttachmentId);
      const addresses = eni.PrivateIpAddresses!;
      assert.equal(addresses.length, 3);
      assert.deepEqual(addresses[0], {
        Primary: true,
        PrivateIpAddress: subnet.at(100),
        PrivateDnsName: `ip-${subnet.at(100).replaceAll('.', '-')}.ec2.internal`
      });
      assert.ok(addresses.slice(1).every((a) => a.Primary === false));
    });

    it('lists addresses in assignment order after the primary, and answers EC2 XML', async () => {
      const subnet = await lab.subnet();
      const { Instances } = await run({
        SubnetId: subnet.id,
        InstanceType: 'm5.large',
        PrivateIpAddress: subnet.at(200)
      });
      const instance = Instances![0]!;
      const eniId = instance.NetworkInterfaces![0]!.NetworkInterfaceId!;
      for (const offset of [50, 10, 30]) {
        await server.ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [subnet.at(offset)] })
        );
      }
      const response = await server.query({ Action: 'DescribeInstances', 'InstanceId.1': instance.InstanceId! });
      assert.equal(response.status, 200, response.text);
      const root = response.xml.DescribeInstancesResponse;
      assert.equal(root['@_xmlns'], 'http://ec2.amazonaws.com/doc/2016-11-15/');
      const [reservation] = items(root.reservationSet);
      assert.match(reservation.reservationId, /^r-[0-9a-f]{17}$/);
      const [item] = items(reservation.instancesSet);
      assert.equal(item.instanceId, instance.InstanceId);
      assert.deepEqual(item.instanceState, { code: '16', name: 'running' });
      assert.equal(item.privateIpAddress, subnet.at(200));
      assert.equal(item.subnetId, subnet.id);
      assert.equal(item.vpcId, lab.vpcId);
      const [eni] = items(item.networkInterfaceSet);
      assert.equal(eni.networkInterfaceId, eniId);
      assert.equal(eni.attachment.deviceIndex, '0');
      assert.equal(eni.attachment.status, 'attached');
      assert.deepEqual(
        items(eni.privateIpAddressesSet).map((a) => [a.privateIpAddress, a.primary]),
        [
          [subnet.at(200), 'true'],
          [subnet.at(50), 'false'],
          [subnet.at(10), 'false'],
          [subnet.at(30), 'false']
        ]
      );
      assert.equal(root.nextToken, undefined);
    });

    it('answers the AWS CLI, with --query and --filters', async () => {
      const subnet = await lab.subnet();
      const { Instances } = await run({
        SubnetId: subnet.id,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'cli' }] }]
      });
      const result = await server.aws(
        'ec2',
        'describe-instances',
        '--filters',
        `Name=subnet-id,Values=${subnet.id}`,
        'Name=tag:Name,Values=cli',
        '--query',
        'Reservations[].Instances[].[InstanceId,State.Name,PrivateIpAddress,NetworkInterfaces[0].PrivateIpAddresses[0].Primary]'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.json, [[Instances![0]!.InstanceId, 'running', Instances![0]!.PrivateIpAddress, true]]);
      const byId = await server.aws('ec2', 'describe-instances', '--instance-ids', Instances![0]!.InstanceId!);
      assert.equal(byId.code, 0, byId.stderr);
      assert.equal(byId.json.Reservations[0].Instances[0].InstanceId, Instances![0]!.InstanceId);
    });

    it('shows a terminated instance without addresses or interfaces', async () => {
      const subnet = await lab.subnet();
      const { Instances } = await run({ SubnetId: subnet.id });
      const id = Instances![0]!.InstanceId!;
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      const { Reservations } = await describeInstances({ InstanceIds: [id] });
      const instance = Reservations![0]!.Instances![0]!;
      assert.deepEqual(instance.State, { Code: 48, Name: 'terminated' });
      assert.equal(instance.PrivateIpAddress, undefined);
      assert.equal(instance.PrivateDnsName, '');
      assert.equal(instance.SubnetId, undefined);
      assert.deepEqual(instance.NetworkInterfaces, []);
      assert.match(instance.StateTransitionReason ?? '', /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
    });
  });

  describe('filters', () => {
    let subnet: LabSubnet;
    let other: LabSubnet;
    let web: Instance;
    let db: Instance;
    let stopped: Instance;
    let elsewhere: Instance;
    let elsewhereVpc: VpcLab;
    before(async () => {
      subnet = await lab.subnet();
      other = await lab.subnet();
      web = (
        await run({
          SubnetId: subnet.id,
          InstanceType: 't3.medium',
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'Name', Value: 'web-1' },
                { Key: 'role', Value: 'web' }
              ]
            }
          ]
        })
      ).Instances![0]!;
      db = (
        await run({
          InstanceType: 'm5.large',
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: other.id, SecondaryPrivateIpAddressCount: 2 }],
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'db-1' }] }]
        })
      ).Instances![0]!;
      stopped = (await run({ SubnetId: subnet.id, InstanceType: 'm5.large' })).Instances![0]!;
      await server.ec2.send(new StopInstancesCommand({ InstanceIds: [stopped.InstanceId!] }));
      elsewhereVpc = await VpcLab.create(server, '10.1.0.0/16');
      elsewhere = (await run({ SubnetId: (await elsewhereVpc.subnet()).id })).Instances![0]!;
    });

    it('instance-id, subnet-id and vpc-id', async () => {
      assert.deepEqual(await filtered('instance-id', web.InstanceId!, db.InstanceId!), [web.InstanceId, db.InstanceId]);
      assert.deepEqual(await filtered('subnet-id', subnet.id), [web.InstanceId, stopped.InstanceId]);
      assert.deepEqual(await filtered('subnet-id', other.id), [db.InstanceId]);
      assert.deepEqual(await filtered('vpc-id', elsewhereVpc.vpcId), [elsewhere.InstanceId]);
      assert.deepEqual(await filtered('network-interface.subnet-id', other.id), [db.InstanceId]);
    });

    it('private-ip-address matches the primary address only; network-interface.addresses.private-ip-address every address', async () => {
      const dbAddresses = db.NetworkInterfaces![0]!.PrivateIpAddresses!.map((a) => a.PrivateIpAddress!);
      assert.deepEqual(await filtered('private-ip-address', db.PrivateIpAddress!), [db.InstanceId]);
      assert.deepEqual(await filtered('private-ip-address', dbAddresses[1]!), []);
      assert.deepEqual(await filtered('network-interface.addresses.private-ip-address', dbAddresses[2]!), [
        db.InstanceId
      ]);
      assert.deepEqual(
        await filtered('network-interface.addresses.private-ip-address', dbAddresses[0]!, web.PrivateIpAddress!),
        [web.InstanceId, db.InstanceId]
      );
      // Wildcards, as Cilium sends them.
      const prefix = other.cidr.split('.').slice(0, 3).join('.');
      assert.deepEqual(await filtered('private-ip-address', `${prefix}.*`), [db.InstanceId]);
    });

    it('network-interface.network-interface-id', async () => {
      const eniId = db.NetworkInterfaces![0]!.NetworkInterfaceId!;
      assert.deepEqual(await filtered('network-interface.network-interface-id', eniId), [db.InstanceId]);
      assert.deepEqual(await filtered('network-interface.network-interface-id', 'eni-0123456789abcdef0'), []);
    });

    it('tag:<key>, tag-key and tag-value', async () => {
      assert.deepEqual(await filtered('tag:Name', 'web-1', 'db-1'), [web.InstanceId, db.InstanceId]);
      assert.deepEqual(await filtered('tag:Name', '*-1'), [web.InstanceId, db.InstanceId]);
      assert.deepEqual(await filtered('tag:role', 'web'), [web.InstanceId]);
      assert.deepEqual(await filtered('tag:Name', 'Web-1'), [], 'values are case-sensitive');
      assert.deepEqual(await filtered('tag-key', 'role'), [web.InstanceId]);
      assert.deepEqual(await filtered('tag-value', 'db-1'), [db.InstanceId]);
    });

    it('instance-state-name, instance-state-code and instance-type', async () => {
      const mine = new Set([web.InstanceId, db.InstanceId, stopped.InstanceId, elsewhere.InstanceId]);
      const only = (list: string[]) => list.filter((id) => mine.has(id));
      assert.deepEqual(only(await filtered('instance-state-name', 'stopped')), [stopped.InstanceId]);
      assert.deepEqual(only(await filtered('instance-state-code', '80')), [stopped.InstanceId]);
      assert.deepEqual(only(await filtered('instance-state-name', 'running')), [
        web.InstanceId,
        db.InstanceId,
        elsewhere.InstanceId
      ]);
      assert.deepEqual(only(await filtered('instance-type', 't3.medium')), [web.InstanceId]);
      assert.deepEqual(only(await filtered('instance-type', 'm5.*')), [db.InstanceId, stopped.InstanceId]);
    });

    it('several filters are AND-ed, several values OR-ed', async () => {
      const { Reservations } = await describeInstances({
        Filters: [
          { Name: 'subnet-id', Values: [subnet.id, other.id] },
          { Name: 'instance-type', Values: ['m5.large'] },
          { Name: 'instance-state-name', Values: ['running', 'pending'] }
        ]
      });
      assert.deepEqual(ids(Reservations), [db.InstanceId]);
    });

    it('an unknown filter name is InvalidParameterValue', async () => {
      await assertSdkError(
        describeInstances({ Filters: [{ Name: 'instance-colour', Values: ['red'] }] }),
        'InvalidParameterValue',
        "The filter 'instance-colour' is invalid"
      );
      assertCliError(
        await server.aws('ec2', 'describe-instances', '--filters', 'Name=bogus,Values=x'),
        'InvalidParameterValue',
        "The filter 'bogus' is invalid"
      );
    });
  });

  describe('paging', () => {
    let launched: string[];
    const tagged = { Filters: [{ Name: 'tag:batch', Values: ['paging'] }] };
    before(async () => {
      const subnet = await lab.subnet();
      const seven = await run({
        SubnetId: subnet.id,
        MaxCount: 7,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'batch', Value: 'paging' }] }]
      });
      launched = seven.Instances!.map((i) => i.InstanceId!);
    });

    it('MaxResults counts instances, not reservations, and NextToken carries on', async () => {
      const first = await describeInstances({ ...tagged, MaxResults: 5 });
      assert.equal(first.Reservations?.length, 1);
      assert.deepEqual(ids(first.Reservations), launched.slice(0, 5));
      assert.ok(first.NextToken);
      const second = await describeInstances({ ...tagged, MaxResults: 5, NextToken: first.NextToken });
      assert.deepEqual(ids(second.Reservations), launched.slice(5));
      assert.equal(second.Reservations?.[0]?.ReservationId, first.Reservations?.[0]?.ReservationId);
      assert.equal(second.NextToken, undefined);
    });

    it('the AWS CLI pages through with --page-size and merges the pages', async () => {
      const result = await server.aws(
        'ec2',
        'describe-instances',
        '--filters',
        'Name=tag:batch,Values=paging',
        '--page-size',
        '5'
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        result.json.Reservations.flatMap((r: Reservation) => r.Instances!.map((i) => i.InstanceId)),
        launched
      );
    });

    it('MaxResults must be 5..1000, and cannot go with InstanceId.N', async () => {
      for (const value of [4, 1001]) {
        await assertSdkError(
          describeInstances({ MaxResults: value }),
          'InvalidParameterValue',
          `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
        );
      }
      assert.equal(ids((await describeInstances({ ...tagged, MaxResults: 1000 })).Reservations).length, 7);
      await assertSdkError(
        describeInstances({ InstanceIds: [launched[0]!], MaxResults: 5 }),
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults'
      );
      await assertSdkError(
        describeInstances({ MaxResults: 5, NextToken: 'bogus' }),
        'InvalidParameterValue',
        'Value ( bogus ) for parameter NextToken is invalid. The token is invalid.'
      );
    });
  });

  describe('ids', () => {
    it('answers exactly the instances asked for', async () => {
      const subnet = await lab.subnet();
      const { Instances } = await run({ SubnetId: subnet.id, MaxCount: 3 });
      const [a, , c] = Instances!.map((i) => i.InstanceId!);
      assert.deepEqual(ids((await describeInstances({ InstanceIds: [c!, a!] })).Reservations), [a, c]);
    });

    it('an unknown id fails the whole call, quoting that id alone', async () => {
      const subnet = await lab.subnet();
      const { Instances } = await run({ SubnetId: subnet.id });
      const known = Instances![0]!.InstanceId!;
      const message = `The instance ID '${UNKNOWN_INSTANCE}' does not exist`;
      await assertSdkError(
        describeInstances({ InstanceIds: [UNKNOWN_INSTANCE] }),
        'InvalidInstanceID.NotFound',
        message
      );
      await assertSdkError(
        describeInstances({ InstanceIds: [known, UNKNOWN_INSTANCE] }),
        'InvalidInstanceID.NotFound',
        message
      );
      assertCliError(
        await server.aws('ec2', 'describe-instances', '--instance-ids', UNKNOWN_INSTANCE),
        'InvalidInstanceID.NotFound',
        message
      );
    });

    it('a malformed id is InvalidInstanceID.Malformed', async () => {
      await assertSdkError(
        describeInstances({ InstanceIds: ['i-xyz'] }),
        'InvalidInstanceID.Malformed',
        'Invalid id: "i-xyz" (expecting "i-...")'
      );
      assertXmlError(
        await server.query({ Action: 'DescribeInstances', 'InstanceId.1': 'instance-1' }),
        400,
        'InvalidInstanceID.Malformed',
        'Invalid id: "instance-1" (expecting "i-...")'
      );
    });

    it('DryRun answers 412', async () => {
      await assertSdkError(
        describeInstances({ DryRun: true }),
        'DryRunOperation',
        'Request would have succeeded, but DryRun flag is set.',
        412
      );
    });
  });
});
