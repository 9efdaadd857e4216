import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { credentialsFromJson } from './auth/credentials.js';
import { type Ec2liteConfig, defaultConfig } from './config.js';
import { parseFault, parseLatency, parseSubnetId, parseThrottle } from './control/settings.js';

/** Settings whose value is one of a few words. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  auth: ['open', 'verify'],
  placement: ['random', 'lowest'],
  sync: ['normal', 'full']
};

/** Settings naming a file or folder: relative paths are taken from the config file's folder. */
const PATHS: ReadonlySet<string> = new Set(['dataDir', 'credentialsFile']);

/** Settings without a default value, read by their own parser. */
const STRUCTURED: Readonly<Record<string, (value: unknown, where: string) => unknown>> = {
  credentialsFile: (value, where) => {
    if (typeof value !== 'string' || value === '') throw new Error(`${where} is the path of a credentials file`);
    return value;
  },
  store: (value, where) => {
    if (typeof value !== 'string') throw new Error(`${where} is a postgres:// URL`);
    return value;
  },
  credentials: (value, where) => credentialsFromJson(value, where),
  throttle: (value, where) => parseThrottle(value, where),
  faults: (value, where) => list(value, where).map((item, i) => parseFault(item, `${where}[${i}]`)),
  latency: (value, where) => list(value, where).map((item, i) => parseLatency(item, `${where}[${i}]`)),
  prefixCapacity: (value, where) => list(value, where).map((item, i) => parseSubnetId(item, `${where}[${i}]`))
};

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be a list`);
  return value;
}

/**
 * Reads the start-up config file (`ec2lite --config FILE`): one JSON object with the same settings as
 * Ec2liteConfig (the CLI's flags in camelCase, e.g. `"port"`, `"accountId"`, `"auth"`, `"throttle"`), plus the
 * fault knobs of the control API (`faults`, `latency`, `prefixCapacity`). Flags given on the command line win.
 * Throws an Error naming the file and the setting at fault.
 */
export function loadConfigFile(path: string): Partial<Ec2liteConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(value, path, dirname(resolve(path)));
}

/** Checks a config object; `baseDir` anchors relative paths. */
export function parseConfig(value: unknown, where: string, baseDir: string): Partial<Ec2liteConfig> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: the config is a JSON object`);
  const defaults = defaultConfig as unknown as Record<string, unknown>;
  const known = [...new Set([...Object.keys(defaults), ...Object.keys(STRUCTURED)])].sort();
  const config: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}: "${key}"`;
    let setting: unknown;
    if (key in STRUCTURED) {
      setting = STRUCTURED[key]!(raw, at);
    } else if (Object.hasOwn(defaults, key)) {
      const expected = typeof defaults[key];
      if (typeof raw !== expected || (expected === 'number' && (!Number.isInteger(raw) || (raw as number) < 0))) {
        throw new Error(
          `${at} must be ${expected === 'number' ? 'a whole number' : `a ${expected}`}, not ${JSON.stringify(raw)}`
        );
      }
      const choices = CHOICES[key];
      if (choices && !choices.includes(raw as string))
        throw new Error(`${at} must be one of ${choices.join(', ')}, not ${JSON.stringify(raw)}`);
      setting = raw;
    } else {
      throw new Error(`${where}: unknown setting "${key}" (known: ${known.join(', ')})`);
    }
    config[key] = PATHS.has(key) ? resolve(baseDir, setting as string) : setting;
  }
  return config;
}
