import type { Filter } from '../domain/filters.js';
import { isWellFormedId } from '../domain/ids.js';
import { defaultCpuCredits } from '../domain/instance-types.js';
import type { Instance } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, filters, list, maxResults, member, nextToken, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { describePage } from './common.js';

interface DescribeInstanceCreditSpecificationsInput {
  InstanceIds?: string[];
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
  DryRun?: boolean;
}

/** The credit option of a burstable instance: as launched, else its type's default. */
function cpuCreditsOf(instance: Instance): string | undefined {
  return instance.launchSettings?.cpuCredits ?? defaultCpuCredits(instance.instanceType);
}

/**
 * DescribeInstanceCreditSpecifications: the credit option of burstable performance instances (T2, T3, T3a, T4g).
 * Without InstanceId.N it lists every such instance; naming an instance of another type is
 * InstanceCreditSpecification.NotSupported (API reference; Terraform's read). Filter: instance-id (model doc string).
 */
export const describeInstanceCreditSpecifications = defineAction<DescribeInstanceCreditSpecificationsInput>({
  name: 'DescribeInstanceCreditSpecifications',
  readOnly: true,
  input: structure({
    InstanceIds: member('InstanceId', list(string())),
    Filters: filters,
    MaxResults: maxResults,
    NextToken: nextToken,
    DryRun: dryRun
  }),
  output: out.structure(
    out.member(
      'InstanceCreditSpecifications',
      'instanceCreditSpecificationSet',
      out.list(out.structure(out.member('InstanceId', 'instanceId'), out.member('CpuCredits', 'cpuCredits')))
    ),
    out.member('NextToken', 'nextToken')
  ),
  async run(tx, input) {
    const all = await tx.listInstances();
    const byId = new Map(all.map((i) => [i.id, i]));
    for (const id of input.InstanceIds ?? []) {
      if (!isWellFormedId(id, 'i')) throw errors.instanceIdMalformed(id);
      const instance = byId.get(id);
      if (instance && cpuCreditsOf(instance) === undefined)
        throw errors.instanceCreditSpecificationUnsupported(id, instance.instanceType);
    }
    const page = await describePage(input, {
      ids: input.InstanceIds,
      idPrefix: 'i',
      malformed: errors.instanceIdMalformed,
      notFound: errors.instanceNotFound,
      filters: { 'instance-id': (i: Instance) => [i.id] },
      // MaxResults 5 to 1000 (model doc string) [DOC].
      bounds: { min: 5, max: 1000 },
      load: async () => all.filter((i) => cpuCreditsOf(i) !== undefined)
    });
    return {
      InstanceCreditSpecifications: page.items.map((i) => ({ InstanceId: i.id, CpuCredits: cpuCreditsOf(i) })),
      NextToken: page.nextToken
    };
  }
});
