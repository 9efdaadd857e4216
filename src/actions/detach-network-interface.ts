import { isPrimaryAttachment } from '../domain/attachment.js';
import { isWellFormedId } from '../domain/ids.js';
import { errors } from '../protocol/error-codes.js';
import { boolean, dryRun, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireNetworkInterface } from './common.js';

interface DetachNetworkInterfaceInput {
  AttachmentId: string;
  Force?: boolean;
  DryRun?: boolean;
}

/**
 * DetachNetworkInterface (spec §2.10): the interface becomes available again and keeps its addresses, prefixes
 * and Elastic IPs (MultipleIP.md). Force changes nothing here: ec2lite detaches at once either way.
 */
export const detachNetworkInterface = defineAction<DetachNetworkInterfaceInput>({
  name: 'DetachNetworkInterface',
  input: structure({
    AttachmentId: member('AttachmentId', string(), true),
    Force: member('Force', boolean()),
    DryRun: dryRun
  }),
  output: returnOutput,
  check(input) {
    if (!isWellFormedId(input.AttachmentId, 'eni-attach')) throw errors.attachmentIdMalformed(input.AttachmentId);
  },
  async run(tx, input) {
    const found = await tx.findAttachment(input.AttachmentId);
    if (!found) throw errors.attachmentNotFound(input.AttachmentId);
    // The primary network interface cannot be detached (using-eni.md) [DOC].
    if (isPrimaryAttachment(found.attachment)) throw errors.cannotDetachPrimary();
    const eni = await requireNetworkInterface(tx, found.networkInterfaceId);
    const { attachment: _detached, ...detached } = eni;
    await tx.updateNetworkInterface(detached);
    return { Return: true };
  }
});
