import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paginate } from '../../src/domain/paging.js';
import { Ec2Error } from '../../src/protocol/errors.js';

const bounds = { min: 5, max: 1000 };
const items = Array.from({ length: 23 }, (_, i) => `item-${i}`);

function invalid(message: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof Ec2Error, `expected an Ec2Error, got ${String(e)}`);
    assert.equal(e.code, 'InvalidParameterValue');
    assert.equal(e.status, 400);
    assert.equal(e.message, message);
    return true;
  };
}

describe('paginate', () => {
  it('returns everything without a token when MaxResults is absent', () => {
    const page = paginate(items, {}, bounds);
    assert.deepEqual(page.items, items);
    assert.equal(page.nextToken, undefined);
  });

  it('returns the first MaxResults items and a token when more remain', () => {
    const page = paginate(items, { MaxResults: 5 }, bounds);
    assert.deepEqual(page.items, items.slice(0, 5));
    assert.equal(typeof page.nextToken, 'string');
  });

  it('chains pages to the end, each item once and in order, the last page without a token', () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = paginate(
        items,
        token === undefined ? { MaxResults: 10 } : { MaxResults: 10, NextToken: token },
        bounds
      );
      seen.push(...page.items);
      sizes.push(page.items.length);
      token = page.nextToken;
      pages++;
      assert.ok(pages < 10, 'paging must end');
    } while (token !== undefined);
    assert.deepEqual(seen, items);
    assert.deepEqual(sizes, [10, 10, 3]);
  });

  it('gives no token when the last page is exactly full', () => {
    const first = paginate(items.slice(0, 10), { MaxResults: 5 }, bounds);
    assert.ok(first.nextToken);
    const second = paginate(items.slice(0, 10), { MaxResults: 5, NextToken: first.nextToken }, bounds);
    assert.deepEqual(second.items, items.slice(5, 10));
    assert.equal(second.nextToken, undefined);
  });

  it('gives no token when everything fits in one page', () => {
    const page = paginate(items, { MaxResults: 1000 }, bounds);
    assert.deepEqual(page.items, items);
    assert.equal(page.nextToken, undefined);
  });

  it('returns the rest when a token comes without MaxResults', () => {
    const first = paginate(items, { MaxResults: 20 }, bounds);
    const rest = paginate(items, { NextToken: first.nextToken }, bounds);
    assert.deepEqual(rest.items, items.slice(20));
    assert.equal(rest.nextToken, undefined);
  });

  it('pages unasked when the action has a page size of its own', () => {
    const first = paginate(items, {}, { ...bounds, pageSize: 10 });
    assert.deepEqual(first.items, items.slice(0, 10));
    assert.ok(first.nextToken);
    const second = paginate(items, { NextToken: first.nextToken }, { ...bounds, pageSize: 10 });
    assert.deepEqual(second.items, items.slice(10, 20));
    const third = paginate(items, { NextToken: second.nextToken }, { ...bounds, pageSize: 10 });
    assert.deepEqual(third, { items: items.slice(20) });
  });

  it('lets MaxResults override the page size of the action', () => {
    const page = paginate(items, { MaxResults: 20 }, { ...bounds, pageSize: 10 });
    assert.equal(page.items.length, 20);
    assert.ok(page.nextToken);
  });

  it('pages an empty list as one empty page', () => {
    assert.deepEqual(paginate([], { MaxResults: 5 }, bounds), { items: [] });
  });

  it('accepts MaxResults at both bounds', () => {
    assert.equal(paginate(items, { MaxResults: 5 }, bounds).items.length, 5);
    assert.equal(paginate(items, { MaxResults: 1000 }, bounds).items.length, 23);
  });

  for (const value of [3, 4, 0, -1, 1001]) {
    it(`refuses MaxResults ${value} with EC2's range message`, () => {
      assert.throws(
        () => paginate(items, { MaxResults: value }, bounds),
        invalid(`Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`)
      );
    });
  }

  it('names the bounds it was given in the message', () => {
    assert.throws(
      () => paginate(items, { MaxResults: 1 }, { min: 2, max: 50 }),
      invalid('Value ( 1 ) for parameter maxResults is invalid. Parameter must be between 2 and 50.')
    );
  });

  it('refuses a token it did not issue', () => {
    assert.throws(
      () => paginate(items, { MaxResults: 5, NextToken: 'garbage' }, bounds),
      invalid('Value ( garbage ) for parameter NextToken is invalid. The token is invalid.')
    );
  });

  it('refuses an empty token and a token whose offset is tampered with', () => {
    assert.throws(
      () => paginate(items, { NextToken: '' }, bounds),
      invalid('Value (  ) for parameter NextToken is invalid. The token is invalid.')
    );
    const forged = Buffer.from('ec2lite:v1:-5').toString('base64url');
    assert.throws(
      () => paginate(items, { NextToken: forged }, bounds),
      invalid(`Value ( ${forged} ) for parameter NextToken is invalid. The token is invalid.`)
    );
    const notANumber = Buffer.from('ec2lite:v1:abc').toString('base64url');
    assert.throws(() => paginate(items, { NextToken: notANumber }, bounds), /The token is invalid/);
  });
});
