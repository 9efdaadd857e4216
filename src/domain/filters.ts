import { errors } from '../protocol/error-codes.js';
import type { Tag } from './model.js';

export interface Filter {
  readonly Name?: string;
  readonly Values?: readonly string[];
}

/** For each filter name a resource supports, the values the resource has for it. */
export type FilterFields<T> = Readonly<Record<string, (resource: T) => readonly (string | undefined)[]>>;

/**
 * EC2 filter semantics (the model's Filter doc string): names and values are case-sensitive; the values of one
 * filter are OR-ed, filters are AND-ed; `*` matches any run of characters and `?` one; `tag:<key>` matches key
 * and value, `tag-key` the key alone. An unknown filter name is refused before anything is matched.
 */
export function compileFilters<T extends { readonly tags: readonly Tag[] }>(
  filters: readonly Filter[] | undefined,
  fields: FilterFields<T>
): (resource: T) => boolean {
  if (!filters || filters.length === 0) return () => true;
  const tests = filters.map((filter) => {
    const name = filter.Name ?? '';
    const patterns = (filter.Values ?? []).map(wildcard);
    const matchesAny = (values: readonly (string | undefined)[]): boolean =>
      values.some((v) => v !== undefined && patterns.some((p) => p.test(v)));
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      return (r: T) => matchesAny(r.tags.filter((t) => t.Key === key).map((t) => t.Value));
    }
    if (name === 'tag-key') return (r: T) => matchesAny(r.tags.map((t) => t.Key));
    if (name === 'tag-value') return (r: T) => matchesAny(r.tags.map((t) => t.Value));
    const field = fields[name];
    if (!field) throw errors.invalidFilter(name);
    return (r: T) => matchesAny(field(r));
  });
  return (resource) => tests.every((test) => test(resource));
}

const wildcardCache = new Map<string, RegExp>();

/** `*` and `?` are wildcards; `\*`, `\?` and `\\` are literal (EC2 filter doc string). */
export function wildcard(value: string): RegExp {
  let pattern = wildcardCache.get(value);
  if (!pattern) {
    let source = '';
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1]!)) {
        source += escapeRegExp(value[++i]!);
      } else if (c === '*') source += '.*';
      else if (c === '?') source += '.';
      else source += escapeRegExp(c);
    }
    pattern = new RegExp(`^${source}$`, 's');
    if (wildcardCache.size > 10_000) wildcardCache.clear();
    wildcardCache.set(value, pattern);
  }
  return pattern;
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}
