import { type Filter, compileFilters } from '../domain/filters.js';
import { isWellFormedId } from '../domain/ids.js';
import {
  AMAZON_OWNER_ALIAS,
  AMAZON_OWNER_ID,
  AMI_ROOT_DEVICE_NAME,
  AMI_ROOT_VOLUME,
  type ImageFacts,
  imageFacts
} from '../domain/images.js';
import type { Tag } from '../domain/model.js';
import { paginate } from '../domain/paging.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, dryRun, filters, integer, list, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { imageShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';

interface DescribeImagesInput {
  ImageIds?: string[];
  Owners?: string[];
  ExecutableUsers?: string[];
  Filters?: Filter[];
  IncludeDeprecated?: boolean;
  IncludeDisabled?: boolean;
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** An image with the tags the filter machinery reads: ec2lite's AMIs carry none. */
type Image = ImageFacts & { readonly tags: readonly Tag[] };

const NO_TAGS: readonly Tag[] = [];

/** The EBS root every AMI is taken to have (images.ts): the same size, type and snapshot DescribeVolumes shows. */
const rootEbs = (image: Image) => ({
  DeleteOnTermination: true,
  SnapshotId: image.rootSnapshotId,
  VolumeSize: AMI_ROOT_VOLUME.size,
  VolumeType: AMI_ROOT_VOLUME.type,
  Encrypted: false
});

/** DescribeImages filters (EC2 model doc string), for the one kind of image ec2lite knows. */
const imageFilters = {
  'image-id': (i: Image) => [i.imageId],
  name: (i: Image) => [i.name],
  description: (i: Image) => [i.description],
  'creation-date': (i: Image) => [i.creationDate],
  'manifest-location': (i: Image) => [i.location],
  state: () => ['available'],
  architecture: () => ['x86_64'],
  'image-type': () => ['machine'],
  'is-public': () => ['true'],
  'owner-alias': () => [AMAZON_OWNER_ALIAS],
  'owner-id': () => [AMAZON_OWNER_ID],
  'root-device-name': () => [AMI_ROOT_DEVICE_NAME],
  'root-device-type': () => ['ebs'],
  'virtualization-type': () => ['hvm'],
  hypervisor: () => ['xen'],
  'ena-support': () => ['true'],
  'sriov-net-support': () => ['simple'],
  platform: () => [],
  'product-code': () => [],
  'kernel-id': () => [],
  'ramdisk-id': () => [],
  'block-device-mapping.device-name': () => [AMI_ROOT_DEVICE_NAME],
  'block-device-mapping.snapshot-id': (i: Image) => [i.rootSnapshotId],
  'block-device-mapping.volume-size': () => [String(AMI_ROOT_VOLUME.size)],
  'block-device-mapping.volume-type': () => [AMI_ROOT_VOLUME.type],
  'block-device-mapping.delete-on-termination': () => ['true'],
  'block-device-mapping.encrypted': () => ['false']
};

/**
 * Owner.N: every image is Amazon's, so `amazon` and Amazon Linux's account id name it; `self` and any other account
 * own none, since ec2lite registers no images.
 */
function ownedBy(owners: readonly string[] | undefined): boolean {
  return !owners?.length || owners.some((o) => o === AMAZON_OWNER_ALIAS || o === AMAZON_OWNER_ID);
}

export function imageView(image: Image): object {
  return {
    Architecture: 'x86_64',
    CreationDate: image.creationDate,
    ImageId: image.imageId,
    ImageLocation: image.location,
    ImageType: 'machine',
    Public: true,
    OwnerId: AMAZON_OWNER_ID,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    State: 'available',
    BlockDeviceMappings: [{ DeviceName: AMI_ROOT_DEVICE_NAME, Ebs: rootEbs(image) }],
    Description: image.description,
    EnaSupport: true,
    Hypervisor: 'xen',
    ImageOwnerAlias: AMAZON_OWNER_ALIAS,
    Name: image.name,
    RootDeviceName: AMI_ROOT_DEVICE_NAME,
    RootDeviceType: 'ebs',
    SriovNetSupport: 'simple',
    VirtualizationType: 'hvm'
  };
}

/**
 * DescribeImages. ec2lite keeps no image catalogue and accepts any well-formed `ami-…` id (RunInstances), so
 * ImageId.N answers one image per id, each the Amazon Linux 2 image images.ts derives from its id. Without
 * ImageId.N, EC2 lists every image the caller may launch, which no local catalogue could hold: ec2lite lists the
 * images it has seen, those the account's instances were launched from (none in a new account), narrowed by
 * Owner.N and the filters as EC2 narrows its list. ExecutableBy.N narrows nothing (every image is public), and no
 * image is deprecated or disabled, so IncludeDeprecated and IncludeDisabled change nothing.
 */
export const describeImages = defineAction<DescribeImagesInput>({
  name: 'DescribeImages',
  readOnly: true,
  input: structure({
    ImageIds: member('ImageId', list(string())),
    Owners: member('Owner', list(string())),
    ExecutableUsers: member('ExecutableBy', list(string())),
    Filters: filters,
    IncludeDeprecated: member('IncludeDeprecated', boolean()),
    IncludeDisabled: member('IncludeDisabled', boolean()),
    MaxResults: member('MaxResults', integer()),
    NextToken: member('NextToken', string()),
    DryRun: dryRun
  }),
  output: out.structure(out.member('Images', 'imagesSet', out.list(imageShape)), out.member('NextToken', 'nextToken')),
  async run(tx, input) {
    const matches = compileFilters(input.Filters, imageFilters);
    // The id RunInstances would refuse, refused with its error; every well-formed one names an image.
    for (const id of input.ImageIds ?? []) if (!isWellFormedId(id, 'ami')) throw errors.imageIdMalformed(id);
    const ids = input.ImageIds?.length ? input.ImageIds : (await tx.listInstances()).map((i) => i.imageId);
    const images: Image[] = [...new Set(ids)].map((id) => ({ ...imageFacts(id), tags: NO_TAGS }));
    const selected = ownedBy(input.Owners) ? images.filter(matches) : [];
    // 5 to 1000 as the other Describe actions [INF].
    const page = paginate(selected, input, { min: 5, max: 1000 });
    return { Images: page.items.map(imageView), NextToken: page.nextToken };
  }
});
