import { isWellFormedId } from '../domain/ids.js';
import type { ResourceType } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import type { Ec2Error } from '../protocol/errors.js';
import { dryRun, list, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import type { StoreTx } from '../store/store.js';
import { defineAction } from './action.js';
import { MAX_TAGS_PER_RESOURCE, checkTag } from './common.js';
import { volumesOf } from './describe-volumes.js';

/** A resource CreateTags and DeleteTags may touch: its id and the type DescribeTags reports. */
export interface TaggableResource {
  readonly id: string;
  readonly type: ResourceType;
}

interface TaggableKind {
  readonly prefix: string;
  readonly type: ResourceType;
  readonly exists: (tx: StoreTx, id: string) => Promise<boolean>;
  readonly notFound: (id: string) => Ec2Error;
}

/** The resources ec2lite keeps, by id prefix. Security groups are the VPCs' default groups. */
const KINDS: readonly TaggableKind[] = [
  { prefix: 'vpc', type: 'vpc', exists: async (tx, id) => !!(await tx.getVpc(id)), notFound: errors.vpcNotFound },
  {
    prefix: 'subnet',
    type: 'subnet',
    exists: async (tx, id) => !!(await tx.getSubnet(id)),
    notFound: errors.subnetNotFound
  },
  {
    prefix: 'eni',
    type: 'network-interface',
    exists: async (tx, id) => !!(await tx.getNetworkInterface(id)),
    notFound: errors.networkInterfaceNotFound
  },
  {
    prefix: 'i',
    type: 'instance',
    exists: async (tx, id) => !!(await tx.getInstance(id)),
    notFound: errors.instanceNotFound
  },
  {
    prefix: 'eipalloc',
    type: 'elastic-ip',
    exists: async (tx, id) => !!(await tx.getElasticIp(id)),
    notFound: errors.allocationNotFound
  },
  {
    prefix: 'sg',
    type: 'security-group',
    // Read again under its VPC's lock (getVpc): a DeleteVpc, which takes the group's tags with it, then either
    // comes after this call or has already removed the group, so no tag outlives it on a shared store.
    exists: async (tx, id) => {
      const vpc = (await tx.listVpcs()).find((v) => v.defaultSecurityGroupId === id);
      return vpc !== undefined && (await tx.getVpc(vpc.id)) !== undefined;
    },
    notFound: errors.securityGroupNotFound
  },
  {
    prefix: 'vol',
    type: 'volume',
    // Volumes are those of the instances (describe-volumes.ts): one exists while DescribeVolumes shows it. Its
    // instance is read again under the instance's lock (getInstance), so that a termination that deletes the
    // volume and its tags is ordered with this call.
    exists: async (tx, id) => {
      const owner = volumesOf(await tx.listInstances()).find((v) => v.id === id)?.instance;
      const instance = owner && (await tx.getInstance(owner.id));
      return instance !== undefined && volumesOf([instance]).some((v) => v.id === id);
    },
    notFound: errors.volumeNotFound
  },
  {
    prefix: 'scr',
    type: 'subnet-cidr-reservation',
    exists: async (tx, id) => !!(await tx.getSubnetCidrReservation(id)),
    notFound: errors.subnetCidrReservationNotFound
  }
];

/**
 * The resources a tagging call names, each once, in request order. Every id is read first: one ec2lite cannot
 * parse, or whose prefix names no resource it keeps, answers InvalidID ("The ID 'x' is not valid" [OBS]). Then
 * the first id that does not exist answers that resource's NotFound, as EC2 does for CreateTags on a resource
 * it has not seen yet (the eventual-consistency retries clients carry for it).
 */
export async function requireTaggableResources(tx: StoreTx, ids: readonly string[]): Promise<TaggableResource[]> {
  const unique = [...new Set(ids)];
  const kinds = unique.map((id) => {
    const kind = KINDS.find((k) => isWellFormedId(id, k.prefix));
    if (!kind) throw errors.invalidId(id);
    return kind;
  });
  const resources: TaggableResource[] = [];
  for (const [i, id] of unique.entries()) {
    const kind = kinds[i]!;
    if (!(await kind.exists(tx, id))) throw kind.notFound(id);
    resources.push({ id, type: kind.type });
  }
  return resources;
}

interface CreateTagsInput {
  Resources: string[];
  Tags: { Key?: string; Value?: string }[];
  DryRun?: boolean;
}

/**
 * CreateTags: adds or overwrites tags on up to 1000 resources, all or nothing. A resource may carry 50 tags;
 * keys it already has are overwritten and do not count twice (CreateTags API reference; moto PR #8150, tested
 * against EC2).
 */
export const createTags = defineAction<CreateTagsInput>({
  name: 'CreateTags',
  input: structure({
    // Both lists are required (EC2 model); ResourceId.N holds at most 1000 ids (CreateTags API reference).
    Resources: member('ResourceId', list(string(), 1000), true),
    Tags: member('Tag', list(structure({ Key: member('Key', string()), Value: member('Value', string()) })), true),
    DryRun: dryRun
  }),
  output: returnOutput,
  check(input) {
    for (const tag of input.Tags) checkTag(tag);
  },
  async run(tx, input) {
    // A key given twice keeps its last value.
    const tags = new Map(input.Tags.map((tag) => [tag.Key!, tag.Value ?? '']));
    const resources = await requireTaggableResources(tx, input.Resources);
    for (const resource of resources) {
      const keys = new Set((await tx.tagsOf(resource.id)).map((t) => t.Key));
      for (const key of tags.keys()) keys.add(key);
      if (keys.size > MAX_TAGS_PER_RESOURCE) throw errors.tagLimitExceeded();
    }
    const list = [...tags].map(([Key, Value]) => ({ Key, Value }));
    for (const resource of resources) await tx.setTags(resource.id, resource.type, list);
    return { Return: true };
  }
});
