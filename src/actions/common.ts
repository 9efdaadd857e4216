import { createHash } from 'node:crypto';
import { type Filter, type FilterFields, compileFilters } from '../domain/filters.js';
import { isWellFormedId } from '../domain/ids.js';
import { type InstanceTypeInfo, instanceType } from '../domain/instance-types.js';
import type { NetworkInterface, ResourceType, Subnet, Tag, Vpc } from '../domain/model.js';
import { type Page, type PagingInput, paginate } from '../domain/paging.js';
import { errors } from '../protocol/error-codes.js';
import type { Ec2Error } from '../protocol/errors.js';
import type { StoreTx } from '../store/store.js';

/** Loads a network interface, or answers as EC2 does for a malformed or unknown id. */
export async function requireNetworkInterface(tx: StoreTx, id: string): Promise<NetworkInterface> {
  if (!isWellFormedId(id, 'eni')) throw errors.networkInterfaceIdMalformed(id);
  const eni = await tx.getNetworkInterface(id);
  if (!eni) throw errors.networkInterfaceNotFound(id);
  return eni;
}

export async function requireSubnet(tx: StoreTx, id: string): Promise<Subnet> {
  if (!isWellFormedId(id, 'subnet')) throw errors.subnetIdMalformed(id);
  const subnet = await tx.getSubnet(id);
  if (!subnet) throw errors.subnetNotFound(id);
  return subnet;
}

export async function requireVpc(tx: StoreTx, id: string, options?: { readonly forUpdate?: boolean }): Promise<Vpc> {
  if (!isWellFormedId(id, 'vpc')) throw errors.vpcIdMalformed(id);
  const vpc = await tx.getVpc(id, options);
  if (!vpc) throw errors.vpcNotFound(id);
  return vpc;
}

/**
 * Describe* with explicit ids: all or nothing. A malformed id answers Malformed; otherwise the first id that
 * does not exist is quoted alone, since clients parse the single quoted id (spec real-clients §c).
 */
export function selectByIds<T extends { readonly id: string }>(
  all: readonly T[],
  ids: readonly string[] | undefined,
  prefix: string,
  malformed: (id: string) => Ec2Error,
  notFound: (id: string) => Ec2Error
): readonly T[] {
  if (!ids || ids.length === 0) return all;
  const byId = new Map(all.map((r) => [r.id, r]));
  for (const id of ids) if (!isWellFormedId(id, prefix)) throw malformed(id);
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw notFound(missing);
  const wanted = new Set(ids);
  return all.filter((r) => wanted.has(r.id));
}

/** What a paged Describe* request carries besides its ids. */
export interface DescribeRequest extends PagingInput {
  readonly Filters?: readonly Filter[];
}

/** How one Describe* action names, narrows and pages its resources. */
export interface DescribeSpec<T> {
  /** The request's XId.N. */
  readonly ids: readonly string[] | undefined;
  readonly idPrefix: string;
  /** The name EC2 gives XId.N when refusing it alongside MaxResults; absent where the two may go together. */
  readonly idsSetName?: string;
  readonly malformed: (id: string) => Ec2Error;
  readonly notFound: (id: string) => Ec2Error;
  readonly filters: FilterFields<T>;
  /** The range MaxResults must fall in. */
  readonly bounds: { readonly min: number; readonly max: number };
  /** Every resource of the account, read only once the request itself has been found valid. */
  readonly load: () => Promise<readonly T[]>;
}

/**
 * One page of a Describe* answer: the resources named by XId.N (or all of them), narrowed by Filter.N and paged
 * by MaxResults/NextToken. XId.N with MaxResults and an unknown filter name are refused before the store is read.
 */
export async function describePage<T extends { readonly id: string; readonly tags: readonly Tag[] }>(
  input: DescribeRequest,
  spec: DescribeSpec<T>
): Promise<Page<T>> {
  if (spec.idsSetName !== undefined && spec.ids?.length && input.MaxResults !== undefined)
    throw errors.idsWithMaxResults(spec.idsSetName);
  const matches = compileFilters(input.Filters, spec.filters);
  const selected = selectByIds(await spec.load(), spec.ids, spec.idPrefix, spec.malformed, spec.notFound);
  return paginate(selected.filter(matches), input, spec.bounds);
}

export interface TagSpecification {
  readonly ResourceType?: string;
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
}

/** Most tags a resource may carry (Tagging your EC2 resources, "Tag restrictions"). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * The tags a create call asks for through TagSpecification.N. A specification for another resource type is
 * refused as EC2 does ("'x' is not a valid taggable resource type for this operation.").
 */
export function tagsFromSpecifications(
  specs: readonly TagSpecification[] | undefined,
  resourceType: ResourceType
): Tag[] {
  const tags = new Map<string, string>();
  for (const spec of specs ?? []) {
    if (spec.ResourceType === undefined) throw errors.missingParameter('TagSpecification.ResourceType');
    if (spec.ResourceType !== resourceType) {
      throw errors.invalidParameterValue(
        `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`
      );
    }
    for (const tag of spec.Tags ?? []) {
      const checked = checkTag(tag);
      tags.set(checked.Key, checked.Value);
    }
  }
  if (tags.size > MAX_TAGS_PER_RESOURCE) {
    throw errors.invalidParameterValue(`The number of tags specified exceeds the limit of ${MAX_TAGS_PER_RESOURCE}.`);
  }
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** EC2's tag restrictions: key 1–127 characters and not `aws:`-prefixed, value up to 256 characters. */
export function checkTag(tag: { readonly Key?: string; readonly Value?: string }): Tag {
  const key = tag.Key;
  if (key === undefined) throw errors.missingParameter('Tag.Key');
  if (key.length === 0 || key.length > 127) {
    throw errors.invalidParameterValue(`Tag key must be between 1 and 127 characters long: '${key.slice(0, 140)}'`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw errors.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
  }
  const value = tag.Value ?? '';
  if (value.length > 256)
    throw errors.invalidParameterValue(`Tag value must be at most 256 characters long for key '${key}'`);
  return { Key: key, Value: value };
}

/** The instance type an interface is attached to, if any: what its address limit and prefix support follow. */
export async function attachedInstanceType(tx: StoreTx, eni: NetworkInterface): Promise<InstanceTypeInfo | undefined> {
  if (!eni.attachment) return undefined;
  const instance = await tx.getInstance(eni.attachment.instanceId);
  return instance && instanceType(instance.instanceType);
}

/**
 * What a ClientToken remembers of its request: a digest of every parameter but the token and DryRun, so the same
 * token with other parameters is IdempotentParameterMismatch (EC2 "Ensuring idempotency").
 */
export function clientTokenRequestHash(request: { readonly ClientToken?: string; readonly DryRun?: boolean }): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}
