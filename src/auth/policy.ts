/**
 * An access key's permissions: action patterns it may call and patterns it may not, IAM-style. An explicit deny
 * wins; with an allow list, only matching actions are allowed; without one, everything not denied is.
 * Patterns are action names with `*` (any run of characters) and `?` (one character), optionally prefixed
 * `ec2:`, matched without regard to case as IAM matches actions ("Describe*", "ec2:AssignPrivateIpAddresses").
 */
export interface Policy {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

const compiled = new Map<string, RegExp>();

/** True when `action` matches the glob `pattern` (see Policy). */
export function actionMatches(pattern: string, action: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern
      .replace(/^ec2:/i, '')
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, 'i');
    compiled.set(pattern, regex);
  }
  return regex.test(action);
}

export function isActionAllowed(policy: Policy, action: string): boolean {
  if (policy.deny?.some((pattern) => actionMatches(pattern, action))) return false;
  if (policy.allow === undefined) return true;
  return policy.allow.some((pattern) => actionMatches(pattern, action));
}

const PATTERN = /^(ec2:)?[A-Za-z0-9*?]+$/i;

/** Reads a policy from JSON-shaped input; throws an Error naming the fault. `where` names the source in messages. */
export function parsePolicy(value: unknown, where: string): Policy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: a policy is an object such as {"allow": ["Describe*"], "deny": ["Delete*"]}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'allow' && key !== 'deny')
      throw new Error(`${where}: a policy has only "allow" and "deny", not "${key}"`);
  }
  const list = (key: 'allow' | 'deny'): readonly string[] | undefined => {
    const items = record[key];
    if (items === undefined) return undefined;
    if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || !PATTERN.test(item))) {
      throw new Error(
        `${where}: "${key}" is a list of action names or patterns such as "Describe*" or "ec2:AssignPrivateIpAddresses"`
      );
    }
    return items as string[];
  };
  const allow = list('allow');
  const deny = list('deny');
  return { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) };
}
