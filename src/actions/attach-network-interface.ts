import { checkAttachment } from '../domain/attachment.js';
import { isWellFormedId, newId } from '../domain/ids.js';
import { instanceType } from '../domain/instance-types.js';
import type { Attachment } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, enaSrdSpecification, integer, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { requireNetworkInterface } from './common.js';

interface AttachNetworkInterfaceInput {
  NetworkInterfaceId: string;
  InstanceId: string;
  DeviceIndex: number;
  NetworkCardIndex?: number;
  EnaSrdSpecification?: { EnaSrdEnabled?: boolean; EnaSrdUdpSpecification?: { EnaSrdUdpEnabled?: boolean } };
  EnaQueueCount?: number;
  DryRun?: boolean;
}

/**
 * AttachNetworkInterface (spec §2.9): the interface goes to a device index on a network card of a running or
 * stopped instance, within the type's interface count and with no more address slots than the type allows.
 */
export const attachNetworkInterface = defineAction<AttachNetworkInterfaceInput>({
  name: 'AttachNetworkInterface',
  input: structure({
    NetworkInterfaceId: member('NetworkInterfaceId', string(), true),
    InstanceId: member('InstanceId', string(), true),
    DeviceIndex: member('DeviceIndex', integer({ min: 0 }), true),
    NetworkCardIndex: member('NetworkCardIndex', integer({ min: 0 })),
    // ENA Express and queue settings: accepted as the SDK sends them; ec2lite models no data path.
    EnaSrdSpecification: enaSrdSpecification,
    EnaQueueCount: member('EnaQueueCount', integer({ min: 1 })),
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('AttachmentId', 'attachmentId'),
    out.member('NetworkCardIndex', 'networkCardIndex', 'integer')
  ),
  check(input) {
    // Both ids are checked for form before either is looked up [INF].
    if (!isWellFormedId(input.NetworkInterfaceId, 'eni'))
      throw errors.networkInterfaceIdMalformed(input.NetworkInterfaceId);
    if (!isWellFormedId(input.InstanceId, 'i')) throw errors.instanceIdMalformed(input.InstanceId);
  },
  async run(tx, input, context) {
    const eni = await requireNetworkInterface(tx, input.NetworkInterfaceId);
    const instance = await tx.getInstance(input.InstanceId);
    if (!instance) throw errors.instanceNotFound(input.InstanceId);
    const type = instanceType(instance.instanceType);
    if (!type) throw errors.invalidInstanceTypeValue(instance.instanceType);
    const slot = { deviceIndex: input.DeviceIndex, networkCardIndex: input.NetworkCardIndex ?? 0 };
    checkAttachment(eni, instance, type, await tx.listAttachedNetworkInterfaces(instance.id), slot);
    const attachment: Attachment = {
      attachmentId: newId('eni-attach'),
      instanceId: instance.id,
      ...slot,
      attachTime: context.now,
      // An attached interface outlives its instance unless told otherwise (ModifyNetworkInterfaceAttribute).
      deleteOnTermination: false
    };
    await tx.updateNetworkInterface({ ...eni, attachment });
    return { AttachmentId: attachment.attachmentId, NetworkCardIndex: attachment.networkCardIndex };
  }
});
