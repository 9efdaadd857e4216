import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Filter, type FilterFields, compileFilters, wildcard } from '../../src/domain/filters.js';
import type { Tag } from '../../src/domain/model.js';
import { Ec2Error } from '../../src/protocol/errors.js';

interface Thing {
  readonly id: string;
  readonly state: string;
  readonly addresses: readonly string[];
  readonly description?: string;
  readonly tags: readonly Tag[];
}

const fields: FilterFields<Thing> = {
  'thing-id': (t) => [t.id],
  state: (t) => [t.state],
  'private-ip-address': (t) => t.addresses,
  description: (t) => [t.description]
};

const things: Thing[] = [
  {
    id: 'eni-0a',
    state: 'available',
    addresses: ['10.0.0.5', '10.0.0.6'],
    description: 'web server',
    tags: [
      { Key: 'Name', Value: 'web' },
      { Key: 'env', Value: 'prod' }
    ]
  },
  {
    id: 'eni-0b',
    state: 'in-use',
    addresses: ['10.0.1.5'],
    tags: [
      { Key: 'Name', Value: 'db' },
      { Key: 'team', Value: 'prod' }
    ]
  },
  { id: 'eni-1c', state: 'available', addresses: [], description: 'a*b?c\\d', tags: [] }
];

/** The ids of the things the filters keep. */
function select(filters: Filter[] | undefined): string[] {
  return things.filter(compileFilters(filters, fields)).map((t) => t.id);
}

describe('wildcard', () => {
  const cases: [pattern: string, matches: string[], misses: string[]][] = [
    ['web', ['web'], ['Web', 'webs', 'aweb', '']],
    ['*', ['', 'anything', 'a\nb'], []],
    ['eni-*', ['eni-', 'eni-0a'], ['ENI-0a', 'xeni-0a']],
    ['*-prod', ['web-prod', '-prod'], ['web-prod2']],
    ['10.0.*.5', ['10.0.0.5', '10.0.123.5'], ['10.0.0.6', '10.0x0x5']],
    ['?', ['a', '*'], ['', 'ab']],
    ['eni-0?', ['eni-0a', 'eni-0b'], ['eni-0', 'eni-0ab', 'eni-1c']],
    ['a\\*b', ['a*b'], ['ab', 'axb', 'a\\*b']],
    ['a\\?b', ['a?b'], ['axb', 'ab']],
    ['a\\\\b', ['a\\b'], ['a\\\\b', 'ab']],
    ['a\\\\*', ['a\\', 'a\\xyz'], ['a', 'axyz']],
    ['a\\b', ['a\\b'], ['ab']],
    ['trailing\\', ['trailing\\'], ['trailing']],
    ['(x)+[y]$^.|{1}', ['(x)+[y]$^.|{1}'], ['xy', 'x+y']]
  ];
  for (const [pattern, matches, misses] of cases) {
    it(`pattern ${JSON.stringify(pattern)} matches ${JSON.stringify(matches)} and not ${JSON.stringify(misses)}`, () => {
      const regex = wildcard(pattern);
      for (const text of matches) assert.ok(regex.test(text), `${pattern} should match ${JSON.stringify(text)}`);
      for (const text of misses) assert.ok(!regex.test(text), `${pattern} should not match ${JSON.stringify(text)}`);
    });
  }
});

describe('compileFilters', () => {
  it('keeps everything when no filter is given', () => {
    assert.deepEqual(select(undefined), ['eni-0a', 'eni-0b', 'eni-1c']);
    assert.deepEqual(select([]), ['eni-0a', 'eni-0b', 'eni-1c']);
  });

  it('matches a value exactly and case-sensitively', () => {
    assert.deepEqual(select([{ Name: 'state', Values: ['available'] }]), ['eni-0a', 'eni-1c']);
    assert.deepEqual(select([{ Name: 'state', Values: ['Available'] }]), []);
    assert.deepEqual(select([{ Name: 'state', Values: ['avail'] }]), []);
  });

  it('treats filter names case-sensitively: State is not state', () => {
    assert.throws(
      () => select([{ Name: 'State', Values: ['available'] }]),
      (e: unknown) => e instanceof Ec2Error && e.message === "The filter 'State' is invalid"
    );
  });

  it('ORs the values of one filter', () => {
    assert.deepEqual(select([{ Name: 'thing-id', Values: ['eni-0b', 'eni-1c'] }]), ['eni-0b', 'eni-1c']);
  });

  it('ANDs several filters', () => {
    assert.deepEqual(
      select([
        { Name: 'state', Values: ['available'] },
        { Name: 'thing-id', Values: ['eni-0*'] }
      ]),
      ['eni-0a']
    );
    assert.deepEqual(
      select([
        { Name: 'state', Values: ['in-use'] },
        { Name: 'thing-id', Values: ['eni-0a'] }
      ]),
      []
    );
  });

  it('matches a multi-valued field when any of its values matches', () => {
    assert.deepEqual(select([{ Name: 'private-ip-address', Values: ['10.0.0.6'] }]), ['eni-0a']);
    assert.deepEqual(select([{ Name: 'private-ip-address', Values: ['*.5'] }]), ['eni-0a', 'eni-0b']);
  });

  it('never matches a resource that has no value for the field, not even with *', () => {
    assert.deepEqual(select([{ Name: 'description', Values: ['*'] }]), ['eni-0a', 'eni-1c']);
    assert.deepEqual(select([{ Name: 'private-ip-address', Values: ['*'] }]), ['eni-0a', 'eni-0b']);
  });

  it('uses * and ? as wildcards in values', () => {
    assert.deepEqual(select([{ Name: 'thing-id', Values: ['eni-?a'] }]), ['eni-0a']);
    assert.deepEqual(select([{ Name: 'description', Values: ['web*'] }]), ['eni-0a']);
  });

  it('reads \\* \\? and \\\\ as literal characters', () => {
    assert.deepEqual(select([{ Name: 'description', Values: ['a\\*b\\?c\\\\d'] }]), ['eni-1c']);
    assert.deepEqual(select([{ Name: 'description', Values: ['a\\*b\\?c\\\\'] }]), []);
  });

  it('tag:Key matches the value of that key only', () => {
    assert.deepEqual(select([{ Name: 'tag:Name', Values: ['web'] }]), ['eni-0a']);
    assert.deepEqual(select([{ Name: 'tag:Name', Values: ['web', 'db'] }]), ['eni-0a', 'eni-0b']);
    assert.deepEqual(select([{ Name: 'tag:env', Values: ['prod'] }]), ['eni-0a']);
    assert.deepEqual(select([{ Name: 'tag:team', Values: ['p*'] }]), ['eni-0b']);
  });

  it('tag:Key is case-sensitive in the key', () => {
    assert.deepEqual(select([{ Name: 'tag:name', Values: ['*'] }]), []);
  });

  it('tag-key matches resources carrying the key, whatever its value', () => {
    assert.deepEqual(select([{ Name: 'tag-key', Values: ['env'] }]), ['eni-0a']);
    assert.deepEqual(select([{ Name: 'tag-key', Values: ['Name'] }]), ['eni-0a', 'eni-0b']);
    assert.deepEqual(select([{ Name: 'tag-key', Values: ['*'] }]), ['eni-0a', 'eni-0b']);
  });

  it('tag-value matches resources with any tag of that value', () => {
    assert.deepEqual(select([{ Name: 'tag-value', Values: ['prod'] }]), ['eni-0a', 'eni-0b']);
    assert.deepEqual(select([{ Name: 'tag-value', Values: ['d?'] }]), ['eni-0b']);
  });

  it('refuses an unknown filter name with InvalidParameterValue before matching anything', () => {
    assert.throws(
      () =>
        compileFilters(
          [
            { Name: 'state', Values: ['available'] },
            { Name: 'x', Values: ['1'] }
          ],
          fields
        ),
      (e: unknown) => {
        assert.ok(e instanceof Ec2Error);
        assert.equal(e.code, 'InvalidParameterValue');
        assert.equal(e.message, "The filter 'x' is invalid");
        assert.equal(e.status, 400);
        return true;
      }
    );
  });

  it('refuses a filter without a name', () => {
    assert.throws(
      () => compileFilters([{ Values: ['a'] }], fields),
      (e: unknown) => e instanceof Ec2Error && e.code === 'InvalidParameterValue'
    );
  });
});
