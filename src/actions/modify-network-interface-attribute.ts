import { isWellFormedId } from '../domain/ids.js';
import type { NetworkInterface } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import {
  boolean,
  dryRun,
  enaSrdSpecification,
  integer,
  list,
  member,
  string,
  structure
} from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireNetworkInterface } from './common.js';

interface ModifyNetworkInterfaceAttributeInput {
  NetworkInterfaceId: string;
  Description?: { Value?: string };
  SourceDestCheck?: { Value?: boolean };
  Groups?: string[];
  Attachment?: {
    AttachmentId?: string;
    DeleteOnTermination?: boolean;
    DefaultEnaQueueCount?: boolean;
    EnaQueueCount?: number;
  };
  EnaSrdSpecification?: { EnaSrdEnabled?: boolean; EnaSrdUdpSpecification?: { EnaSrdUdpEnabled?: boolean } };
  DryRun?: boolean;
}

/**
 * The attributes one call may change, by the names EC2 gives them (DescribeNetworkInterfaceAttribute's
 * `attribute` values), each with whether the request names it. An empty SecurityGroupId list names nothing,
 * as EC2 answers "No attributes specified." for ModifyInstanceAttribute with `Groups: []`.
 */
function namedAttributes(input: ModifyNetworkInterfaceAttributeInput): string[] {
  return [
    ['description', input.Description?.Value !== undefined],
    ['sourceDestCheck', input.SourceDestCheck?.Value !== undefined],
    ['groupSet', (input.Groups?.length ?? 0) > 0],
    ['attachment', input.Attachment !== undefined],
    ['enaSrdSpecification', input.EnaSrdSpecification !== undefined]
  ]
    .filter(([, named]) => named)
    .map(([name]) => name as string);
}

/**
 * ModifyNetworkInterfaceAttribute: one attribute per call, as the API reference says [DOC]. Wire names from the EC2 model: Description.Value and SourceDestCheck.Value
 * (AttributeValue / AttributeBooleanValue structures), SecurityGroupId.N, Attachment.AttachmentId and
 * Attachment.DeleteOnTermination. EnaSrdSpecification is accepted and changes nothing ec2lite models.
 */
export const modifyNetworkInterfaceAttribute = defineAction<ModifyNetworkInterfaceAttributeInput>({
  name: 'ModifyNetworkInterfaceAttribute',
  input: structure({
    NetworkInterfaceId: member('NetworkInterfaceId', string(), true),
    Description: member('Description', structure({ Value: member('Value', string({ maxLength: 255 })) })),
    SourceDestCheck: member('SourceDestCheck', structure({ Value: member('Value', boolean()) })),
    // The model member Groups goes on the wire as SecurityGroupId.N.
    Groups: member('SecurityGroupId', list(string(), 16)),
    Attachment: member(
      'Attachment',
      structure({
        AttachmentId: member('AttachmentId', string()),
        DeleteOnTermination: member('DeleteOnTermination', boolean()),
        DefaultEnaQueueCount: member('DefaultEnaQueueCount', boolean()),
        EnaQueueCount: member('EnaQueueCount', integer({ min: 1 }))
      })
    ),
    EnaSrdSpecification: enaSrdSpecification,
    DryRun: dryRun
  }),
  output: returnOutput,
  check(input) {
    const named = namedAttributes(input);
    if (named.length === 0) throw errors.noAttributes();
    if (named.length > 1) throw errors.multipleAttributes(named);
    for (const group of input.Groups ?? [])
      if (!isWellFormedId(group, 'sg')) throw errors.securityGroupIdMalformed(group);
    if (input.Attachment) {
      const id = input.Attachment.AttachmentId;
      if (id === undefined) throw errors.missingParameter('Attachment.AttachmentId');
      if (!isWellFormedId(id, 'eni-attach')) throw errors.attachmentIdMalformed(id);
    }
  },
  async run(tx, input) {
    const eni = await requireNetworkInterface(tx, input.NetworkInterfaceId);
    let changed: NetworkInterface = eni;
    if (input.Description?.Value !== undefined) {
      changed = { ...eni, description: input.Description.Value };
    } else if (input.SourceDestCheck?.Value !== undefined) {
      changed = { ...eni, sourceDestCheck: input.SourceDestCheck.Value };
    } else if (input.Groups?.length) {
      const vpc = await tx.getVpc(eni.vpcId);
      const groupIds = [...new Set(input.Groups)];
      changed = {
        ...eni,
        groups: groupIds.map((groupId) =>
          groupId === vpc?.defaultSecurityGroupId ? { groupId, groupName: 'default' } : { groupId }
        )
      };
    } else if (input.Attachment) {
      const attachmentId = input.Attachment.AttachmentId!;
      if (eni.attachment?.attachmentId !== attachmentId) {
        const owner = await tx.findAttachment(attachmentId);
        if (!owner) throw errors.attachmentNotFound(attachmentId);
        throw errors.attachmentOfOtherInterface(attachmentId, eni.id);
      }
      const deleteOnTermination = input.Attachment.DeleteOnTermination;
      if (deleteOnTermination !== undefined)
        changed = { ...eni, attachment: { ...eni.attachment, deleteOnTermination } };
    }
    if (changed !== eni) await tx.updateNetworkInterface(changed);
    return { Return: true };
  }
});
