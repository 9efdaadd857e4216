import { primaryInterfaceOf } from '../domain/attachment.js';
import { isWellFormedId } from '../domain/ids.js';
import { AMI_ROOT_DEVICE_NAME } from '../domain/images.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import {
  attributeBooleanValueShape,
  attributeValueShape,
  groupIdentifierShape,
  instanceBlockDeviceMappingShape
} from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { blockDeviceView, groupIdentifiers, launchSettingsOf } from './views.js';

/** The EC2 model's InstanceAttributeName enum, in its order. */
export const INSTANCE_ATTRIBUTE_NAMES = [
  'instanceType',
  'kernel',
  'ramdisk',
  'userData',
  'disableApiTermination',
  'instanceInitiatedShutdownBehavior',
  'rootDeviceName',
  'blockDeviceMapping',
  'productCodes',
  'sourceDestCheck',
  'groupSet',
  'ebsOptimized',
  'sriovNetSupport',
  'enaSupport',
  'enclaveOptions',
  'disableApiStop'
] as const;
type InstanceAttributeName = (typeof INSTANCE_ATTRIBUTE_NAMES)[number];

interface DescribeInstanceAttributeInput {
  InstanceId: string;
  Attribute: InstanceAttributeName;
  DryRun?: boolean;
}

/**
 * DescribeInstanceAttribute: one attribute per call, answered with the instance id and that attribute alone
 * (InstanceAttribute of the EC2 model; API reference samples). ec2lite's instances are HVM from an AMI it does not
 * keep: no kernel, ramdisk or product codes, ENA on, no SR-IOV value. An Attribute outside the InstanceAttributeName
 * enum is the decoder's enum error.
 */
export const describeInstanceAttribute = defineAction<DescribeInstanceAttributeInput>({
  name: 'DescribeInstanceAttribute',
  readOnly: true,
  input: structure({
    Attribute: member('Attribute', string({ enum: INSTANCE_ATTRIBUTE_NAMES }), true),
    InstanceId: member('InstanceId', string(), true),
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('InstanceId', 'instanceId'),
    out.member('BlockDeviceMappings', 'blockDeviceMapping', out.list(instanceBlockDeviceMappingShape)),
    out.member('DisableApiTermination', 'disableApiTermination', attributeBooleanValueShape),
    out.member('EnaSupport', 'enaSupport', attributeBooleanValueShape),
    out.member('EnclaveOptions', 'enclaveOptions', out.structure(out.member('Enabled', 'enabled', 'boolean'))),
    out.member('EbsOptimized', 'ebsOptimized', attributeBooleanValueShape),
    out.member('InstanceInitiatedShutdownBehavior', 'instanceInitiatedShutdownBehavior', attributeValueShape),
    out.member('InstanceType', 'instanceType', attributeValueShape),
    out.member('KernelId', 'kernel', attributeValueShape),
    out.member('ProductCodes', 'productCodes', out.list(out.structure())),
    out.member('RamdiskId', 'ramdisk', attributeValueShape),
    out.member('RootDeviceName', 'rootDeviceName', attributeValueShape),
    out.member('SourceDestCheck', 'sourceDestCheck', attributeBooleanValueShape),
    out.member('SriovNetSupport', 'sriovNetSupport', attributeValueShape),
    out.member('UserData', 'userData', attributeValueShape),
    out.member('DisableApiStop', 'disableApiStop', attributeBooleanValueShape),
    out.member('Groups', 'groupSet', out.list(groupIdentifierShape))
  ),
  check(input) {
    if (!isWellFormedId(input.InstanceId, 'i')) throw errors.instanceIdMalformed(input.InstanceId);
  },
  async run(tx, input) {
    const instance = await tx.getInstance(input.InstanceId);
    if (!instance) throw errors.instanceNotFound(input.InstanceId);
    const settings = launchSettingsOf(instance);
    const terminated = instance.state === 'terminated';
    const primary =
      input.Attribute === 'sourceDestCheck'
        ? primaryInterfaceOf(await tx.listAttachedNetworkInterfaces(instance.id))
        : undefined;
    const attribute = (): [string, unknown] => {
      switch (input.Attribute) {
        case 'instanceType':
          return ['InstanceType', { Value: instance.instanceType }];
        case 'kernel':
          return ['KernelId', {}];
        case 'ramdisk':
          return ['RamdiskId', {}];
        // No user data answers an empty userData element, as EC2 does (API reference sample for a kernel).
        case 'userData':
          return ['UserData', settings.userData === undefined ? {} : { Value: settings.userData }];
        // Termination and stop protection are refused at launch: always off.
        case 'disableApiTermination':
          return ['DisableApiTermination', { Value: false }];
        case 'disableApiStop':
          return ['DisableApiStop', { Value: false }];
        case 'instanceInitiatedShutdownBehavior':
          return ['InstanceInitiatedShutdownBehavior', { Value: settings.instanceInitiatedShutdownBehavior }];
        case 'rootDeviceName':
          return ['RootDeviceName', { Value: instance.rootDeviceName ?? AMI_ROOT_DEVICE_NAME }];
        case 'blockDeviceMapping':
          return ['BlockDeviceMappings', terminated ? [] : (instance.blockDevices ?? []).map(blockDeviceView)];
        case 'productCodes':
          return ['ProductCodes', []];
        // The instance's is that of its primary interface, as DescribeInstances shows it.
        case 'sourceDestCheck':
          return ['SourceDestCheck', { Value: primary?.sourceDestCheck ?? true }];
        case 'groupSet':
          return ['Groups', groupIdentifiers(instance.groups)];
        case 'ebsOptimized':
          return ['EbsOptimized', { Value: settings.ebsOptimized }];
        case 'sriovNetSupport':
          return ['SriovNetSupport', {}];
        case 'enaSupport':
          return ['EnaSupport', { Value: true }];
        case 'enclaveOptions':
          return ['EnclaveOptions', { Enabled: false }];
      }
    };
    const [name, value] = attribute();
    return { InstanceId: instance.id, [name]: value };
  }
});
