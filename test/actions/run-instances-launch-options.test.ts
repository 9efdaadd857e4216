import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BlockDeviceMapping,
  type EbsBlockDevice,
  RunInstancesCommand,
  TerminateInstancesCommand
} from '@aws-sdk/client-ec2';
import { type TestServer, items, startTestServer } from '../helpers/ec2lite.js';
import { type LabSubnet, VpcLab } from '../helpers/vpc-lab.js';
import { launcher } from '../helpers/launcher.js';
import { type RefusalRule, assertRefused, describeRefusals } from '../helpers/refusals.js';

const AMI = 'ami-0abcdef1234567890';
const VOLUME_ID = /^vol-[0-9a-f]{17}$/;
const BDM = 'InvalidBlockDeviceMapping';
const missingTemplate = (name: string) => `The specified launch template, with template name ${name}, does not exist.`;

/** RunInstances BlockDeviceMapping.N, CpuOptions and LaunchTemplate. */
describe('RunInstances: block device mappings, CPU options and launch templates', () => {
  let server: TestServer;
  let lab: VpcLab;
  let subnet: LabSubnet;
  const { run, launch, describeInstance, query, json, cli, reservationsWhere, instancesWhere } = launcher(
    () => server,
    { imageId: AMI, subnetId: () => subnet.id }
  );

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
      const response = await query({
        InstanceType: 'm5.xlarge',
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
      const filtered = async (name: string, value: string): Promise<string[]> =>
        (await instancesWhere(name, value)).map((i) => i.InstanceId!);
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
      const result = await cli(
        '--instance-type',
        'm5.2xlarge',
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
      const ok = await json({
        InstanceType: 'm5.large',
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } }],
        CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 }
      });
      assert.equal(ok.status, 200, ok.text);
      const instance = ok.json.data.Instances[0];
      assert.deepEqual(instance.CpuOptions, { CoreCount: 1, ThreadsPerCore: 1 });
      assert.equal(instance.RootDeviceName, '/dev/xvda');
      await assertRefused({
        json: () => json({ SubnetId: undefined, LaunchTemplate: { LaunchTemplateName: 'web' } }),
        code: 'InvalidLaunchTemplateName.NotFoundException',
        message: missingTemplate('web')
      });
    });
  });

  describe('validations', () => {
    before(async () => {
      subnet = await lab.subnet();
    });
    const mappings = (...BlockDeviceMappings: BlockDeviceMapping[]) => run({ BlockDeviceMappings });
    /** A launch with one EBS volume at /dev/sdf. */
    const ebs = (Ebs: EbsBlockDevice) => mappings({ DeviceName: '/dev/sdf', Ebs });
    const tooLarge = (size: number, type: string, maximum: number) =>
      `Volume of size ${size}GB is larger than the maximum for volume type ${type}, expect size <= ${maximum}GB`;
    const tooSmall = (size: number, type: string, minimum: number) =>
      `Volume of size ${size}GB is smaller than the minimum for volume type ${type}, expect size >= ${minimum}GB`;
    const throughputElsewhere = 'throughput can only be specified for volumeType gp3.';
    const incompleteCpu = 'When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore.';
    const coreCounts = (count: number, type: string, maximum: number) =>
      `Value (${count}) for parameter coreCount is invalid. Valid core counts for ${type} are 1 to ${maximum}.`;
    const threadCounts = (count: number, type: string, valid: string) =>
      `Value (${count}) for parameter threadsPerCore is invalid. Valid threads per core for ${type} are: ${valid}.`;
    const TEMPLATE_ID = 'lt-0123456789abcdef0';
    const missingTemplateId = `The specified launch template, with template ID ${TEMPLATE_ID}, does not exist.`;

    /** Requests refused with nothing launched, one `it` each, under the rule they break. */
    const rules: RefusalRule[] = [
      [
        'BlockDeviceMapping.N: a missing, invalid or repeated device name is InvalidBlockDeviceMapping',
        [
          {
            title: 'no device name',
            sdk: () => mappings({ Ebs: { VolumeSize: 8 } }),
            code: BDM,
            message: 'Missing device name'
          },
          ...['/dev/sdf1', '/dev/sda', '/dev/xvda1', 'sdf', '/dev/hda'].map((name) => ({
            title: `device name ${name}`,
            sdk: () => mappings({ DeviceName: name, Ebs: { VolumeSize: 8 } }),
            code: BDM,
            message: `Invalid device name ${name}`
          })),
          {
            title: 'xvdb named twice, once as /dev/xvdb',
            sdk: () =>
              mappings(
                { DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 8 } },
                { DeviceName: 'xvdb', Ebs: { VolumeSize: 9 } }
              ),
            code: BDM,
            message: "The device 'xvdb' is used in more than one block-device mapping"
          },
          {
            title: 'the AWS CLI with device name /dev/sde1',
            cli: () => cli('--block-device-mappings', 'DeviceName=/dev/sde1,Ebs={VolumeSize=1}'),
            code: BDM,
            message: 'Invalid device name /dev/sde1'
          }
        ]
      ],
      [
        'BlockDeviceMapping.N: no Ebs without an instance store name, NoDevice on the root, no size nor snapshot, a malformed snapshot',
        [
          {
            title: 'a VirtualName that names no instance store, without Ebs',
            sdk: () => mappings({ DeviceName: '/dev/sdf', VirtualName: 'data' }),
            code: 'MissingParameter',
            message: 'The request must contain the parameter ebs'
          },
          {
            title: 'neither Ebs nor VirtualName',
            sdk: () => mappings({ DeviceName: '/dev/sdf' }),
            code: 'MissingParameter',
            message: 'The request must contain the parameter ebs'
          },
          {
            title: 'NoDevice on the root device',
            sdk: () => mappings({ DeviceName: '/dev/xvda', NoDevice: '' }),
            code: BDM,
            message: 'The root device /dev/xvda cannot be removed from the block device mapping.'
          },
          {
            title: 'Ebs without VolumeSize or SnapshotId',
            sdk: () => ebs({ VolumeType: 'gp3', DeleteOnTermination: true }),
            code: BDM,
            message: 'Either snapshot ID or volume size must be provided for: /dev/sdf'
          },
          {
            title: 'a malformed Ebs.SnapshotId',
            sdk: () => ebs({ SnapshotId: 'snap-nothex' }),
            code: 'InvalidSnapshotID.Malformed',
            message:
              "The snapshot ID 'snap-nothex' is not valid. The expected format is snap-xxxxxxxx or snap-xxxxxxxxxxxxxxxxx."
          }
        ]
      ],
      [
        'Ebs.VolumeType outside the enumeration is InvalidParameterValue',
        [
          {
            title: 'gp4 on the Query face',
            query: () =>
              query({
                'BlockDeviceMapping.1.DeviceName': '/dev/sdf',
                'BlockDeviceMapping.1.Ebs.VolumeSize': 8,
                'BlockDeviceMapping.1.Ebs.VolumeType': 'gp4'
              }),
            code: 'InvalidParameterValue',
            message:
              'Value (gp4) for parameter BlockDeviceMapping.1.Ebs.VolumeType is invalid. Valid values are: standard, io1, io2, gp2, sc1, st1, gp3.'
          }
        ]
      ],
      [
        'Ebs.VolumeSize outside the range of its volume type is InvalidBlockDeviceMapping',
        [
          {
            title: '20000 GiB of gp2, the default type',
            sdk: () => ebs({ VolumeSize: 20000 }),
            code: BDM,
            message: tooLarge(20000, 'gp2', 16384)
          },
          {
            title: '100 GiB of st1',
            sdk: () => ebs({ VolumeSize: 100, VolumeType: 'st1' }),
            code: BDM,
            message: tooSmall(100, 'st1', 125)
          },
          {
            title: '2048 GiB of standard',
            sdk: () => ebs({ VolumeSize: 2048, VolumeType: 'standard' }),
            code: BDM,
            message: tooLarge(2048, 'standard', 1024)
          },
          {
            title: '2 GiB of io2',
            sdk: () => ebs({ VolumeSize: 2, VolumeType: 'io2', Iops: 100 }),
            code: BDM,
            message: tooSmall(2, 'io2', 4)
          }
        ]
      ],
      [
        'Ebs.Iops: required for io1 and io2, refused for other types than gp3, io1 and io2, and bounded',
        [
          ...(['io1', 'io2'] as const).map((type) => ({
            title: `${type} without Iops`,
            sdk: () => ebs({ VolumeSize: 100, VolumeType: type }),
            code: 'InvalidParameterCombination',
            message: `The parameter iops must be specified for ${type} volumes.`
          })),
          {
            title: 'Iops for gp2, the default type',
            sdk: () => ebs({ VolumeSize: 100, Iops: 3000 }),
            code: 'InvalidParameterCombination',
            message: 'The parameter iops is not supported for gp2 volumes.'
          },
          {
            title: 'Iops for standard',
            sdk: () => ebs({ VolumeSize: 100, VolumeType: 'standard', Iops: 3000 }),
            code: 'InvalidParameterCombination',
            message: 'The parameter iops is not supported for standard volumes.'
          },
          {
            title: '2000 IOPS of gp3',
            sdk: () => ebs({ VolumeSize: 100, VolumeType: 'gp3', Iops: 2000 }),
            code: 'InvalidParameterValue',
            message: 'Volume iops of 2000 is too low; minimum is 3000.'
          },
          {
            title: '64001 IOPS of io1',
            sdk: () => ebs({ VolumeSize: 1000, VolumeType: 'io1', Iops: 64001 }),
            code: 'InvalidParameterValue',
            message: 'Volume iops of 64001 is too high; maximum is 64000.'
          },
          {
            title: '15000 IOPS on 20 GiB of gp3',
            sdk: () => ebs({ VolumeSize: 20, VolumeType: 'gp3', Iops: 15000 }),
            code: 'InvalidParameterValue',
            message: 'Iops to volume size ratio of 750.000000 is too high; maximum is 500'
          }
        ]
      ],
      [
        'Ebs.Throughput: gp3 only, within 125 to 2000 MiB/s and 0.25 MiB/s per IOPS',
        [
          {
            title: 'Throughput for io2',
            sdk: () => ebs({ VolumeSize: 100, VolumeType: 'io2', Iops: 1000, Throughput: 500 }),
            code: 'InvalidParameterCombination',
            message: throughputElsewhere
          },
          {
            title: 'Throughput for gp2, the default type',
            sdk: () => ebs({ VolumeSize: 100, Throughput: 250 }),
            code: 'InvalidParameterCombination',
            message: throughputElsewhere
          },
          {
            title: '100 MiB/s of gp3',
            sdk: () => ebs({ VolumeSize: 100, VolumeType: 'gp3', Throughput: 100 }),
            code: 'InvalidParameterValue',
            message: 'Volume throughput of 100 is too low; minimum is 125.'
          },
          {
            title: '2001 MiB/s of gp3',
            sdk: () => ebs({ VolumeSize: 1000, VolumeType: 'gp3', Iops: 16000, Throughput: 2001 }),
            code: 'InvalidParameterValue',
            message: 'Volume throughput of 2001 is too high; maximum is 2000.'
          },
          {
            title: '1000 MiB/s at the 3000 IOPS gp3 defaults to',
            sdk: () => ebs({ VolumeSize: 100, VolumeType: 'gp3', Throughput: 1000 }),
            code: 'InvalidParameterValue',
            message: 'Throughput (MiBps) to iops ratio of 0.333333 is too high; maximum is 0.250000 MiBps per iops'
          }
        ]
      ],
      [
        'Ebs.KmsKeyId without Encrypted, and VolumeInitializationRate without a snapshot or out of range',
        [
          {
            title: 'KmsKeyId without Encrypted',
            sdk: () => ebs({ VolumeSize: 10, KmsKeyId: 'alias/data' }),
            code: 'InvalidParameterDependency',
            message: 'The parameter KmsKeyId requires the parameter Encrypted to be set.'
          },
          {
            title: 'VolumeInitializationRate without a snapshot',
            sdk: () => ebs({ VolumeSize: 10, VolumeInitializationRate: 200 }),
            code: 'InvalidParameterCombination',
            message: 'The parameter VolumeInitializationRate can only be specified for volumes created from snapshots.'
          },
          {
            title: 'VolumeInitializationRate 500',
            sdk: () => ebs({ SnapshotId: 'snap-0123456789abcdef0', VolumeInitializationRate: 500 }),
            code: 'InvalidParameterValue',
            message: 'Value (500) for parameter VolumeInitializationRate is invalid. It must be between 100 and 300.'
          }
        ]
      ],
      [
        'CpuOptions: both counts or neither, a type that takes them, and counts the type has',
        [
          {
            title: 'CoreCount alone',
            sdk: () => run({ InstanceType: 'm5.xlarge', CpuOptions: { CoreCount: 2 } }),
            code: 'MissingParameter',
            message: incompleteCpu
          },
          {
            title: 'ThreadsPerCore alone',
            sdk: () => run({ InstanceType: 'm5.xlarge', CpuOptions: { ThreadsPerCore: 1 } }),
            code: 'MissingParameter',
            message: incompleteCpu
          },
          ...(['m5.metal', 't2.micro'] as const).map((type) => ({
            title: `counts for instance type ${type}`,
            sdk: () => run({ InstanceType: type, CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 } }),
            code: 'InvalidParameterCombination',
            message: `CPU options are not supported for instance type ${type}.`
          })),
          {
            title: '2 cores of an m5.large',
            sdk: () => run({ InstanceType: 'm5.large', CpuOptions: { CoreCount: 2, ThreadsPerCore: 1 } }),
            code: 'InvalidParameterValue',
            message: coreCounts(2, 'm5.large', 1)
          },
          {
            title: '0 cores of a c5.4xlarge',
            sdk: () => run({ InstanceType: 'c5.4xlarge', CpuOptions: { CoreCount: 0, ThreadsPerCore: 2 } }),
            code: 'InvalidParameterValue',
            message: coreCounts(0, 'c5.4xlarge', 8)
          },
          {
            title: '3 threads per core of an m5.xlarge',
            sdk: () => run({ InstanceType: 'm5.xlarge', CpuOptions: { CoreCount: 2, ThreadsPerCore: 3 } }),
            code: 'InvalidParameterValue',
            message: threadCounts(3, 'm5.xlarge', '1, 2')
          },
          {
            title: '2 threads per core of an m6g.xlarge',
            sdk: () => run({ InstanceType: 'm6g.xlarge', CpuOptions: { CoreCount: 2, ThreadsPerCore: 2 } }),
            code: 'InvalidParameterValue',
            message: threadCounts(2, 'm6g.xlarge', '1')
          },
          {
            title: 'AmdSevSnp on an m5.large',
            sdk: () => run({ InstanceType: 'm5.large', CpuOptions: { AmdSevSnp: 'enabled' } }),
            code: 'InvalidParameterCombination',
            message: 'AMD SEV-SNP is not supported for instance type m5.large.'
          },
          {
            title: 'NestedVirtualization on an m5.large',
            sdk: () => run({ InstanceType: 'm5.large', CpuOptions: { NestedVirtualization: 'enabled' } }),
            code: 'InvalidParameterCombination',
            message: 'Nested virtualization is not supported for instance type m5.large.'
          },
          {
            title: 'the AWS CLI with 4 cores of an m5.large',
            cli: () => cli('--instance-type', 'm5.large', '--cpu-options', 'CoreCount=4,ThreadsPerCore=1'),
            code: 'InvalidParameterValue',
            message: coreCounts(4, 'm5.large', 1)
          }
        ]
      ],
      [
        'LaunchTemplate: ec2lite keeps none, so every reference is to a template that does not exist',
        [
          {
            title: 'an unknown LaunchTemplateId',
            sdk: () => run({ LaunchTemplate: { LaunchTemplateId: TEMPLATE_ID, Version: '$Latest' } }),
            code: 'InvalidLaunchTemplateId.NotFound',
            message: missingTemplateId
          },
          {
            // The template could hold the ImageId: its absence is not the first thing wrong.
            title: 'an unknown LaunchTemplateName, without ImageId',
            sdk: () =>
              server.ec2.send(
                new RunInstancesCommand({
                  MinCount: 1,
                  MaxCount: 1,
                  LaunchTemplate: { LaunchTemplateName: 'karpenter/default' }
                })
              ),
            code: 'InvalidLaunchTemplateName.NotFoundException',
            message: missingTemplate('karpenter/default')
          },
          {
            title: 'a malformed LaunchTemplateId',
            sdk: () => run({ LaunchTemplate: { LaunchTemplateId: 'web-template' } }),
            code: 'InvalidLaunchTemplateId.Malformed',
            message: 'The specified ID for the launch template, web-template, is malformed.'
          },
          {
            title: 'a malformed LaunchTemplateName',
            sdk: () => run({ LaunchTemplate: { LaunchTemplateName: 'a b' } }),
            code: 'InvalidLaunchTemplateName.Malformed',
            message:
              'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'
          },
          {
            title: 'both LaunchTemplateId and LaunchTemplateName',
            sdk: () => run({ LaunchTemplate: { LaunchTemplateId: TEMPLATE_ID, LaunchTemplateName: 'web' } }),
            code: 'InvalidParameterCombination',
            message: 'You must specify either the launch template ID or the launch template name, but not both.'
          },
          {
            title: 'LaunchTemplate.Version alone on the Query face',
            query: () => query({ ImageId: undefined, SubnetId: undefined, 'LaunchTemplate.Version': '1' }),
            code: 'MissingParameter',
            message: 'The request must contain the parameter launchTemplateName or launchTemplateId'
          },
          {
            // A dry run checks the template too.
            title: 'a dry run with an unknown LaunchTemplateId',
            sdk: () => run({ DryRun: true, LaunchTemplate: { LaunchTemplateId: TEMPLATE_ID } }),
            code: 'InvalidLaunchTemplateId.NotFound',
            message: missingTemplateId
          },
          {
            title: 'the AWS CLI with an unknown template name',
            cli: () =>
              server.aws(
                'ec2',
                'run-instances',
                '--launch-template',
                'LaunchTemplateName=web,Version=$Default',
                '--subnet-id',
                subnet.id
              ),
            code: 'InvalidLaunchTemplateName.NotFoundException',
            message: missingTemplate('web')
          }
        ]
      ]
    ];
    // Nothing may be launched into the subnet.
    describeRefusals(rules, async () => assert.deepEqual(await reservationsWhere('subnet-id', subnet.id), []));

    it('Ebs.VolumeSize: 65536 GiB of gp3, its maximum, is in range', async () => {
      const elsewhere = await lab.subnet();
      const largest = await run({
        SubnetId: elsewhere.id,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 65536, VolumeType: 'gp3' } }]
      });
      assert.equal(largest.Instances?.length, 1);
    });
  });
});
