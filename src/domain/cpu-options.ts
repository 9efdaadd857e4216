import { errors } from '../protocol/error-codes.js';
import type { InstanceTypeInfo } from './instance-types.js';
import type { CpuOptions } from './model.js';

/** RunInstances CpuOptions (CpuOptionsRequest of the EC2 model). */
export interface CpuOptionsRequest {
  readonly CoreCount?: number;
  readonly ThreadsPerCore?: number;
  readonly AmdSevSnp?: string;
  readonly NestedVirtualization?: string;
}

/** An instance type's processor as DescribeInstanceTypes reports it (VCpuInfo), with the values CpuOptions may take. */
export interface VCpuInfo {
  readonly defaultVCpus: number;
  readonly defaultCores: number;
  readonly defaultThreadsPerCore: number;
  readonly validCores: readonly number[];
  readonly validThreadsPerCore: readonly number[];
}

/** AWS Graviton types: a "g" after the generation (m6g, c7gn, r8gd, is4gen, im4gn), and the first one, a1. */
export function isGraviton(instanceType: string): boolean {
  return /^([a-z0-9-]*g[a-z]*|a1)\./.test(instanceType);
}

/**
 * Types whose every vCPU is a core of its own, so ThreadsPerCore is 1 and cannot change: T2, Graviton, the AMD
 * types from the 7th generation on (C7a, M7a, R7a, C8a…) and Apple silicon Macs ("You can't modify the number of
 * threads per core for T2, C7a, M7a, R7a, and Apple silicon Mac instances, and instances based on the AWS Graviton
 * processor", Amazon EC2 User Guide, CPU options).
 */
function oneThreadPerCore(instanceType: string): boolean {
  const family = instanceType.split('.')[0]!;
  return family === 't2' || isGraviton(instanceType) || /^[a-z]+[7-9]a/.test(family) || family.startsWith('mac');
}

/**
 * The vCPUs of a type, read from its size. data/instance-types.json holds the network limits of DescribeInstanceTypes
 * only, not VCpuInfo, so this follows EC2's naming instead [INF]: large is 2 vCPUs, xlarge 4, Nxlarge 4×N; medium
 * is 1 (2 on the burstable T types and c1), and nano/micro/small are 2 on T3/T3a/T4g and 1 on the older T2, T1 and
 * M1. Sizes that break the pattern (the previous-generation M2 and HS1, the HPC types, every bare-metal size) answer
 * undefined: ec2lite then shows no CPU options for them and checks none.
 */
function defaultVCpus(instanceType: string): number | undefined {
  const [family = '', size = ''] = instanceType.split('.');
  if (family.startsWith('hpc') || family === 'm2' || family === 'hs1' || size.startsWith('metal')) return undefined;
  const burstable = /^t\d/.test(family);
  const older = family === 't1' || family === 't2' || family === 'm1';
  switch (size) {
    case 'nano':
    case 'micro':
    case 'small':
      return older ? 1 : 2;
    case 'medium':
      return burstable || family === 'c1' ? 2 : 1;
    case 'large':
      return 2;
    case 'xlarge':
      return family === 'c1' ? 8 : 4;
  }
  const multiple = /^(\d+)xlarge$/.exec(size);
  return multiple ? 4 * Number(multiple[1]) : undefined;
}

/**
 * VCpuInfo of a type [INF, from defaultVCpus]. Valid core counts are taken as 1 up to the default (the User Guide's
 * table narrows some types to even counts; ec2lite accepts the superset), and threads per core as 1 or 2 where the
 * cores run two threads.
 */
export function vcpuInfo(type: InstanceTypeInfo): VCpuInfo | undefined {
  const vcpus = defaultVCpus(type.instanceType);
  if (vcpus === undefined) return undefined;
  const threads = vcpus > 1 && !oneThreadPerCore(type.instanceType) ? 2 : 1;
  const cores = vcpus / threads;
  return {
    defaultVCpus: vcpus,
    defaultCores: cores,
    defaultThreadsPerCore: threads,
    validCores: Array.from({ length: cores }, (_, i) => i + 1),
    validThreadsPerCore: threads === 2 ? [1, 2] : [1]
  };
}

/** The CPU options an instance of the type has when its launch names none; undefined where the type's vCPUs are unknown. */
export function defaultCpuOptions(type: InstanceTypeInfo | undefined): CpuOptions | undefined {
  const info = type && vcpuInfo(type);
  return info && { coreCount: info.defaultCores, threadsPerCore: info.defaultThreadsPerCore };
}

/** AMD SEV-SNP: "supported with M6a, R6a, and C6a instance types only" (CpuOptionsRequest doc string of the EC2 model). */
function supportsAmdSevSnp(type: InstanceTypeInfo): boolean {
  return /^(m6a|r6a|c6a)\./.test(type.instanceType) && !type.bareMetal;
}

/** Nested virtualization: "supported only on 8th generation Intel-based instance types (c8i, m8i, r8i, and their flex variants)" (same). */
function supportsNestedVirtualization(type: InstanceTypeInfo): boolean {
  return /^(c8i|m8i|r8i)(-flex)?\./.test(type.instanceType) && !type.bareMetal;
}

/**
 * The CPU options an instance launches with: those asked for, checked against the type, or the type's defaults
 * (rules: Amazon EC2 User Guide, "Rules for specifying CPU options").
 */
export function decideCpuOptions(
  type: InstanceTypeInfo,
  request: CpuOptionsRequest | undefined
): CpuOptions | undefined {
  const defaults = defaultCpuOptions(type);
  if (request === undefined) return defaults;
  const { CoreCount: cores, ThreadsPerCore: threads } = request;
  const counts = cores !== undefined || threads !== undefined;
  // "You can't specify CPU options for bare metal instances"; T2 takes none either (awsdocs/amazon-ec2-user-guide PR #228).
  if (counts && (type.bareMetal || type.instanceType.startsWith('t2.')))
    throw errors.cpuOptionsUnsupported(type.instanceType);
  // "You must specify both the number of CPU cores and threads per core in the request."
  if (counts && (cores === undefined || threads === undefined)) throw errors.cpuOptionsIncomplete();
  const info = vcpuInfo(type);
  if (info && cores !== undefined && threads !== undefined) {
    if (!info.validCores.includes(cores)) throw errors.invalidCoreCount(cores, type.instanceType, info.defaultCores);
    if (!info.validThreadsPerCore.includes(threads))
      throw errors.invalidThreadsPerCore(threads, type.instanceType, info.validThreadsPerCore);
  }
  if (request.AmdSevSnp === 'enabled' && !supportsAmdSevSnp(type)) throw errors.amdSevSnpUnsupported(type.instanceType);
  if (request.NestedVirtualization === 'enabled' && !supportsNestedVirtualization(type))
    throw errors.nestedVirtualizationUnsupported(type.instanceType);
  const coreCount = cores ?? defaults?.coreCount;
  const threadsPerCore = threads ?? defaults?.threadsPerCore;
  // A type whose vCPUs ec2lite does not know, launched with flags only: nothing to show.
  if (coreCount === undefined || threadsPerCore === undefined) return undefined;
  return {
    coreCount,
    threadsPerCore,
    ...(request.AmdSevSnp !== undefined ? { amdSevSnp: request.AmdSevSnp as 'enabled' | 'disabled' } : {}),
    ...(request.NestedVirtualization !== undefined
      ? { nestedVirtualization: request.NestedVirtualization as 'enabled' | 'disabled' }
      : {})
  };
}
