import { type Filter, compileFilters } from '../domain/filters.js';
import type { Tag } from '../domain/model.js';
import { paginate } from '../domain/paging.js';
import { dryRun, filters, maxResults, nextToken, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import type { ResourceTag } from '../store/store.js';
import { defineAction } from './action.js';

interface DescribeTagsInput {
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** One tag of one resource; `tags` holds the tag itself, so that `tag:<key>` matches the rows with that key and value. */
type TagRow = ResourceTag & { readonly tags: readonly Tag[] };

/** DescribeTags filters (EC2 model doc string). */
const tagFilters = {
  key: (t: TagRow) => [t.key],
  value: (t: TagRow) => [t.value],
  'resource-id': (t: TagRow) => [t.resourceId],
  'resource-type': (t: TagRow) => [t.resourceType]
};

export const describeTags = defineAction<DescribeTagsInput>({
  name: 'DescribeTags',
  readOnly: true,
  input: structure({ Filters: filters, MaxResults: maxResults, NextToken: nextToken, DryRun: dryRun }),
  output: out.structure(
    out.member(
      'Tags',
      'tagSet',
      out.list(
        out.structure(
          out.member('Key', 'key'),
          out.member('ResourceId', 'resourceId'),
          out.member('ResourceType', 'resourceType'),
          out.member('Value', 'value')
        )
      )
    ),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input) {
    const matches = compileFilters(input.Filters, tagFilters);
    const rows: TagRow[] = (await tx.listTags()).map((t) => ({ ...t, tags: [{ Key: t.key, Value: t.value }] }));
    // "This value can be between 5 and 1000" (DescribeTags MaxResults doc string).
    const page = paginate(rows.filter(matches), input, { min: 5, max: 1000 });
    return {
      Tags: page.items.map((t) => ({
        Key: t.key,
        ResourceId: t.resourceId,
        ResourceType: t.resourceType,
        Value: t.value
      })),
      NextToken: page.nextToken
    };
  }
});
