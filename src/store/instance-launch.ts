import type { CpuOptions, Instance, InstanceBlockDevice, LaunchSettings } from '../domain/model.js';

/**
 * An instance's root device name, EBS volumes, CPU options and launch settings, kept as one JSON value in its row (`launch_json`:
 * TEXT on SQLite, json on PostgreSQL): they are written once, at launch, and read whole.
 */
type LaunchFields = Pick<Instance, 'rootDeviceName' | 'blockDevices' | 'cpuOptions' | 'launchSettings'>;

interface StoredBlockDevice extends Omit<InstanceBlockDevice, 'attachTime'> {
  readonly attachTime: string;
}

interface StoredLaunch {
  readonly rootDeviceName?: string;
  readonly blockDevices?: readonly StoredBlockDevice[];
  readonly cpuOptions?: CpuOptions;
  readonly launchSettings?: LaunchSettings;
}

/** The instance's launch fields as JSON text, or null when it has none (the column stays NULL). */
export function launchJson(instance: Instance): string | null {
  const { rootDeviceName, blockDevices, cpuOptions, launchSettings } = instance;
  if (
    rootDeviceName === undefined &&
    blockDevices === undefined &&
    cpuOptions === undefined &&
    launchSettings === undefined
  )
    return null;
  const stored: StoredLaunch = {
    ...(rootDeviceName !== undefined ? { rootDeviceName } : {}),
    ...(blockDevices !== undefined
      ? { blockDevices: blockDevices.map((d) => ({ ...d, attachTime: d.attachTime.toISOString() })) }
      : {}),
    ...(cpuOptions !== undefined ? { cpuOptions } : {}),
    ...(launchSettings !== undefined ? { launchSettings } : {})
  };
  return JSON.stringify(stored);
}

/** The launch fields of a row: `value` is the column as the driver returns it (text, a parsed object, or null). */
export function launchFields(value: unknown): LaunchFields {
  if (value === null || value === undefined) return {};
  const stored = (typeof value === 'string' ? JSON.parse(value) : value) as StoredLaunch;
  return {
    ...(stored.rootDeviceName !== undefined ? { rootDeviceName: stored.rootDeviceName } : {}),
    ...(stored.blockDevices !== undefined
      ? { blockDevices: stored.blockDevices.map((d) => ({ ...d, attachTime: new Date(d.attachTime) })) }
      : {}),
    ...(stored.cpuOptions !== undefined ? { cpuOptions: stored.cpuOptions } : {}),
    ...(stored.launchSettings !== undefined ? { launchSettings: stored.launchSettings } : {})
  };
}
