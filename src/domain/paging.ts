import { errors } from '../protocol/error-codes.js';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

export interface PagingInput {
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

/**
 * MaxResults/NextToken paging over a list in a stable order. The token is opaque to clients; a token that
 * ec2lite did not issue is refused with EC2's text. Without MaxResults EC2 returns everything, unless the
 * action has a page size of its own.
 */
export function paginate<T>(
  items: readonly T[],
  input: PagingInput,
  bounds: { min: number; max: number; pageSize?: number }
): Page<T> {
  const { NextToken: token } = input;
  // Some actions page even unasked (DescribeInstanceTypes answers 100 at a time).
  const maxResults = input.MaxResults ?? bounds.pageSize;
  if (maxResults !== undefined && (maxResults < bounds.min || maxResults > bounds.max)) {
    throw errors.maxResultsOutOfRange(maxResults, bounds.min, bounds.max);
  }
  const start = token === undefined ? 0 : decodeToken(token);
  if (maxResults === undefined && token === undefined) return { items };
  const end = maxResults === undefined ? items.length : start + maxResults;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextToken: encodeToken(end) } : { items: page };
}

const TOKEN_PREFIX = 'ec2lite:v1:';

function encodeToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`).toString('base64url');
}

function decodeToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) throw errors.invalidNextToken(token);
  return offset;
}
