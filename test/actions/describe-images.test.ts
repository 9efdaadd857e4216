import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeImagesCommand,
  type DescribeImagesCommandInput,
  DescribeVolumesCommand,
  EC2Client,
  type Image,
  RunInstancesCommand,
  paginateDescribeImages
} from '@aws-sdk/client-ec2';
import { type TestServer, items, startTestServer } from '../helpers/ec2lite.js';
import { VpcLab } from '../helpers/vpc-lab.js';
import { launcher } from '../helpers/launcher.js';
import { assertRefused, describeRefusals } from '../helpers/refusals.js';

const AMI = 'ami-0abcdef1234567890';
const OTHER = 'ami-0123456789abcdef0';
const SHORT = 'ami-1a2b3c4d';
const NAME = /^amzn2-ami-hvm-2\.0\.(20(19|2[0-4])[01]\d[0-3]\d)\.\d-x86_64-gp2$/;
const MALFORMED = 'InvalidAMIID.Malformed';
const malformed = (id: string) => `Invalid id: "${id}" (expecting "ami-...")`;

describe('DescribeImages', () => {
  let server: TestServer;
  const { run, launch, describeInstance } = launcher(() => server, { imageId: AMI });
  const describeWith = async (input: DescribeImagesCommandInput): Promise<Image[]> =>
    (await server.ec2.send(new DescribeImagesCommand(input))).Images ?? [];
  const one = async (imageId: string): Promise<Image> => {
    const images = await describeWith({ ImageIds: [imageId] });
    assert.equal(images.length, 1);
    return images[0]!;
  };
  const imageIds = (images: readonly Image[]) => images.map((i) => i.ImageId!);

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('serializations', () => {
    it('answers EC2 XML: imagesSet items with imageState, imageOwnerId, isPublic and the root blockDeviceMapping', async () => {
      const response = await server.query({ Action: 'DescribeImages', 'ImageId.1': AMI });
      assert.equal(response.status, 200, response.text);
      const [image] = items(response.xml.DescribeImagesResponse.imagesSet);
      assert.match(image.name, NAME);
      assert.match(image.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      assert.match(image.blockDeviceMapping.item.ebs.snapshotId, /^snap-[0-9a-f]{17}$/);
      assert.deepEqual(image, {
        architecture: 'x86_64',
        creationDate: image.creationDate,
        imageId: AMI,
        imageLocation: `amazon/${image.name}`,
        imageType: 'machine',
        isPublic: 'true',
        imageOwnerId: '137112412989',
        platformDetails: 'Linux/UNIX',
        usageOperation: 'RunInstances',
        imageState: 'available',
        blockDeviceMapping: {
          item: {
            deviceName: '/dev/xvda',
            ebs: {
              deleteOnTermination: 'true',
              snapshotId: image.blockDeviceMapping.item.ebs.snapshotId,
              volumeSize: '8',
              volumeType: 'gp2',
              encrypted: 'false'
            }
          }
        },
        description: `Amazon Linux 2 AMI ${image.name.slice('amzn2-ami-hvm-'.length, -'-x86_64-gp2'.length)} x86_64 HVM gp2`,
        enaSupport: 'true',
        hypervisor: 'xen',
        imageOwnerAlias: 'amazon',
        name: image.name,
        rootDeviceName: '/dev/xvda',
        rootDeviceType: 'ebs',
        sriovNetSupport: 'simple',
        virtualizationType: 'hvm'
      });
    });

    it('shows the SDK one image per id, the same for the same id on every call and every server', async () => {
      const images = await describeWith({ ImageIds: [AMI, OTHER, SHORT, AMI] });
      assert.deepEqual(imageIds(images), [AMI, OTHER, SHORT]);
      const [image] = images;
      assert.deepEqual(
        [
          image!.Architecture,
          image!.RootDeviceName,
          image!.RootDeviceType,
          image!.VirtualizationType,
          image!.Hypervisor,
          image!.State,
          image!.ImageType,
          image!.Public,
          image!.EnaSupport,
          image!.OwnerId,
          image!.ImageOwnerAlias
        ],
        ['x86_64', '/dev/xvda', 'ebs', 'hvm', 'xen', 'available', 'machine', true, true, '137112412989', 'amazon']
      );
      assert.deepEqual(image!.BlockDeviceMappings, [
        {
          DeviceName: '/dev/xvda',
          Ebs: {
            DeleteOnTermination: true,
            SnapshotId: image!.BlockDeviceMappings![0]!.Ebs!.SnapshotId,
            VolumeSize: 8,
            VolumeType: 'gp2',
            Encrypted: false
          }
        }
      ]);
      for (const i of images) assert.match(i.Name!, NAME);
      assert.equal(new Set(images.map((i) => i.Name)).size, 3);
      assert.equal(new Set(images.map((i) => i.BlockDeviceMappings![0]!.Ebs!.SnapshotId)).size, 3);
      // Derived from the id alone: another server answers the same.
      const elsewhere = await startTestServer();
      try {
        const { Images } = await elsewhere.ec2.send(new DescribeImagesCommand({ ImageIds: [AMI] }));
        assert.deepEqual(Images, [image]);
      } finally {
        await elsewhere.close();
      }
      assert.deepEqual(await one(AMI), image);
    });

    it('answers the AWS CLI', async () => {
      const result = await server.aws('ec2', 'describe-images', '--image-ids', AMI, '--owners', 'amazon');
      assert.equal(result.code, 0, result.stderr);
      const [image] = result.json.Images;
      assert.deepEqual(image, JSON.parse(JSON.stringify(await one(AMI))));
      assert.equal(image.RootDeviceName, '/dev/xvda');
    });

    it('answers on the JSON face', async () => {
      const ok = await server.json({ Action: 'DescribeImages', ImageIds: [AMI] });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.data.Images[0].ImageId, AMI);
      assert.equal(ok.json.data.Images[0].BlockDeviceMappings[0].Ebs.VolumeSize, 8);
      await assertRefused({
        json: () => server.json({ Action: 'DescribeImages', ImageIds: ['ubuntu'] }),
        code: MALFORMED,
        message: malformed('ubuntu')
      });
    });
  });

  describe('validations', () => {
    describeRefusals([
      [
        'a malformed ImageId.N is InvalidAMIID.Malformed, as RunInstances answers it',
        [
          ...['ami-XYZ', 'ami-', 'i-0123456789abcdef0', '{var.ami_id}'].flatMap((id) => [
            {
              title: `ImageId.N ${id}`,
              sdk: () => describeWith({ ImageIds: [AMI, id] }),
              code: MALFORMED,
              message: malformed(id)
            },
            {
              title: `RunInstances with ImageId ${id}`,
              sdk: () => run({ ImageId: id }),
              code: MALFORMED,
              message: malformed(id)
            }
          ]),
          {
            title: 'ImageId.1 ami-nothex on the Query face',
            query: () => server.query({ Action: 'DescribeImages', 'ImageId.1': 'ami-nothex' }),
            code: MALFORMED,
            message: malformed('ami-nothex')
          },
          {
            title: 'the AWS CLI with --image-ids debian-12',
            cli: () => server.aws('ec2', 'describe-images', '--image-ids', 'debian-12'),
            code: MALFORMED,
            message: malformed('debian-12')
          }
        ]
      ],
      [
        'an unknown filter is InvalidParameterValue',
        [
          {
            title: 'image_id',
            sdk: () => describeWith({ ImageIds: [AMI], Filters: [{ Name: 'image_id', Values: [AMI] }] }),
            code: 'InvalidParameterValue',
            message: "The filter 'image_id' is invalid"
          },
          {
            title: 'color, given by the AWS CLI',
            cli: () => server.aws('ec2', 'describe-images', '--filters', 'Name=color,Values=blue'),
            code: 'InvalidParameterValue',
            message: "The filter 'color' is invalid"
          }
        ]
      ],
      [
        'MaxResults must lie between 5 and 1000, and NextToken must be one ec2lite issued',
        [
          ...[4, 1001].map((value) => ({
            title: `MaxResults ${value}`,
            sdk: () => describeWith({ MaxResults: value }),
            code: 'InvalidParameterValue',
            message: `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`
          })),
          {
            title: 'a NextToken ec2lite did not issue, on the Query face',
            query: () => server.query({ Action: 'DescribeImages', NextToken: 'not-a-token' }),
            code: 'InvalidParameterValue',
            message: 'Value ( not-a-token ) for parameter NextToken is invalid. The token is invalid.'
          }
        ]
      ],
      [
        'DryRun answers 412 DryRunOperation',
        [
          {
            title: 'for ImageId.N',
            sdk: () => describeWith({ ImageIds: [AMI], DryRun: true }),
            code: 'DryRunOperation',
            message: 'Request would have succeeded, but DryRun flag is set.',
            status: 412
          }
        ]
      ]
    ]);
  });

  describe('functionality', () => {
    it('the Terraform root_block_device flow: the AMI root device name, resized at launch, shows in DescribeVolumes', async () => {
      const lab = await VpcLab.create(server);
      const subnet = await lab.subnet();
      const image = await one(AMI);
      const launched = await launch({
        SubnetId: subnet.id,
        BlockDeviceMappings: [{ DeviceName: image.RootDeviceName!, Ebs: { VolumeSize: 20 } }]
      });
      const instance = await describeInstance(launched.InstanceId!);
      assert.equal(instance.RootDeviceName, image.RootDeviceName);
      const root = instance.BlockDeviceMappings!.find((m) => m.DeviceName === instance.RootDeviceName)!;
      const { Volumes } = await server.ec2.send(new DescribeVolumesCommand({ VolumeIds: [root.Ebs!.VolumeId!] }));
      // Resized, of the AMI's type, from the AMI's snapshot.
      assert.deepEqual(
        [Volumes![0]!.Size, Volumes![0]!.VolumeType, Volumes![0]!.SnapshotId],
        [20, image.BlockDeviceMappings![0]!.Ebs!.VolumeType, image.BlockDeviceMappings![0]!.Ebs!.SnapshotId]
      );
    });

    it('without ImageId.N, lists the images the account launched from, narrowed by Owner.N; ExecutableBy.N narrows nothing', async () => {
      // A fresh account: a 12-digit access key is that account (README).
      const account = new EC2Client({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: '444455556666', secretAccessKey: 'secret' },
        maxAttempts: 1
      });
      try {
        const list = async (input: DescribeImagesCommandInput) =>
          imageIds((await account.send(new DescribeImagesCommand(input))).Images ?? []);
        assert.deepEqual(await list({}), []);
        assert.deepEqual(await list({ Owners: ['amazon'] }), []);
        for (const imageId of [AMI, OTHER, AMI]) {
          await account.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 }));
        }
        assert.deepEqual(await list({}), [AMI, OTHER]);
        assert.deepEqual(await list({ Owners: ['amazon'] }), [AMI, OTHER]);
        assert.deepEqual(await list({ Owners: ['137112412989'] }), [AMI, OTHER]);
        assert.deepEqual(await list({ Owners: ['self', 'amazon'] }), [AMI, OTHER]);
        assert.deepEqual(await list({ Owners: ['self'] }), []);
        assert.deepEqual(await list({ Owners: ['444455556666'] }), []);
        assert.deepEqual(await list({ Owners: ['aws-marketplace'] }), []);
        assert.deepEqual(await list({ ExecutableUsers: ['all'] }), [AMI, OTHER]);
        assert.deepEqual(await list({ ExecutableUsers: ['self'], IncludeDeprecated: true, IncludeDisabled: true }), [
          AMI,
          OTHER
        ]);
        // Owner.N narrows explicit ids too.
        assert.deepEqual(await list({ ImageIds: [SHORT], Owners: ['self'] }), []);
        // The Terraform aws_ami lookup: most recent Amazon Linux 2 by name.
        assert.deepEqual(
          await list({
            Owners: ['amazon'],
            Filters: [
              { Name: 'name', Values: ['amzn2-ami-hvm-*-x86_64-gp2'] },
              { Name: 'virtualization-type', Values: ['hvm'] }
            ]
          }),
          [AMI, OTHER]
        );
        // Accounts are isolated: the default one launched from AMI alone (the Terraform flow above).
        assert.deepEqual(imageIds(await describeWith({})), [AMI]);
      } finally {
        account.destroy();
      }
    });

    it('filters by image-id, state, architecture, root device, name (wildcards), owner and more; filters AND, values OR', async () => {
      const image = await one(AMI);
      const ids = [AMI, OTHER, SHORT];
      const only = async (...filters: NonNullable<DescribeImagesCommandInput['Filters']>) =>
        imageIds(await describeWith({ ImageIds: ids, Filters: filters }));
      const snapshot = image.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
      const cases: [NonNullable<DescribeImagesCommandInput['Filters']>[number], string[]][] = [
        [{ Name: 'image-id', Values: [OTHER, 'ami-ffffffff'] }, [OTHER]],
        [{ Name: 'state', Values: ['available'] }, ids],
        [{ Name: 'state', Values: ['pending', 'failed'] }, []],
        [{ Name: 'architecture', Values: ['x86_64'] }, ids],
        [{ Name: 'architecture', Values: ['arm64'] }, []],
        [{ Name: 'root-device-type', Values: ['ebs'] }, ids],
        [{ Name: 'root-device-type', Values: ['instance-store'] }, []],
        [{ Name: 'root-device-name', Values: ['/dev/xvda'] }, ids],
        [{ Name: 'root-device-name', Values: ['/dev/sda1'] }, []],
        [{ Name: 'name', Values: [image.Name!] }, [AMI]],
        [{ Name: 'name', Values: ['amzn2-ami-hvm-2.0.????????.?-x86_64-gp2'] }, ids],
        [{ Name: 'name', Values: ['al2023-ami-*'] }, []],
        [{ Name: 'owner-alias', Values: ['amazon'] }, ids],
        [{ Name: 'owner-alias', Values: ['aws-marketplace'] }, []],
        [{ Name: 'owner-id', Values: ['137112412989'] }, ids],
        [{ Name: 'is-public', Values: ['true'] }, ids],
        [{ Name: 'image-type', Values: ['machine'] }, ids],
        [{ Name: 'virtualization-type', Values: ['paravirtual'] }, []],
        [{ Name: 'hypervisor', Values: ['xen'] }, ids],
        [{ Name: 'ena-support', Values: ['true'] }, ids],
        [{ Name: 'description', Values: ['Amazon Linux 2 AMI *'] }, ids],
        [{ Name: 'creation-date', Values: [`${image.CreationDate!.slice(0, 10)}T*`] }, [AMI]],
        [{ Name: 'block-device-mapping.snapshot-id', Values: [snapshot] }, [AMI]],
        [{ Name: 'block-device-mapping.volume-size', Values: ['8'] }, ids],
        [{ Name: 'block-device-mapping.volume-type', Values: ['gp3'] }, []],
        [{ Name: 'block-device-mapping.device-name', Values: ['/dev/xvda'] }, ids],
        [{ Name: 'platform', Values: ['windows'] }, []],
        [{ Name: 'tag:Name', Values: ['*'] }, []],
        [{ Name: 'tag-key', Values: ['Name'] }, []]
      ];
      for (const [filter, expected] of cases) assert.deepEqual(await only(filter), expected, JSON.stringify(filter));
      assert.deepEqual(
        await only({ Name: 'image-id', Values: [AMI, SHORT] }, { Name: 'name', Values: [image.Name!, 'x'] }),
        [AMI]
      );
    });

    it('pages with MaxResults and NextToken, each image exactly once', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `ami-${(0x0a000000 + i).toString(16).padStart(17, '0')}`);
      // The SDK's paginator sends MaxResults 5 and each NextToken back until a page comes without one.
      const pages = [];
      for await (const page of paginateDescribeImages({ client: server.ec2, pageSize: 5 }, { ImageIds: ids }))
        pages.push(page);
      assert.deepEqual(
        pages.map((page) => page.NextToken === undefined),
        [false, false, true]
      );
      assert.deepEqual(
        pages.flatMap((page) => imageIds(page.Images ?? [])),
        ids
      );
    });
  });
});
