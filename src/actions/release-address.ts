import { formatIpv4 } from '../domain/ipv4.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { parsePublicIp, requireElasticIp } from './elastic-ip-records.js';

interface ReleaseAddressInput {
  AllocationId?: string;
  PublicIp?: string;
  NetworkBorderGroup?: string;
  DryRun?: boolean;
}

/**
 * ReleaseAddress (spec §2.14). An associated address is refused with InvalidIPAddress.InUse, except in the default
 * VPC, where "Releasing an Elastic IP address automatically disassociates it" (API reference, ReleaseAddress).
 */
export const releaseAddress = defineAction<ReleaseAddressInput>({
  name: 'ReleaseAddress',
  input: structure({
    AllocationId: member('AllocationId', string()),
    PublicIp: member('PublicIp', string()),
    NetworkBorderGroup: member('NetworkBorderGroup', string()),
    DryRun: dryRun
  }),
  output: returnOutput,
  check(input) {
    if (input.AllocationId !== undefined && input.PublicIp !== undefined) throw errors.publicIpWithId('allocation id');
    if (input.AllocationId === undefined) {
      if (input.PublicIp === undefined) throw errors.missingParameter('AllocationId');
      parsePublicIp(input.PublicIp, 'PublicIp');
      throw errors.allocationIdRequiredToRelease();
    }
  },
  async run(tx, input, context) {
    const eip = await requireElasticIp(tx, input.AllocationId!);
    // "If you provide an incorrect network border group, you receive an InvalidAddress.NotFound error."
    if (input.NetworkBorderGroup !== undefined && input.NetworkBorderGroup !== context.region) {
      throw errors.addressNotInBorderGroup(eip.allocationId, input.NetworkBorderGroup);
    }
    if (eip.association) {
      const eni = await tx.getNetworkInterface(eip.association.networkInterfaceId);
      const vpc = eni && (await tx.getVpc(eni.vpcId));
      if (!vpc?.isDefault) throw errors.elasticIpInUse(formatIpv4(eip.publicIp));
      await tx.setElasticIpAssociation(eip.allocationId, undefined);
    }
    await tx.deleteElasticIp(eip.allocationId);
    return { Return: true };
  }
});
