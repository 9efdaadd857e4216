import { errors } from '../protocol/error-codes.js';
import { dryRun, member, string, structure } from '../protocol/input-spec.js';
import { returnOutput } from '../protocol/output-spec.js';
import { defineAction } from './action.js';
import { parsePublicIp } from './elastic-ip-records.js';

interface DisassociateAddressInput {
  AssociationId?: string;
  PublicIp?: string;
  DryRun?: boolean;
}

/**
 * DisassociateAddress (spec §2.14): by association id only, since every address here is a VPC address. The Elastic
 * IP stays allocated. An association that no longer exists (already disassociated, moved, or gone with its
 * interface) is InvalidAssociationID.NotFound, as Terraform sees after an instance is destroyed (terraform #2295).
 */
export const disassociateAddress = defineAction<DisassociateAddressInput>({
  name: 'DisassociateAddress',
  input: structure({
    AssociationId: member('AssociationId', string()),
    PublicIp: member('PublicIp', string()),
    DryRun: dryRun
  }),
  output: returnOutput,
  check(input) {
    if (input.AssociationId !== undefined && input.PublicIp !== undefined)
      throw errors.publicIpWithId('association id');
    if (input.AssociationId === undefined && input.PublicIp === undefined)
      throw errors.missingParameter('AssociationId');
  },
  async run(tx, input) {
    if (input.AssociationId === undefined) {
      const publicIp = parsePublicIp(input.PublicIp!, 'PublicIp');
      if (!(await tx.getElasticIpByPublicIp(publicIp))) throw errors.addressNotFound(input.PublicIp!);
      throw errors.associationIdRequiredToDisassociate();
    }
    const id = input.AssociationId;
    const eip = (await tx.listElasticIps()).find((e) => e.association?.associationId === id);
    if (!eip) throw errors.associationNotFound(id);
    await tx.setElasticIpAssociation(eip.allocationId, undefined);
    return { Return: true };
  }
});
