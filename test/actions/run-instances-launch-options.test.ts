import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
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
import { launcher } from '../helpers/launcher.js';

const AMI = 'ami-0abcdef1234567890';
const VOLUME_ID = /^vol-[0-9a-f]{17}$/;
const BDM = 'InvalidBlockDeviceMapping';

/** RunInstances BlockDeviceMapping.N, CpuOptions and LaunchTemplate. */
describe('RunInstances: block device mappings, CPU options and launch templates', () => {
  let server: TestServer;
  let lab: VpcLab;
  let subnet: LabSubnet;
  const { run, launch, describeInstance } = launcher(() => server, { imageId: AMI, subnetId: () => subnet.id });
  /** After a refused launch the subnet holds no instance. */
  const assertNothingLaunched = async (): Promise<void> => {
    const { Reservations } = await server.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnet.id] }] })
    );
    assert.deepEqual(Reservations, []);
  };

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
  });
  after(() => server.close());

  describe('serializations', () => {
    before(async () => {
      subnet = await lab.subnet();
    });

    it('reads BlockDeviceMapping.N and CpuOptions by their Query wire names and answers EC2 XML', async () => {
      const response = await server.query({
        Action: 'RunInstances',
        ImageId: AMI,
        InstanceType: 'm5.xlarge',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.id,
        'BlockDeviceMapping.1.DeviceName': '/dev/xvda',
        'BlockDeviceMapping.1.Ebs.VolumeSize': 30,
        'BlockDeviceMapping.1.Ebs.VolumeType': 'gp3',
        'BlockDeviceMapping.1.Ebs.DeleteOnTermination': false,
        'BlockDeviceMapping.2.DeviceName': '/dev/sdf',
        'BlockDeviceMapping.2.Ebs.VolumeSize': 100,
        'BlockDeviceMapping.2.Ebs.VolumeType': 'gp3',
        'BlockDeviceMapping.2.Ebs.Iops': 4000,
        'BlockDeviceMapping.2.Ebs.Throughput': 250,
        'BlockDeviceMapping.2.Ebs.Encrypted': true,
        'BlockDeviceMapping.2.Ebs.KmsKeyId': 'alias/data',
        'BlockDeviceMapping.3.DeviceName': '/dev/sdg',
        'BlockDeviceMapping.3.VirtualName': 'ephemeral0',
        'BlockDeviceMapping.4.DeviceName': '/dev/sdh',
        'BlockDeviceMapping.4.NoDevice': '',
        'BlockDeviceMapping.5.DeviceName': '/dev/sdi',
        'BlockDeviceMapping.5.Ebs.SnapshotId': 'snap-0123456789abcdef0',
        'BlockDeviceMapping.5.Ebs.VolumeInitializationRate': 200,
        'CpuOptions.CoreCount': 1,
        'CpuOptions.ThreadsPerCore': 1
      });
      assert.equal(response.status, 200, response.text);
      const [pending] = items(response.xml.RunInstancesResponse.instancesSet);
      // RunInstances answers before the volumes attach, as EC2 does.
      assert.equal(pending.blockDeviceMapping, '');
      assert.equal(pending.rootDeviceName, '/dev/xvda');
      assert.equal(pending.rootDeviceType, 'ebs');
      assert.deepEqual(pending.cpuOptions, { coreCount: '1', threadsPerCore: '1' });

      const described = await server.query({ Action: 'DescribeInstances', 'InstanceId.1': pending.instanceId });
      assert.equal(described.status, 200, described.text);
      const [instance] = items(items(described.xml.DescribeInstancesResponse.reservationSet)[0].instancesSet);
      const devices = items(instance.blockDeviceMapping);
      // The root volume first, then one volume per other EBS mapping; instance store and NoDevice show none.
      assert.deepEqual(
        devices.map((d) => [d.deviceName, d.ebs.status, d.ebs.deleteOnTermination]),
        [
          ['/dev/xvda', 'attached', 'false'],
          ['/dev/sdf', 'attached', 'true'],
          ['/dev/sdi', 'attached', 'true']
        ]
      );
      for (const device of devices) {
        assert.match(device.ebs.volumeId, VOLUME_ID);
        assert.equal(device.ebs.attachTime, instance.launchTime);
      }
      assert.equal(new Set(devices.map((d) => d.ebs.volumeId)).size, 3);
      assert.equal(instance.rootDeviceName, '/dev/xvda');
      assert.deepEqual(instance.cpuOptions, { coreCount: '1', threadsPerCore: '1' });
    });

    it('shows the SDK the volumes, root device and CPU options in DescribeInstances, the same on every read', async () => {
      const launched = await launch({
        InstanceType: 'c5.4xlarge',
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/sdb',
            Ebs: { VolumeSize: 50, VolumeType: 'io2', Iops: 5000, DeleteOnTermination: false }
          },
          { DeviceName: '/dev/xvdc', Ebs: { VolumeSize: 500, VolumeType: 'st1' } }
        ],
        CpuOptions: { CoreCount: 4, ThreadsPerCore: 2 }
      });
      assert.deepEqual(launched.BlockDeviceMappings, []);
      assert.deepEqual(launched.CpuOptions, { CoreCount: 4, ThreadsPerCore: 2 });
      const instance = await describeInstance(launched.InstanceId!);
      assert.equal(instance.RootDeviceName, '/dev/xvda');
      assert.equal(instance.RootDeviceType, 'ebs');
      assert.deepEqual(instance.CpuOptions, { CoreCount: 4, ThreadsPerCore: 2 });
      const devices = instance.BlockDeviceMappings ?? [];
      assert.deepEqual(
        devices.map((d) => [d.DeviceName, d.Ebs?.Status, d.Ebs?.DeleteOnTermination]),
        [
          ['/dev/xvda', 'attached', true],
          ['/dev/sdb', 'attached', false],
          ['/dev/xvdc', 'attached', true]
        ]
      );
      for (const device of devices) {
        assert.match(device.Ebs?.VolumeId ?? '', VOLUME_ID);
        assert.deepEqual(device.Ebs?.AttachTime, instance.LaunchTime);
      }
      assert.deepEqual((await describeInstance(launched.InstanceId!)).BlockDeviceMappings, devices);
      const filtered = async (Name: string, value: string): Promise<string[]> => {
        const { Reservations } = await server.ec2.send(
          new DescribeInstancesCommand({ Filters: [{ Name, Values: [value] }] })
        );
        return (Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
      };
      assert.deepEqual(await filtered('block-device-mapping.volume-id', devices[1]!.Ebs!.VolumeId!), [
        launched.InstanceId
      ]);
      assert.ok((await filtered('block-device-mapping.device-name', '/dev/xvdc')).includes(launched.InstanceId!));
      assert.ok((await filtered('block-device-mapping.delete-on-termination', 'false')).includes(launched.InstanceId!));
      assert.ok((await filtered('root-device-name', '/dev/xvda')).includes(launched.InstanceId!));
      assert.deepEqual(await filtered('root-device-type', 'instance-store'), []);
    });

    it('without BlockDeviceMapping.N an instance still has its root volume at /dev/xvda; a mapping of /dev/sda1 makes that the root', async () => {
      const plain = await describeInstance((await launch({ InstanceType: 't3.micro' })).InstanceId!);
      assert.equal(plain.RootDeviceName, '/dev/xvda');
      assert.deepEqual(
        plain.BlockDeviceMappings?.map((d) => [d.DeviceName, d.Ebs?.DeleteOnTermination]),
        [['/dev/xvda', true]]
      );
      const ubuntu = await describeInstance(
        (
          await launch({
            BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 16, DeleteOnTermination: false } }]
          })
        ).InstanceId!
      );
      assert.equal(ubuntu.RootDeviceName, '/dev/sda1');
      assert.deepEqual(
        ubuntu.BlockDeviceMappings?.map((d) => [d.DeviceName, d.Ebs?.DeleteOnTermination]),
        [['/dev/sda1', false]]
      );
    });

    it("shows each type's default CPU options when none are given, and none for bare metal", async () => {
      for (const [type, cores, threads] of [
        ['t2.micro', 1, 1],
        ['t3.micro', 1, 2],
        ['m1.small', 1, 1],
        ['m5.large', 1, 2],
        ['c5.4xlarge', 8, 2],
        ['m6g.large', 2, 1],
        ['m7a.xlarge', 4, 1]
      ] as const) {
        const instance = await launch({ InstanceType: type });
        assert.deepEqual(instance.CpuOptions, { CoreCount: cores, ThreadsPerCore: threads }, type);
        assert.deepEqual((await describeInstance(instance.InstanceId!)).CpuOptions, instance.CpuOptions, type);
      }
      assert.equal((await launch({ InstanceType: 'm5.metal' })).CpuOptions, undefined);
    });

    it('AmdSevSnp on an M6a, R6a or C6a type shows in CpuOptions', async () => {
      const instance = await launch({ InstanceType: 'm6a.large', CpuOptions: { AmdSevSnp: 'enabled' } });
      assert.deepEqual((await describeInstance(instance.InstanceId!)).CpuOptions, {
        CoreCount: 1,
        ThreadsPerCore: 2,
        AmdSevSnp: 'enabled'
      });
    });

    it('a terminated instance shows no volumes', async () => {
      const instance = await launch({
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } }]
      });
      assert.equal((await describeInstance(instance.InstanceId!)).BlockDeviceMappings?.length, 2);
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
      const terminated = await describeInstance(instance.InstanceId!);
      assert.equal(terminated.State?.Name, 'terminated');
      assert.deepEqual(terminated.BlockDeviceMappings, []);
      assert.equal(terminated.RootDeviceName, '/dev/xvda');
    });

    it('answers the AWS CLI with --block-device-mappings and --cpu-options', async () => {
      const result = await server.aws(
        'ec2',
        'run-instances',
        '--image-id',
        AMI,
        '--instance-type',
        'm5.2xlarge',
        '--subnet-id',
        subnet.id,
        '--block-device-mappings',
        JSON.stringify([
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } },
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8, VolumeType: 'gp2', DeleteOnTermination: false } }
        ]),
        '--cpu-options',
        'CoreCount=2,ThreadsPerCore=1'
      );
      assert.equal(result.code, 0, result.stderr);
      const [launched] = result.json.Instances;
      assert.deepEqual(launched.CpuOptions, { CoreCount: 2, ThreadsPerCore: 1 });
      const described = await server.aws('ec2', 'describe-instances', '--instance-ids', launched.InstanceId);
      assert.equal(described.code, 0, described.stderr);
      const instance = described.json.Reservations[0].Instances[0];
      assert.equal(instance.RootDeviceName, '/dev/xvda');
      assert.deepEqual(instance.CpuOptions, { CoreCount: 2, ThreadsPerCore: 1 });
      assert.deepEqual(
        instance.BlockDeviceMappings.map((d: any) => [d.DeviceName, d.Ebs.Status, d.Ebs.DeleteOnTermination]),
        [
          ['/dev/xvda', 'attached', true],
          ['/dev/sdf', 'attached', false]
        ]
      );
    });

    it('answers on the JSON face', async () => {
      const ok = await server.json({
        Action: 'RunInstances',
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.id,
        InstanceType: 'm5.large',
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } }],
        CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 }
      });
      assert.equal(ok.status, 200, ok.text);
      const instance = ok.json.data.Instances[0];
      assert.deepEqual(instance.CpuOptions, { CoreCount: 1, ThreadsPerCore: 1 });
      assert.equal(instance.RootDeviceName, '/dev/xvda');
      const failed = await server.json({
        Action: 'RunInstances',
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: 'web' }
      });
      assert.equal(failed.status, 400);
      assert.equal(failed.json.error.ec2Code, 'InvalidLaunchTemplateName.NotFoundException');
      assert.equal(failed.json.error.message, 'The specified launch template, with template name web, does not exist.');
    });
  });

  describe('validations', () => {
    before(async () => {
      subnet = await lab.subnet();
    });
    const ebs = (Ebs: NonNullable<NonNullable<RunInstancesCommandInput['BlockDeviceMappings']>[number]['Ebs']>) =>
      run({ BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs }] });

    it('BlockDeviceMapping.N: a missing, invalid or repeated device name is InvalidBlockDeviceMapping', async () => {
      await assertSdkError(run({ BlockDeviceMappings: [{ Ebs: { VolumeSize: 8 } }] }), BDM, 'Missing device name');
      for (const name of ['/dev/sdf1', '/dev/sda', '/dev/xvda1', 'sdf', '/dev/hda']) {
        await assertSdkError(
          run({ BlockDeviceMappings: [{ DeviceName: name, Ebs: { VolumeSize: 8 } }] }),
          BDM,
          `Invalid device name ${name}`
        );
      }
      await assertSdkError(
        run({
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 8 } },
            { DeviceName: 'xvdb', Ebs: { VolumeSize: 9 } }
          ]
        }),
        BDM,
        "The device 'xvdb' is used in more than one block-device mapping"
      );
      assertCliError(
        await server.aws(
          'ec2',
          'run-instances',
          '--image-id',
          AMI,
          '--subnet-id',
          subnet.id,
          '--block-device-mappings',
          'DeviceName=/dev/sde1,Ebs={VolumeSize=1}'
        ),
        BDM,
        'Invalid device name /dev/sde1'
      );
      await assertNothingLaunched();
    });

    it('BlockDeviceMapping.N: no Ebs without an instance store name, NoDevice on the root, no size nor snapshot, a malformed snapshot', async () => {
      await assertSdkError(
        run({ BlockDeviceMappings: [{ DeviceName: '/dev/sdf', VirtualName: 'data' }] }),
        'MissingParameter',
        'The request must contain the parameter ebs'
      );
      await assertSdkError(
        run({ BlockDeviceMappings: [{ DeviceName: '/dev/sdf' }] }),
        'MissingParameter',
        'The request must contain the parameter ebs'
      );
      await assertSdkError(
        run({ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', NoDevice: '' }] }),
        BDM,
        'The root device /dev/xvda cannot be removed from the block device mapping.'
      );
      await assertSdkError(
        ebs({ VolumeType: 'gp3', DeleteOnTermination: true }),
        BDM,
        'Either snapshot ID or volume size must be provided for: /dev/sdf'
      );
      await assertSdkError(
        ebs({ SnapshotId: 'snap-nothex' }),
        'InvalidSnapshotID.Malformed',
        "The snapshot ID 'snap-nothex' is not valid. The expected format is snap-xxxxxxxx or snap-xxxxxxxxxxxxxxxxx."
      );
      await assertNothingLaunched();
    });

    it('Ebs.VolumeType outside the enumeration is InvalidParameterValue', async () => {
      assertXmlError(
        await server.query({
          Action: 'RunInstances',
          ImageId: AMI,
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnet.id,
          'BlockDeviceMapping.1.DeviceName': '/dev/sdf',
          'BlockDeviceMapping.1.Ebs.VolumeSize': 8,
          'BlockDeviceMapping.1.Ebs.VolumeType': 'gp4'
        }),
        400,
        'InvalidParameterValue',
        'Value (gp4) for parameter BlockDeviceMapping.1.Ebs.VolumeType is invalid. Valid values are: standard, io1, io2, gp2, sc1, st1, gp3.'
      );
    });

    it('Ebs.VolumeSize outside the range of its volume type is InvalidBlockDeviceMapping', async () => {
      await assertSdkError(
        ebs({ VolumeSize: 20000 }),
        BDM,
        'Volume of size 20000GB is larger than the maximum for volume type gp2, expect size <= 16384GB'
      );
      await assertSdkError(
        ebs({ VolumeSize: 100, VolumeType: 'st1' }),
        BDM,
        'Volume of size 100GB is smaller than the minimum for volume type st1, expect size >= 125GB'
      );
      await assertSdkError(
        ebs({ VolumeSize: 2048, VolumeType: 'standard' }),
        BDM,
        'Volume of size 2048GB is larger than the maximum for volume type standard, expect size <= 1024GB'
      );
      await assertSdkError(
        ebs({ VolumeSize: 2, VolumeType: 'io2', Iops: 100 }),
        BDM,
        'Volume of size 2GB is smaller than the minimum for volume type io2, expect size >= 4GB'
      );
      const elsewhere = await lab.subnet();
      const largest = await run({
        SubnetId: elsewhere.id,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 65536, VolumeType: 'gp3' } }]
      });
      assert.equal(largest.Instances?.length, 1);
      await assertNothingLaunched();
    });

    it('Ebs.Iops: required for io1 and io2, refused for other types than gp3, io1 and io2, and bounded', async () => {
      for (const type of ['io1', 'io2'] as const) {
        await assertSdkError(
          ebs({ VolumeSize: 100, VolumeType: type }),
          'InvalidParameterCombination',
          `The parameter iops must be specified for ${type} volumes.`
        );
      }
      await assertSdkError(
        ebs({ VolumeSize: 100, Iops: 3000 }),
        'InvalidParameterCombination',
        'The parameter iops is not supported for gp2 volumes.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 100, VolumeType: 'standard', Iops: 3000 }),
        'InvalidParameterCombination',
        'The parameter iops is not supported for standard volumes.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 100, VolumeType: 'gp3', Iops: 2000 }),
        'InvalidParameterValue',
        'Volume iops of 2000 is too low; minimum is 3000.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 1000, VolumeType: 'io1', Iops: 64001 }),
        'InvalidParameterValue',
        'Volume iops of 64001 is too high; maximum is 64000.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 20, VolumeType: 'gp3', Iops: 15000 }),
        'InvalidParameterValue',
        'Iops to volume size ratio of 750.000000 is too high; maximum is 500'
      );
      await assertNothingLaunched();
    });

    it('Ebs.Throughput: gp3 only, within 125 to 2000 MiB/s and 0.25 MiB/s per IOPS', async () => {
      await assertSdkError(
        ebs({ VolumeSize: 100, VolumeType: 'io2', Iops: 1000, Throughput: 500 }),
        'InvalidParameterCombination',
        'throughput can only be specified for volumeType gp3.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 100, Throughput: 250 }),
        'InvalidParameterCombination',
        'throughput can only be specified for volumeType gp3.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 100, VolumeType: 'gp3', Throughput: 100 }),
        'InvalidParameterValue',
        'Volume throughput of 100 is too low; minimum is 125.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 1000, VolumeType: 'gp3', Iops: 16000, Throughput: 2001 }),
        'InvalidParameterValue',
        'Volume throughput of 2001 is too high; maximum is 2000.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 100, VolumeType: 'gp3', Throughput: 1000 }),
        'InvalidParameterValue',
        'Throughput (MiBps) to iops ratio of 0.333333 is too high; maximum is 0.250000 MiBps per iops'
      );
      await assertNothingLaunched();
    });

    it('Ebs.KmsKeyId without Encrypted, and VolumeInitializationRate without a snapshot or out of range', async () => {
      await assertSdkError(
        ebs({ VolumeSize: 10, KmsKeyId: 'alias/data' }),
        'InvalidParameterDependency',
        'The parameter KmsKeyId requires the parameter Encrypted to be set.'
      );
      await assertSdkError(
        ebs({ VolumeSize: 10, VolumeInitializationRate: 200 }),
        'InvalidParameterCombination',
        'The parameter VolumeInitializationRate can only be specified for volumes created from snapshots.'
      );
      await assertSdkError(
        ebs({ SnapshotId: 'snap-0123456789abcdef0', VolumeInitializationRate: 500 }),
        'InvalidParameterValue',
        'Value (500) for parameter VolumeInitializationRate is invalid. It must be between 100 and 300.'
      );
      await assertNothingLaunched();
    });

    it('CpuOptions: both counts or neither, a type that takes them, and counts the type has', async () => {
      const incomplete = 'When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore.';
      await assertSdkError(
        run({ InstanceType: 'm5.xlarge', CpuOptions: { CoreCount: 2 } }),
        'MissingParameter',
        incomplete
      );
      await assertSdkError(
        run({ InstanceType: 'm5.xlarge', CpuOptions: { ThreadsPerCore: 1 } }),
        'MissingParameter',
        incomplete
      );
      for (const type of ['m5.metal', 't2.micro'] as const) {
        await assertSdkError(
          run({ InstanceType: type, CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 } }),
          'InvalidParameterCombination',
          `CPU options are not supported for instance type ${type}.`
        );
      }
      await assertSdkError(
        run({ InstanceType: 'm5.large', CpuOptions: { CoreCount: 2, ThreadsPerCore: 1 } }),
        'InvalidParameterValue',
        'Value (2) for parameter coreCount is invalid. Valid core counts for m5.large are 1 to 1.'
      );
      await assertSdkError(
        run({ InstanceType: 'c5.4xlarge', CpuOptions: { CoreCount: 0, ThreadsPerCore: 2 } }),
        'InvalidParameterValue',
        'Value (0) for parameter coreCount is invalid. Valid core counts for c5.4xlarge are 1 to 8.'
      );
      await assertSdkError(
        run({ InstanceType: 'm5.xlarge', CpuOptions: { CoreCount: 2, ThreadsPerCore: 3 } }),
        'InvalidParameterValue',
        'Value (3) for parameter threadsPerCore is invalid. Valid threads per core for m5.xlarge are: 1, 2.'
      );
      await assertSdkError(
        run({ InstanceType: 'm6g.xlarge', CpuOptions: { CoreCount: 2, ThreadsPerCore: 2 } }),
        'InvalidParameterValue',
        'Value (2) for parameter threadsPerCore is invalid. Valid threads per core for m6g.xlarge are: 1.'
      );
      await assertSdkError(
        run({ InstanceType: 'm5.large', CpuOptions: { AmdSevSnp: 'enabled' } }),
        'InvalidParameterCombination',
        'AMD SEV-SNP is not supported for instance type m5.large.'
      );
      await assertSdkError(
        run({ InstanceType: 'm5.large', CpuOptions: { NestedVirtualization: 'enabled' } }),
        'InvalidParameterCombination',
        'Nested virtualization is not supported for instance type m5.large.'
      );
      assertCliError(
        await server.aws(
          'ec2',
          'run-instances',
          '--image-id',
          AMI,
          '--instance-type',
          'm5.large',
          '--subnet-id',
          subnet.id,
          '--cpu-options',
          'CoreCount=4,ThreadsPerCore=1'
        ),
        'InvalidParameterValue',
        'Value (4) for parameter coreCount is invalid. Valid core counts for m5.large are 1 to 1.'
      );
      await assertNothingLaunched();
    });

    it('LaunchTemplate: ec2lite keeps none, so every reference is to a template that does not exist', async () => {
      const id = 'lt-0123456789abcdef0';
      await assertSdkError(
        run({ LaunchTemplate: { LaunchTemplateId: id, Version: '$Latest' } }),
        'InvalidLaunchTemplateId.NotFound',
        `The specified launch template, with template ID ${id}, does not exist.`
      );
      // The template could hold the ImageId: its absence is not the first thing wrong.
      await assertSdkError(
        server.ec2.send(
          new RunInstancesCommand({
            MinCount: 1,
            MaxCount: 1,
            LaunchTemplate: { LaunchTemplateName: 'karpenter/default' }
          })
        ),
        'InvalidLaunchTemplateName.NotFoundException',
        'The specified launch template, with template name karpenter/default, does not exist.'
      );
      await assertSdkError(
        run({ LaunchTemplate: { LaunchTemplateId: 'web-template' } }),
        'InvalidLaunchTemplateId.Malformed',
        'The specified ID for the launch template, web-template, is malformed.'
      );
      await assertSdkError(
        run({ LaunchTemplate: { LaunchTemplateName: 'a b' } }),
        'InvalidLaunchTemplateName.Malformed',
        'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'
      );
      await assertSdkError(
        run({ LaunchTemplate: { LaunchTemplateId: id, LaunchTemplateName: 'web' } }),
        'InvalidParameterCombination',
        'You must specify either the launch template ID or the launch template name, but not both.'
      );
      assertXmlError(
        await server.query({
          Action: 'RunInstances',
          MinCount: 1,
          MaxCount: 1,
          'LaunchTemplate.Version': '1'
        }),
        400,
        'MissingParameter',
        'The request must contain the parameter launchTemplateName or launchTemplateId'
      );
      // A dry run checks the template too.
      await assertSdkError(
        run({ DryRun: true, LaunchTemplate: { LaunchTemplateId: id } }),
        'InvalidLaunchTemplateId.NotFound',
        `The specified launch template, with template ID ${id}, does not exist.`
      );
      assertCliError(
        await server.aws(
          'ec2',
          'run-instances',
          '--launch-template',
          'LaunchTemplateName=web,Version=$Default',
          '--subnet-id',
          subnet.id
        ),
        'InvalidLaunchTemplateName.NotFoundException',
        'The specified launch template, with template name web, does not exist.'
      );
      await assertNothingLaunched();
    });
  });
});
