import { errors } from '../protocol/error-codes.js';
import { dryRun, list, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireTaggableResources } from './create-tags.js';

interface DeleteTagsInput {
  Resources: string[];
  Tags?: { Key?: string; Value?: string }[];
  DryRun?: boolean;
}

/**
 * DeleteTags (EC2 model doc string): a key alone deletes that key whatever its value; a key with a value, even an
 * empty one, deletes it only when the value matches; no Tag.N at all deletes every tag of the resources.
 */
export const deleteTags = defineAction<DeleteTagsInput>({
  name: 'DeleteTags',
  input: structure({
    // locationName resourceId and tag, capitalised on the wire: ResourceId.N, Tag.N.Key, Tag.N.Value.
    Resources: member('ResourceId', list(string(), 1000), true),
    Tags: member('Tag', list(structure({ Key: member('Key', string()), Value: member('Value', string()) }))),
    DryRun: dryRun
  }),
  output: returnOutput,
  check(input) {
    for (const tag of input.Tags ?? []) {
      if (tag.Key === undefined) throw errors.missingParameter('Tag.Key');
      // EC2 keeps aws: tags out of reach of DeleteTags, as of CreateTags [INF: same text as CreateTags].
      if (tag.Key.toLowerCase().startsWith('aws:')) {
        throw errors.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
      }
    }
  },
  async run(tx, input) {
    const resources = await requireTaggableResources(tx, input.Resources);
    // A Value, even an empty one, narrows the delete to that value; without Tag.N every tag goes.
    const tags = input.Tags?.length
      ? input.Tags.map((t) => (t.Value === undefined ? { Key: t.Key! } : { Key: t.Key!, Value: t.Value }))
      : undefined;
    for (const resource of resources) await tx.deleteTags(resource.id, tags);
    return { Return: true };
  }
});
