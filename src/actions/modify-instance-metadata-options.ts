import { isWellFormedId } from '../domain/ids.js';
import type { MetadataOptions } from '../domain/model.js';
import { errors } from '../protocol/error-codes.js';
import { dryRun, integer, member, string, structure } from '../protocol/input-spec.js';
import { out } from '../protocol/output-spec.js';
import { instanceMetadataOptionsShape } from '../protocol/resource-shapes.js';
import { defineAction } from './action.js';
import { metadataOptionsView } from './views.js';

interface ModifyInstanceMetadataOptionsInput {
  InstanceId: string;
  HttpTokens?: string;
  HttpPutResponseHopLimit?: number;
  HttpEndpoint?: string;
  HttpProtocolIpv6?: string;
  InstanceMetadataTags?: string;
  DryRun?: boolean;
}

function checkChoice(value: string | undefined, parameter: string, allowed: readonly [string, string]): void {
  if (value !== undefined && !allowed.includes(value)) throw errors.metadataOptionNotValid(value, parameter, allowed);
}

/**
 * ModifyInstanceMetadataOptions: changes only the options named; "if no parameter is specified, the existing state
 * is maintained" (API reference). The answer shows the options "pending", as EC2 does until they are applied; the
 * metadata service follows them at once. HttpProtocolIpv6 and InstanceMetadataTags are accepted and echoed, not kept.
 */
export const modifyInstanceMetadataOptions = defineAction<ModifyInstanceMetadataOptionsInput>({
  name: 'ModifyInstanceMetadataOptions',
  input: structure({
    InstanceId: member('InstanceId', string(), true),
    HttpTokens: member('HttpTokens', string()),
    HttpPutResponseHopLimit: member('HttpPutResponseHopLimit', integer()),
    HttpEndpoint: member('HttpEndpoint', string()),
    HttpProtocolIpv6: member('HttpProtocolIpv6', string()),
    InstanceMetadataTags: member('InstanceMetadataTags', string()),
    DryRun: dryRun
  }),
  output: out.structure(
    out.member('InstanceId', 'instanceId'),
    out.member('InstanceMetadataOptions', 'instanceMetadataOptions', instanceMetadataOptionsShape)
  ),
  check(input) {
    if (!isWellFormedId(input.InstanceId, 'i')) throw errors.instanceIdMalformed(input.InstanceId);
    checkChoice(input.HttpTokens, 'HttpTokens', ['optional', 'required']);
    checkChoice(input.HttpEndpoint, 'HttpEndpoint', ['enabled', 'disabled']);
    checkChoice(input.HttpProtocolIpv6, 'HttpProtocolIpv6', ['enabled', 'disabled']);
    checkChoice(input.InstanceMetadataTags, 'InstanceMetadataTags', ['enabled', 'disabled']);
    const hops = input.HttpPutResponseHopLimit;
    if (hops !== undefined && (hops < 1 || hops > 64)) throw errors.hopLimitNotValid(hops);
  },
  async run(tx, input) {
    const instance = await tx.getInstance(input.InstanceId);
    if (!instance) throw errors.instanceNotFound(input.InstanceId);
    // "Modify the instance metadata parameters on a running or stopped instance" (API reference).
    if (instance.state === 'terminated' || instance.state === 'shutting-down') {
      throw errors.metadataOptionsInvalidState(instance.id, instance.state);
    }
    const options: MetadataOptions = {
      httpTokens:
        (input.HttpTokens as MetadataOptions['httpTokens'] | undefined) ?? instance.metadataOptions.httpTokens,
      httpEndpoint:
        (input.HttpEndpoint as MetadataOptions['httpEndpoint'] | undefined) ?? instance.metadataOptions.httpEndpoint,
      httpPutResponseHopLimit: input.HttpPutResponseHopLimit ?? instance.metadataOptions.httpPutResponseHopLimit
    };
    await tx.updateInstance({ ...instance, metadataOptions: options });
    return {
      InstanceId: instance.id,
      InstanceMetadataOptions: {
        ...metadataOptionsView(options, 'pending'),
        HttpProtocolIpv6: input.HttpProtocolIpv6 ?? 'disabled',
        InstanceMetadataTags: input.InstanceMetadataTags ?? 'disabled'
      }
    };
  }
});
