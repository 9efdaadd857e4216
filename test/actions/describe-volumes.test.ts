import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  type DescribeVolumesCommandInput,
  type Filter,
  type Instance,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Volume,
  paginateDescribeVolumes
} from '@aws-sdk/client-ec2';
import { type TestServer, assertSdkError, items, startTestServer } from '../helpers/ec2lite.js';
import { type LabSubnet, VpcLab } from '../helpers/vpc-lab.js';
import { launcher } from '../helpers/launcher.js';
import { assertRefused, describeRefusals } from '../helpers/refusals.js';

const AMI = 'ami-0abcdef1234567890';
const VOLUME_ID = /^vol-[0-9a-f]{17}$/;
const SNAPSHOT = 'snap-0123456789abcdef0';
const MISSING = 'vol-0123456789abcdef0';
const NOT_FOUND = 'InvalidVolume.NotFound';
const notFound = (id: string) => `The volume '${id}' does not exist.`;

describe('DescribeVolumes', () => {
  let server: TestServer;
  let lab: VpcLab;
  let subnet: LabSubnet;
  const { run, launch, describeInstance } = launcher(() => server, { imageId: AMI, subnetId: () => subnet.id });
  const describeWith = async (input: DescribeVolumesCommandInput): Promise<Volume[]> =>
    (await server.ec2.send(new DescribeVolumesCommand(input))).Volumes ?? [];
  const ofInstance = (instanceId: string, ...filters: Filter[]) =>
    describeWith({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }, ...filters] });
  const volumeIds = (volumes: readonly Volume[]) => volumes.map((v) => v.VolumeId!);

  /** One instance with a mapping of every kind, launched once for the filter and view tests. */
  let wide: Instance;
  let wideVolumes: Volume[];

  before(async () => {
    server = await startTestServer();
    lab = await VpcLab.create(server);
    subnet = await lab.subnet();
    wide = await launch({
      InstanceType: 'm5.xlarge',
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3', DeleteOnTermination: false } },
        {
          DeviceName: '/dev/sdf',
          Ebs: {
            VolumeSize: 100,
            VolumeType: 'gp3',
            Iops: 4000,
            Throughput: 250,
            Encrypted: true,
            KmsKeyId: 'alias/data'
          }
        },
        { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 10 } },
        { DeviceName: '/dev/sdh', Ebs: { VolumeSize: 50, VolumeType: 'io2', Iops: 5000 } },
        { DeviceName: '/dev/sdi', Ebs: { SnapshotId: SNAPSHOT } },
        { DeviceName: '/dev/sdj', Ebs: { VolumeSize: 500, VolumeType: 'st1' } },
        { DeviceName: '/dev/sdk', VirtualName: 'ephemeral0' }
      ],
      TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'wide-disks' }] }]
    });
    wideVolumes = await ofInstance(wide.InstanceId!);
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers EC2 XML: volumeSet items with status, attachmentSet and tagSet', async () => {
      const [root] = wideVolumes;
      const response = await server.query({ Action: 'DescribeVolumes', 'VolumeId.1': root!.VolumeId! });
      assert.equal(response.status, 200, response.text);
      const [volume] = items(response.xml.DescribeVolumesResponse.volumeSet);
      assert.match(response.xml.DescribeVolumesResponse.requestId, /^[0-9a-f-]{36}$/);
      const instance = await describeInstance(wide.InstanceId!);
      assert.deepEqual(volume, {
        attachmentSet: {
          item: {
            attachTime: instance.LaunchTime!.toISOString(),
            device: '/dev/xvda',
            instanceId: wide.InstanceId,
            status: 'attached',
            volumeId: root!.VolumeId,
            deleteOnTermination: 'false'
          }
        },
        availabilityZone: 'us-east-1a',
        availabilityZoneId: 'use1-az1',
        createTime: instance.LaunchTime!.toISOString(),
        encrypted: 'false',
        size: '30',
        snapshotId: root!.SnapshotId,
        status: 'in-use',
        volumeId: root!.VolumeId,
        iops: '3000',
        tagSet: { item: { key: 'Name', value: 'wide-disks' } },
        volumeType: 'gp3',
        multiAttachEnabled: 'false',
        throughput: '125'
      });
      // The encrypted data volume names its key; a volume made from no snapshot has an empty snapshotId.
      const data = await server.query({ Action: 'DescribeVolumes', 'VolumeId.1': wideVolumes[1]!.VolumeId! });
      const [encrypted] = items(data.xml.DescribeVolumesResponse.volumeSet);
      assert.equal(encrypted.encrypted, 'true');
      assert.equal(encrypted.kmsKeyId, 'alias/data');
      assert.equal(encrypted.snapshotId, '');
    });

    it('shows the SDK every EBS volume of the launch with its parameters and the defaults EC2 fills in', async () => {
      const instance = await describeInstance(wide.InstanceId!);
      const fromInstance = instance.BlockDeviceMappings!.map((d) => d.Ebs!.VolumeId!);
      assert.deepEqual(volumeIds(wideVolumes), fromInstance);
      const view = (v: Volume) => [
        v.Attachments?.[0]?.Device,
        v.Size,
        v.VolumeType,
        v.Iops,
        v.Throughput,
        v.Encrypted,
        v.Attachments?.[0]?.DeleteOnTermination
      ];
      assert.deepEqual(wideVolumes.map(view), [
        ['/dev/xvda', 30, 'gp3', 3000, 125, false, false],
        ['/dev/sdf', 100, 'gp3', 4000, 250, true, true],
        // gp2 unless told otherwise; its baseline is 3 IOPS per GiB, at least 100.
        ['/dev/sdg', 10, 'gp2', 100, undefined, false, true],
        ['/dev/sdh', 50, 'io2', 5000, undefined, false, true],
        // From a snapshot without a size: the snapshot's, taken to be the AMI root's 8 GiB.
        ['/dev/sdi', 8, 'gp2', 100, undefined, false, true],
        // st1 shows no IOPS; instance store (ephemeral0) is no EBS volume.
        ['/dev/sdj', 500, 'st1', undefined, undefined, false, true]
      ]);
      for (const volume of wideVolumes) {
        assert.match(volume.VolumeId!, VOLUME_ID);
        assert.equal(volume.State, 'in-use');
        assert.equal(volume.AvailabilityZone, instance.Placement!.AvailabilityZone);
        assert.deepEqual(volume.CreateTime, instance.LaunchTime);
        assert.equal(volume.MultiAttachEnabled, false);
        assert.deepEqual(volume.Tags, [{ Key: 'Name', Value: 'wide-disks' }]);
        assert.deepEqual(volume.Attachments, [
          {
            AttachTime: instance.LaunchTime,
            Device: volume.Attachments![0]!.Device,
            InstanceId: wide.InstanceId,
            State: 'attached',
            VolumeId: volume.VolumeId,
            DeleteOnTermination: volume.Attachments![0]!.DeleteOnTermination
          }
        ]);
      }
      assert.equal(wideVolumes[4]!.SnapshotId, SNAPSHOT);
      assert.equal(wideVolumes[2]!.SnapshotId, '');
    });

    it('the root volume is the AMI root DescribeImages shows: its snapshot, 8 GiB of gp2, unless the launch resized it', async () => {
      const plain = await launch({});
      const [root, ...others] = await ofInstance(plain.InstanceId!);
      assert.deepEqual(others, []);
      const { Images } = await server.ec2.send(new DescribeImagesCommand({ ImageIds: [AMI] }));
      const ami = Images![0]!.BlockDeviceMappings![0]!;
      assert.equal(root!.Attachments![0]!.Device, Images![0]!.RootDeviceName);
      assert.equal(root!.SnapshotId, ami.Ebs!.SnapshotId);
      assert.equal(root!.Size, ami.Ebs!.VolumeSize);
      assert.equal(root!.VolumeType, ami.Ebs!.VolumeType);
      assert.deepEqual([root!.Size, root!.VolumeType, root!.Iops, root!.Tags], [8, 'gp2', 100, undefined]);
      // The same snapshot under the resized root of the wide instance.
      assert.equal(wideVolumes[0]!.SnapshotId, ami.Ebs!.SnapshotId);
    });

    it('gp2 IOPS are 3 per GiB between 100 and 16,000; gp3 defaults to 3,000 IOPS and 125 MiB/s', async () => {
      const instance = await launch({
        BlockDeviceMappings: [
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 1, VolumeType: 'gp2' } },
          { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 200, VolumeType: 'gp2' } },
          { DeviceName: '/dev/sdh', Ebs: { VolumeSize: 6000, VolumeType: 'gp2' } },
          { DeviceName: '/dev/sdi', Ebs: { VolumeSize: 40, VolumeType: 'gp3' } },
          { DeviceName: '/dev/sdj', Ebs: { VolumeSize: 40, VolumeType: 'standard' } },
          { DeviceName: '/dev/sdk', Ebs: { VolumeSize: 125, VolumeType: 'sc1' } },
          { DeviceName: '/dev/sdl', Ebs: { VolumeSize: 100, VolumeType: 'io1', Iops: 1000 } }
        ]
      });
      const volumes = (await ofInstance(instance.InstanceId!)).slice(1);
      assert.deepEqual(
        volumes.map((v) => [v.VolumeType, v.Size, v.Iops, v.Throughput]),
        [
          ['gp2', 1, 100, undefined],
          ['gp2', 200, 600, undefined],
          ['gp2', 6000, 16000, undefined],
          ['gp3', 40, 3000, 125],
          ['standard', 40, undefined, undefined],
          ['sc1', 125, undefined, undefined],
          ['io1', 100, 1000, undefined]
        ]
      );
    });

    it('answers the AWS CLI, with ids and bare (the CLI then asks for pages of 1000)', async () => {
      const byId = await server.aws('ec2', 'describe-volumes', '--volume-ids', wideVolumes[3]!.VolumeId!);
      assert.equal(byId.code, 0, byId.stderr);
      assert.equal(byId.json.Volumes.length, 1);
      const [volume] = byId.json.Volumes;
      assert.equal(volume.VolumeId, wideVolumes[3]!.VolumeId);
      assert.equal(volume.VolumeType, 'io2');
      assert.equal(volume.Iops, 5000);
      assert.equal(volume.State, 'in-use');
      assert.equal(volume.Attachments[0].InstanceId, wide.InstanceId);
      const all = await server.aws('ec2', 'describe-volumes');
      assert.equal(all.code, 0, all.stderr);
      const [call] = server.emulator.controls.calls({ action: 'DescribeVolumes', limit: 1 }).calls;
      assert.equal(call?.params.MaxResults, '1000');
      const listed = all.json.Volumes.map((v: Volume) => v.VolumeId);
      for (const id of volumeIds(wideVolumes)) assert.ok(listed.includes(id), id);
      const filtered = await server.aws(
        'ec2',
        'describe-volumes',
        '--filters',
        `Name=attachment.instance-id,Values=${wide.InstanceId}`,
        'Name=volume-type,Values=gp3'
      );
      assert.equal(filtered.code, 0, filtered.stderr);
      assert.deepEqual(
        filtered.json.Volumes.map((v: Volume) => v.VolumeId),
        [wideVolumes[0]!.VolumeId, wideVolumes[1]!.VolumeId]
      );
    });

    it('answers on the JSON face', async () => {
      const ok = await server.json({ Action: 'DescribeVolumes', VolumeIds: [wideVolumes[2]!.VolumeId] });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.data.Volumes[0].Size, 10);
      assert.equal(ok.json.data.Volumes[0].State, 'in-use');
      await assertRefused({
        json: () => server.json({ Action: 'DescribeVolumes', VolumeIds: [MISSING] }),
        code: NOT_FOUND,
        message: notFound(MISSING)
      });
    });
  });

  describe('validations', () => {
    const combination = 'The parameter volumeSet cannot be used with the parameter maxResults';
    const malformed = (id: string) => `Value (${id}) for parameter volumes is invalid. Expected: 'vol-...'.`;
    const dryRun = 'Request would have succeeded, but DryRun flag is set.';
    /** A volume that exists, known once the `before` hook has launched it. */
    const known = () => wideVolumes[0]!.VolumeId!;
    const other = 'vol-0fedcba9876543210';
    describeRefusals([
      [
        'VolumeId.N is all or nothing: the first id that does not exist is quoted alone',
        [
          {
            title: 'a known id, then two unknown ones',
            sdk: () => describeWith({ VolumeIds: [known(), MISSING, other] }),
            code: NOT_FOUND,
            message: notFound(MISSING)
          },
          {
            title: 'the AWS CLI with a known id and an unknown one',
            cli: () => server.aws('ec2', 'describe-volumes', '--volume-ids', known(), other),
            code: NOT_FOUND,
            message: notFound(other)
          },
          {
            title: 'an unknown VolumeId.1 on the Query face',
            query: () => server.query({ Action: 'DescribeVolumes', 'VolumeId.1': MISSING }),
            code: NOT_FOUND,
            message: notFound(MISSING)
          }
        ]
      ],
      [
        'a malformed VolumeId.N is InvalidParameterValue, before any id is looked up',
        [
          ...['i-0123456789abcdef0', 'vol-XYZ', 'vol-', 'volume'].map((id) => ({
            title: `VolumeId.N ${id}`,
            sdk: () => describeWith({ VolumeIds: [MISSING, id] }),
            code: 'InvalidParameterValue',
            message: malformed(id)
          })),
          {
            title: 'VolumeId.1 vol-nothex on the Query face',
            query: () => server.query({ Action: 'DescribeVolumes', 'VolumeId.1': 'vol-nothex' }),
            code: 'InvalidParameterValue',
            message: malformed('vol-nothex')
          },
          {
            title: 'the AWS CLI with --volume-ids disk-1',
            cli: () => server.aws('ec2', 'describe-volumes', '--volume-ids', 'disk-1'),
            code: 'InvalidParameterValue',
            message: malformed('disk-1')
          }
        ]
      ],
      [
        'MaxResults cannot be combined with VolumeId.N',
        [
          {
            title: 'MaxResults 5',
            sdk: () => describeWith({ VolumeIds: [known()], MaxResults: 5 }),
            code: 'InvalidParameterCombination',
            message: combination
          },
          {
            title: 'MaxResults 10 on the Query face',
            query: () => server.query({ Action: 'DescribeVolumes', 'VolumeId.1': known(), MaxResults: 10 }),
            code: 'InvalidParameterCombination',
            message: combination
          }
        ]
      ],
      [
        'MaxResults must lie between 5 and 1000, and NextToken must be one ec2lite issued',
        [
          ...[4, 1001, 0].map((value) => ({
            title: `MaxResults ${value}`,
            sdk: () => describeWith({ MaxResults: value }),
            code: 'InvalidParameterValue',
            message: `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
          })),
          {
            title: 'a NextToken ec2lite did not issue',
            sdk: () => describeWith({ NextToken: 'not-a-token' }),
            code: 'InvalidParameterValue',
            message: 'Value ( not-a-token ) for parameter NextToken is invalid. The token is invalid.'
          }
        ]
      ],
      [
        'an unknown filter is InvalidParameterValue',
        [
          {
            title: 'volume-size',
            sdk: () => describeWith({ Filters: [{ Name: 'volume-size', Values: ['8'] }] }),
            code: 'InvalidParameterValue',
            message: "The filter 'volume-size' is invalid"
          },
          {
            title: 'color, given by the AWS CLI',
            cli: () => server.aws('ec2', 'describe-volumes', '--filters', 'Name=color,Values=blue'),
            code: 'InvalidParameterValue',
            message: "The filter 'color' is invalid"
          }
        ]
      ],
      [
        'DryRun answers 412 DryRunOperation',
        [
          {
            title: 'for VolumeId.N',
            sdk: () => describeWith({ DryRun: true, VolumeIds: [known()] }),
            code: 'DryRunOperation',
            message: dryRun,
            status: 412
          },
          {
            title: 'on the Query face',
            query: () => server.query({ Action: 'DescribeVolumes', DryRun: true }),
            code: 'DryRunOperation',
            message: dryRun,
            status: 412
          }
        ]
      ]
    ]);
  });

  describe('functionality', () => {
    it('the Terraform read: the volume ids DescribeInstances shows answer exactly those volumes, with the launch size and type', async () => {
      const launched = await launch({
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3', Encrypted: true } },
          { DeviceName: '/dev/sdb', Ebs: { VolumeSize: 64, VolumeType: 'gp2', DeleteOnTermination: false } }
        ]
      });
      const instance = await describeInstance(launched.InstanceId!);
      const mappings = instance.BlockDeviceMappings!;
      const ids = mappings.map((m) => m.Ebs!.VolumeId!);
      const volumes = await describeWith({ VolumeIds: ids });
      assert.deepEqual(volumeIds(volumes), ids);
      assert.deepEqual(
        volumes.map((v) => [v.Attachments![0]!.Device, v.Size, v.VolumeType, v.Encrypted, v.Iops, v.Throughput]),
        [
          ['/dev/xvda', 20, 'gp3', true, 3000, 125],
          ['/dev/sdb', 64, 'gp2', false, 192, undefined]
        ]
      );
      // The root block device the provider matches by the instance's RootDeviceName.
      const root = volumes.find((v) => v.Attachments![0]!.Device === instance.RootDeviceName)!;
      assert.equal(root.VolumeId, mappings[0]!.Ebs!.VolumeId);
      assert.equal(root.Attachments![0]!.DeleteOnTermination, mappings[0]!.Ebs!.DeleteOnTermination);
      // One id alone, in any order, answers that one.
      assert.deepEqual(volumeIds(await describeWith({ VolumeIds: [ids[1]!, ids[0]!] })), ids);
    });

    it('a stopped instance keeps its volumes in use; a terminated one takes those that go with it, the others stay available', async () => {
      const launched = await launch({
        BlockDeviceMappings: [
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } },
          { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 11 } }
        ],
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'keep', Value: 'maybe' }] }]
      });
      const [root, kept, gone] = await ofInstance(launched.InstanceId!);
      await server.ec2.send(new StopInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
      assert.deepEqual(
        (await ofInstance(launched.InstanceId!)).map((v) => v.State),
        ['in-use', 'in-use', 'in-use']
      );
      await server.ec2.send(new TerminateInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
      assert.deepEqual(await ofInstance(launched.InstanceId!), []);
      for (const { VolumeId } of [root!, gone!])
        await assertSdkError(describeWith({ VolumeIds: [VolumeId!] }), NOT_FOUND, notFound(VolumeId!));
      const [left] = await describeWith({ VolumeIds: [kept!.VolumeId!] });
      assert.equal(left!.State, 'available');
      assert.deepEqual(left!.Attachments, []);
      assert.equal(left!.Size, 10);
      assert.deepEqual(left!.Tags, [{ Key: 'keep', Value: 'maybe' }]);
      assert.deepEqual(volumeIds(await describeWith({ Filters: [{ Name: 'status', Values: ['available'] }] })), [
        kept!.VolumeId
      ]);
      // The tags of the volumes that went are gone too.
      const { Tags } = await server.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['keep'] }] }));
      assert.deepEqual(Tags, [{ Key: 'keep', ResourceId: kept!.VolumeId, ResourceType: 'volume', Value: 'maybe' }]);
    });

    it('tags: TagSpecification volume tags every volume; CreateTags and DeleteTags reach volumes; DescribeTags lists them', async () => {
      const ids = volumeIds(wideVolumes);
      const { Tags } = await server.ec2.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-type', Values: ['volume'] },
            { Name: 'value', Values: ['wide-disks'] }
          ]
        })
      );
      assert.deepEqual(Tags?.map((t) => t.ResourceId).sort(), [...ids].sort());
      await server.ec2.send(new CreateTagsCommand({ Resources: [ids[1]!], Tags: [{ Key: 'role', Value: 'data' }] }));
      assert.deepEqual((await describeWith({ VolumeIds: [ids[1]!] }))[0]!.Tags, [
        { Key: 'Name', Value: 'wide-disks' },
        { Key: 'role', Value: 'data' }
      ]);
      await server.ec2.send(new DeleteTagsCommand({ Resources: [ids[1]!], Tags: [{ Key: 'role' }] }));
      assert.deepEqual((await describeWith({ VolumeIds: [ids[1]!] }))[0]!.Tags, [{ Key: 'Name', Value: 'wide-disks' }]);
      await assertSdkError(
        server.ec2.send(new CreateTagsCommand({ Resources: [MISSING], Tags: [{ Key: 'a', Value: 'b' }] })),
        NOT_FOUND,
        notFound(MISSING)
      );
    });

    it('filters by every volume filter, tag:<key> and tag-key, with wildcards; filters AND, values OR', async () => {
      const instance = await describeInstance(wide.InstanceId!);
      const ids = volumeIds(wideVolumes);
      const only = async (...filters: Filter[]) => volumeIds(await ofInstance(wide.InstanceId!, ...filters));
      const cases: [Filter, string[]][] = [
        [{ Name: 'volume-id', Values: [ids[2]!, ids[3]!] }, [ids[2]!, ids[3]!]],
        [{ Name: 'attachment.instance-id', Values: [wide.InstanceId!] }, ids],
        [{ Name: 'attachment.device', Values: ['/dev/sd[fg]', '/dev/xvd?'] }, [ids[0]!]],
        [{ Name: 'attachment.device', Values: ['/dev/sd?'] }, ids.slice(1)],
        [{ Name: 'attachment.status', Values: ['attached'] }, ids],
        [{ Name: 'attachment.status', Values: ['detached'] }, []],
        [{ Name: 'attachment.delete-on-termination', Values: ['false'] }, [ids[0]!]],
        [{ Name: 'attachment.attach-time', Values: [instance.LaunchTime!.toISOString()] }, ids],
        [{ Name: 'availability-zone', Values: ['us-east-1a'] }, ids],
        [{ Name: 'availability-zone', Values: ['us-east-1b'] }, []],
        [{ Name: 'availability-zone-id', Values: ['use1-az1'] }, ids],
        [{ Name: 'create-time', Values: [`${instance.LaunchTime!.toISOString().slice(0, 10)}T*`] }, ids],
        [{ Name: 'status', Values: ['in-use'] }, ids],
        [{ Name: 'status', Values: ['available', 'creating'] }, []],
        [{ Name: 'size', Values: ['8', '10'] }, [ids[2]!, ids[4]!]],
        [{ Name: 'volume-type', Values: ['io2', 'st1'] }, [ids[3]!, ids[5]!]],
        [{ Name: 'encrypted', Values: ['true'] }, [ids[1]!]],
        [{ Name: 'snapshot-id', Values: [SNAPSHOT] }, [ids[4]!]],
        [{ Name: 'snapshot-id', Values: ['snap-*'] }, [ids[0]!, ids[4]!]],
        [{ Name: 'multi-attach-enabled', Values: ['false'] }, ids],
        [{ Name: 'fast-restored', Values: ['true'] }, []],
        [{ Name: 'tag:Name', Values: ['wide-*'] }, ids],
        [{ Name: 'tag:Name', Values: ['other'] }, []],
        [{ Name: 'tag-key', Values: ['Name'] }, ids],
        [{ Name: 'tag-key', Values: ['name'] }, []]
      ];
      for (const [filter, expected] of cases) assert.deepEqual(await only(filter), expected, JSON.stringify(filter));
      assert.deepEqual(await only({ Name: 'volume-type', Values: ['gp3'] }, { Name: 'encrypted', Values: ['false'] }), [
        ids[0]!
      ]);
    });

    it('pages 12 volumes with MaxResults and NextToken, each exactly once', async () => {
      const tag = { Key: 'paging', Value: 'yes' };
      const launched = await run({
        MinCount: 4,
        MaxCount: 4,
        BlockDeviceMappings: [
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } },
          { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 12 } }
        ],
        TagSpecifications: [{ ResourceType: 'volume', Tags: [tag] }]
      });
      assert.equal(launched.Instances?.length, 4);
      const filter = [{ Name: 'tag:paging', Values: ['yes'] }];
      // The SDK's paginator sends MaxResults 5 and each NextToken back until a page comes without one.
      const pages = [];
      for await (const page of paginateDescribeVolumes({ client: server.ec2, pageSize: 5 }, { Filters: filter }))
        pages.push(page);
      assert.deepEqual(
        pages.map((page) => page.NextToken === undefined),
        [false, false, true]
      );
      const seen = pages.flatMap((page) => volumeIds(page.Volumes ?? []));
      assert.equal(seen.length, 12);
      assert.equal(new Set(seen).size, 12);
    });
  });
});
