// The paging behaviour every Describe action shares, as one set of its for each action that pages.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Filter } from '@aws-sdk/client-ec2';
import type { TestServer } from './ec2lite.js';

/** What one page request of the action answers, in the SDK's terms. */
export interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly nextToken?: string;
}

export interface PagingSuite<T> {
  readonly server: () => TestServer;
  /** One request of the action through the SDK. */
  readonly page: (input: { MaxResults?: number; NextToken?: string; Filters?: Filter[] }) => Promise<Page<T>>;
  readonly idOf: (item: T) => string;
  /** The action's largest MaxResults (its smallest is 5, as for every Describe action here). */
  readonly maxResults: number;
  /** Filters that match more than five of the items present. */
  readonly filters: Filter[];
  /** The AWS CLI command (`describe-route-tables`) and the key of its answer's list (`RouteTables`). */
  readonly cli: readonly [command: string, key: string];
}

/**
 * `it`s for MaxResults at both ends of its range, MaxResults/NextToken through every item exactly once (unfiltered
 * and filtered), and the AWS CLI following the pages itself. More than five items must exist when they run.
 */
export function itPages<T>(suite: PagingSuite<T>): void {
  const all = async (Filters?: Filter[]): Promise<T[]> => [...((await suite.page({ Filters })).items ?? [])];
  const walk = async (Filters?: Filter[]): Promise<string[]> => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await suite.page({ MaxResults: 5, NextToken, Filters });
      assert.ok((page.items?.length ?? 0) <= 5);
      seen.push(...(page.items ?? []).map(suite.idOf));
      NextToken = page.nextToken;
    } while (NextToken !== undefined);
    return seen;
  };

  it('accepts MaxResults at both ends of its range', async () => {
    const items = await all();
    assert.ok(items.length > 5 && items.length <= suite.maxResults, String(items.length));
    assert.equal((await suite.page({ MaxResults: 5 })).items?.length, 5);
    assert.deepEqual((await suite.page({ MaxResults: suite.maxResults })).items, items);
  });

  it('pages with MaxResults and NextToken, through every item exactly once', async () => {
    const items = await all();
    const first = await suite.page({ MaxResults: 5 });
    assert.equal(typeof first.nextToken, 'string');
    const second = await suite.page({ MaxResults: 5, NextToken: first.nextToken });
    assert.deepEqual([...(first.items ?? []), ...(second.items ?? [])], items.slice(0, 10));
    assert.deepEqual(await walk(), items.map(suite.idOf));
  });

  it('pages filtered results too', async () => {
    const items = await all(suite.filters);
    assert.ok(items.length > 5);
    assert.deepEqual(await walk(suite.filters), items.map(suite.idOf));
  });

  it('lets the AWS CLI follow the pages itself', async () => {
    const [command, key] = suite.cli;
    const result = await suite.server().aws('ec2', command, '--page-size', '5');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.json[key], await all());
  });
}
