import { readFileSync } from 'node:fs';
import { isAccountId } from '../domain/ids.js';
import { type Policy, parsePolicy } from './policy.js';

/** One access key ec2lite knows: its secret, the account it belongs to and, optionally, what it may do. */
export interface AccessKeyEntry {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** 12 digits; without it, the account follows from the key itself (accountForKey). */
  readonly accountId?: string;
  readonly policy?: Policy;
}

export type KeyRing = ReadonlyMap<string, AccessKeyEntry>;

/**
 * The account of an access key that names none: a key of exactly 12 digits is that account (so a test can act as
 * several accounts with no credentials file at all), any other key belongs to the configured default account.
 */
export function accountForKey(accessKeyId: string, defaultAccountId: string): string {
  return isAccountId(accessKeyId) ? accessKeyId : defaultAccountId;
}

const KEY_ID = /^[A-Za-z0-9_.+=@-]{1,128}$/;

/** Builds the key ring from entries, refusing duplicates and malformed values; `where` names the source in messages. */
export function keyRing(entries: readonly AccessKeyEntry[], where = 'credentials'): KeyRing {
  const ring = new Map<string, AccessKeyEntry>();
  for (const entry of entries) {
    if (ring.has(entry.accessKeyId)) throw new Error(`${where}: access key ${entry.accessKeyId} is listed twice`);
    ring.set(entry.accessKeyId, entry);
  }
  return ring;
}

/** Reads a credentials file: JSON (`[{accessKeyId, secretAccessKey, accountId?, policy?}]` or `{"keys": […]}`) or the AWS credentials INI format. */
export function loadCredentialsFile(path: string): AccessKeyEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the credentials file ${path}: ${(error as Error).message}`);
  }
  return parseCredentials(text, path);
}

/** Parses credentials text: JSON when it parses as JSON (or starts with `{`), else the AWS credentials INI format. */
export function parseCredentials(text: string, where: string): AccessKeyEntry[] {
  const trimmed = text.trim();
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(trimmed);
    isJson = true;
  } catch (error) {
    if (trimmed.startsWith('{') || where.endsWith('.json'))
      throw new Error(`${where}: not valid JSON: ${(error as Error).message}`);
  }
  return isJson ? credentialsFromJson(json, where) : credentialsFromIni(text, where);
}

const JSON_FIELDS: Readonly<Record<string, keyof AccessKeyEntry>> = {
  accessKeyId: 'accessKeyId',
  aws_access_key_id: 'accessKeyId',
  secretAccessKey: 'secretAccessKey',
  aws_secret_access_key: 'secretAccessKey',
  accountId: 'accountId',
  aws_account_id: 'accountId',
  policy: 'policy'
};

/** Entries from JSON-shaped input (a credentials file, the start-up config file's `credentials`). */
export function credentialsFromJson(value: unknown, where: string): AccessKeyEntry[] {
  let list = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'keys' in value) {
    list = value.keys;
  }
  if (!Array.isArray(list)) {
    throw new Error(
      `${where}: expected a list of keys, [{"accessKeyId": …, "secretAccessKey": …, "accountId"?: …, "policy"?: …}], or {"keys": [...]}`
    );
  }
  return list.map((item, i) => {
    const at = `${where}: key ${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`${at} is not an object`);
    const fields: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(item as Record<string, unknown>)) {
      const known = JSON_FIELDS[name];
      if (!known)
        throw new Error(
          `${at} has an unknown field "${name}" (known: accessKeyId, secretAccessKey, accountId, policy)`
        );
      fields[known] = field;
    }
    return entry(fields, at);
  });
}

/** Entries from the AWS credentials INI format; ec2lite reads `aws_account_id`, `ec2lite_allow` and `ec2lite_deny` too. */
export function credentialsFromIni(text: string, where: string): AccessKeyEntry[] {
  const sections: { name: string; line: number; values: Map<string, string> }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      sections.push({ name: header[1]!, line: index + 1, values: new Map() });
      return;
    }
    const equals = line.indexOf('=');
    if (equals < 0 || sections.length === 0) {
      throw new Error(`${where}:${index + 1}: expected "[profile]" or "name = value", not "${line}"`);
    }
    sections.at(-1)!.values.set(line.slice(0, equals).trim().toLowerCase(), line.slice(equals + 1).trim());
  });
  const entries: AccessKeyEntry[] = [];
  for (const section of sections) {
    const at = `${where}:${section.line}: [${section.name}]`;
    const v = section.values;
    // A profile without a key (region only, role settings) is not a key: the AWS CLI's files have such sections.
    if (!v.has('aws_access_key_id')) continue;
    const patterns = (name: string): string[] | undefined =>
      v.has(name)
        ? v
            .get(name)!
            .split(/[\s,]+/)
            .filter((p) => p !== '')
        : undefined;
    const allow = patterns('ec2lite_allow');
    const deny = patterns('ec2lite_deny');
    entries.push(
      entry(
        {
          accessKeyId: v.get('aws_access_key_id'),
          secretAccessKey: v.get('aws_secret_access_key'),
          accountId: v.get('aws_account_id') ?? v.get('account_id'),
          policy: allow || deny ? { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) } : undefined
        },
        at
      )
    );
  }
  if (entries.length === 0)
    throw new Error(
      `${where}: no access keys found (expected sections with aws_access_key_id and aws_secret_access_key)`
    );
  return entries;
}

function entry(fields: Record<string, unknown>, at: string): AccessKeyEntry {
  const { accessKeyId, secretAccessKey, accountId, policy } = fields;
  if (typeof accessKeyId !== 'string' || !KEY_ID.test(accessKeyId)) {
    throw new Error(`${at}: the access key id must be 1 to 128 letters and digits, not ${JSON.stringify(accessKeyId)}`);
  }
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '')
    throw new Error(`${at}: the key ${accessKeyId} has no secret access key`);
  if (accountId !== undefined && (typeof accountId !== 'string' || !isAccountId(accountId))) {
    throw new Error(`${at}: the account id of ${accessKeyId} must be 12 digits, not ${JSON.stringify(accountId)}`);
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(accountId !== undefined ? { accountId } : {}),
    ...(policy !== undefined ? { policy: parsePolicy(policy, `${at}: policy of ${accessKeyId}`) } : {})
  };
}
