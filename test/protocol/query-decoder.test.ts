import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignPrivateIpAddresses } from '../../src/actions/assign-private-ip-addresses.js';
import { createNetworkInterface } from '../../src/actions/create-network-interface.js';
import { describeNetworkInterfaces } from '../../src/actions/describe-network-interfaces.js';
import { Ec2Error } from '../../src/protocol/errors.js';
import {
  type StructureKind,
  boolean,
  filters,
  integer,
  list,
  member,
  string,
  structure,
  tagSpecifications
} from '../../src/protocol/input-spec.js';
import { decodeJson, decodeQuery } from '../../src/protocol/query-decoder.js';

/** Decodes a form body exactly as the HTTP layer does (URLSearchParams: `+` and `%20` are both a space). */
function decode(spec: StructureKind, body: string): Record<string, unknown> {
  return decodeQuery(spec, new URLSearchParams(body));
}

function assertEc2Error(fn: () => unknown, code: string, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Ec2Error, `expected an Ec2Error, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.status, 400);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

/** A form body as botocore sends it: Action and Version first, the action's parameters sorted by name, + for space. */
function alphabetical(body: string): string {
  const rank = (key: string): string => (key === 'Action' ? '0' : key === 'Version' ? '1' : `2${key}`);
  return [...new URLSearchParams(body)]
    .sort(([a], [b]) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`)
    .join('&');
}

// Shapes after the Smithy ec2Query protocol test models (input.smithy, input-lists.smithy).
const simpleInputParams = structure({
  Foo: member('Foo', string()),
  Bar: member('Bar', string()),
  Baz: member('Baz', boolean()),
  Bam: member('Bam', integer()),
  FooEnum: member('FooEnum', string({ enum: ['Foo', 'Baz', 'Bar', '1', '0'] })),
  HasQueryName: member('A', string()),
  UsesXmlName: member('C', string())
});

const greeting = structure({ Hi: member('Hi', string()) });
const queryLists = structure({
  ListArg: member('ListArg', list(string())),
  ComplexListArg: member('ComplexListArg', list(greeting)),
  ListArgWithXmlName: member('Hi', list(string()))
});

const nestedStructures = structure({
  Nested: member(
    'Nested',
    structure({
      StringArg: member('StringArg', string()),
      OtherArg: member('OtherArg', boolean()),
      RecursiveArg: member('RecursiveArg', structure({ StringArg: member('StringArg', string()) }))
    })
  )
});

describe('decodeQuery: Smithy ec2Query request cases, read back by the server', () => {
  it('Ec2SimpleInputParamsStrings', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&Foo=val1&Bar=val2'), {
      Foo: 'val1',
      Bar: 'val2'
    });
  });

  it('Ec2SimpleInputParamsStringAndBooleanTrue', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&Foo=val1&Baz=true'), {
      Foo: 'val1',
      Baz: true
    });
  });

  it('Ec2SimpleInputParamsStringsAndBooleanFalse', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&Baz=false'), {
      Baz: false
    });
  });

  it('Ec2SimpleInputParamsInteger', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&Bam=10'), { Bam: 10 });
  });

  it('Ec2Enums', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&FooEnum=Foo'), {
      FooEnum: 'Foo'
    });
  });

  it('Ec2Query (the wire name comes from the spec, not the member name)', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&A=Hi'), {
      HasQueryName: 'Hi'
    });
    assertEc2Error(
      () => decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&HasQueryName=Hi'),
      'UnknownParameter',
      'The parameter HasQueryName is not recognized'
    );
  });

  it('Ec2XmlNameIsUppercased', () => {
    assert.deepEqual(decode(simpleInputParams, 'Action=SimpleInputParams&Version=2020-01-08&C=Hi'), {
      UsesXmlName: 'Hi'
    });
  });

  it('Ec2Lists', () => {
    assert.deepEqual(
      decode(
        queryLists,
        'Action=QueryLists&Version=2020-01-08&ListArg.1=foo&ListArg.2=bar&ListArg.3=baz&ComplexListArg.1.Hi=hello&ComplexListArg.2.Hi=hola'
      ),
      { ListArg: ['foo', 'bar', 'baz'], ComplexListArg: [{ Hi: 'hello' }, { Hi: 'hola' }] }
    );
  });

  it('Ec2EmptyQueryLists (an empty list sends nothing, so the member is absent)', () => {
    assert.deepEqual(decode(queryLists, 'Action=QueryLists&Version=2020-01-08'), {});
  });

  it('Ec2ListMemberWithXmlName', () => {
    assert.deepEqual(decode(queryLists, 'Action=QueryLists&Version=2020-01-08&Hi.1=A&Hi.2=B'), {
      ListArgWithXmlName: ['A', 'B']
    });
  });

  it('Ec2NestedStructures', () => {
    assert.deepEqual(
      decode(
        nestedStructures,
        'Action=NestedStructures&Version=2020-01-08&Nested.StringArg=foo&Nested.OtherArg=true&Nested.RecursiveArg.StringArg=baz'
      ),
      { Nested: { StringArg: 'foo', OtherArg: true, RecursiveArg: { StringArg: 'baz' } } }
    );
  });
});

describe('decodeQuery: flattened lists', () => {
  it('orders members by their 1-based index, not by their order on the wire', () => {
    assert.deepEqual(decode(queryLists, 'ListArg.3=c&ListArg.1=a&ListArg.2=b'), { ListArg: ['a', 'b', 'c'] });
  });

  it('keeps index order for sparse indices, numerically (10 after 9)', () => {
    assert.deepEqual(decode(queryLists, 'ListArg.10=d&ListArg.2=b&ListArg.9=c&ListArg.1=a'), {
      ListArg: ['a', 'b', 'c', 'd']
    });
    assert.deepEqual(decode(queryLists, 'ListArg.7=x'), { ListArg: ['x'] });
  });

  it('gathers the fields of one structure item whatever their order', () => {
    assert.deepEqual(decode(queryLists, 'ComplexListArg.2.Hi=b&ComplexListArg.1.Hi=a'), {
      ComplexListArg: [{ Hi: 'a' }, { Hi: 'b' }]
    });
  });

  it('decodes nested lists Filter.1.Value.2', () => {
    const spec = structure({ Filters: filters });
    assert.deepEqual(
      decode(
        spec,
        'Filter.1.Name=subnet-id&Filter.1.Value.2=subnet-2&Filter.1.Value.1=subnet-1&Filter.2.Name=tag:Name&Filter.2.Value.1=a'
      ),
      {
        Filters: [
          { Name: 'subnet-id', Values: ['subnet-1', 'subnet-2'] },
          { Name: 'tag:Name', Values: ['a'] }
        ]
      }
    );
  });

  it('decodes TagSpecification.1.Tag.2.Key', () => {
    const spec = structure({ TagSpecifications: tagSpecifications });
    assert.deepEqual(
      decode(
        spec,
        'TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=a+b&TagSpecification.1.Tag.2.Key=env&TagSpecification.1.Tag.2.Value='
      ),
      {
        TagSpecifications: [
          {
            ResourceType: 'network-interface',
            Tags: [
              { Key: 'Name', Value: 'a b' },
              { Key: 'env', Value: '' }
            ]
          }
        ]
      }
    );
  });

  for (const [what, key] of [
    ['index 0', 'ListArg.0'],
    ['a non-numeric index', 'ListArg.a'],
    ['a zero-padded index', 'ListArg.01'],
    ['a negative index', 'ListArg.-1'],
    ['an empty index', 'ListArg.'],
    ['an index with a sign', 'ListArg.+1'],
    ['a ten-digit index', 'ListArg.1000000000']
  ] as const) {
    it(`refuses ${what} as UnknownParameter (${key})`, () => {
      assertEc2Error(
        () => decode(queryLists, `${encodeURIComponent(key)}=x`),
        'UnknownParameter',
        `The parameter ${key} is not recognized`
      );
    });
  }

  it('refuses a list named without an index', () => {
    assertEc2Error(
      () => decode(queryLists, 'ListArg=x'),
      'UnknownParameter',
      'The parameter ListArg is not recognized'
    );
  });

  it('refuses a structure item given a value of its own', () => {
    assertEc2Error(
      () => decode(queryLists, 'ComplexListArg.1=x'),
      'UnknownParameter',
      'The parameter ComplexListArg.1 is not recognized'
    );
  });

  it('refuses an unknown member inside a list item, naming the full path', () => {
    assertEc2Error(
      () => decode(structure({ Filters: filters }), 'Filter.1.Name=a&Filter.1.Nme=b'),
      'UnknownParameter',
      'The parameter Filter.1.Nme is not recognized'
    );
  });

  it('refuses the list member wire name of another action (Filter.1.Values.1)', () => {
    assertEc2Error(
      () => decode(structure({ Filters: filters }), 'Filter.1.Name=a&Filter.1.Values.1=b'),
      'UnknownParameter',
      'The parameter Filter.1.Values is not recognized'
    );
  });

  it('enforces maxItems', () => {
    const spec = structure({ Ids: member('Id', list(string(), 2)) });
    assert.deepEqual(decode(spec, 'Id.1=a&Id.2=b'), { Ids: ['a', 'b'] });
    assertEc2Error(
      () => decode(spec, 'Id.1=a&Id.2=b&Id.3=c'),
      'InvalidParameterValue',
      'The parameter Id has more than the maximum of 2 items.'
    );
  });

  it('enforces maxItems on a nested list, naming its dotted path', () => {
    const spec = structure({
      Groups: member('Group', list(structure({ Members: member('Member', list(string(), 1)) })))
    });
    assertEc2Error(
      () => decode(spec, 'Group.1.Member.1=a&Group.1.Member.2=b'),
      'InvalidParameterValue',
      'The parameter Group.1.Member has more than the maximum of 1 items.'
    );
  });
});

describe('decodeQuery: unknown and malformed parameter names', () => {
  it('refuses an unknown top-level parameter', () => {
    assertEc2Error(
      () => decode(simpleInputParams, 'Foo=a&Unknown=b'),
      'UnknownParameter',
      'The parameter Unknown is not recognized'
    );
  });

  it('treats parameter names case-sensitively', () => {
    assertEc2Error(() => decode(simpleInputParams, 'foo=a'), 'UnknownParameter', 'The parameter foo is not recognized');
  });

  it('refuses an unknown top-level parameter that has segments', () => {
    assertEc2Error(
      () => decode(simpleInputParams, 'Unknown.1=b'),
      'UnknownParameter',
      /^The parameter Unknown(\.1)? is not recognized$/
    );
  });

  it('refuses a scalar with extra segments (Foo.1, Foo.Bar)', () => {
    assertEc2Error(
      () => decode(simpleInputParams, 'Foo.1=a'),
      'UnknownParameter',
      'The parameter Foo.1 is not recognized'
    );
    assertEc2Error(
      () => decode(simpleInputParams, 'Foo.Bar=a'),
      'UnknownParameter',
      'The parameter Foo.Bar is not recognized'
    );
  });

  it('refuses a scalar with extra segments even after the scalar itself was given', () => {
    assertEc2Error(
      () => decode(simpleInputParams, 'Foo=a&Foo.1=b'),
      'UnknownParameter',
      'The parameter Foo.1 is not recognized'
    );
  });

  it('refuses a nested structure given a value of its own', () => {
    assertEc2Error(
      () => decode(nestedStructures, 'Nested=x'),
      'UnknownParameter',
      'The parameter Nested is not recognized'
    );
  });

  it('ignores the protocol parameters: Action, Version, SigV2 and presigned SigV4 fields', () => {
    const body = [
      'Action=SimpleInputParams',
      'Version=2016-11-15',
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      'X-Amz-Credential=AKIDEXAMPLE%2F20261129%2Fus-east-1%2Fec2%2Faws4_request',
      'X-Amz-Date=20261129T082228Z',
      'X-Amz-Expires=300',
      'X-Amz-SignedHeaders=host',
      'X-Amz-Signature=abc',
      'X-Amz-Security-Token=tok',
      'AWSAccessKeyId=AKIDEXAMPLE',
      'SignatureMethod=HmacSHA256',
      'SignatureVersion=2',
      'Signature=xyz',
      'Timestamp=2026-11-29T08%3A22%3A28Z',
      'Foo=val1'
    ].join('&');
    assert.deepEqual(decode(simpleInputParams, body), { Foo: 'val1' });
  });
});

describe('decodeQuery: required members', () => {
  const spec = structure({
    NetworkInterfaceId: member('NetworkInterfaceId', string(), true),
    Items: member('Item', list(structure({ Key: member('Key', string(), true), Value: member('Value', string()) })))
  });

  it('reports a missing required top-level member with its wire name', () => {
    assertEc2Error(
      () => decode(spec, 'Action=X&Version=2016-11-15'),
      'MissingParameter',
      'The request must contain the parameter NetworkInterfaceId'
    );
  });

  it('reports a missing required member of a list item with its dotted wire path and real index', () => {
    assertEc2Error(
      () => decode(spec, 'NetworkInterfaceId=eni-1&Item.1.Key=a&Item.3.Value=v'),
      'MissingParameter',
      'The request must contain the parameter Item.3.Key'
    );
  });

  it('accepts an empty string for a required member (present, if empty)', () => {
    assert.deepEqual(decode(spec, 'NetworkInterfaceId='), { NetworkInterfaceId: '' });
  });
});

describe('decodeQuery: scalar values', () => {
  const spec = structure({
    Count: member('Count', integer()),
    Bounded: member('Bounded', integer({ min: 1, max: 10 })),
    Flag: member('Flag', boolean()),
    Description: member('Description', string({ maxLength: 5 })),
    Kind: member('Kind', string({ enum: ['interface', 'efa'] }))
  });

  it('reads decimal integers, including negative ones and zero', () => {
    assert.deepEqual(decode(spec, 'Count=42'), { Count: 42 });
    assert.deepEqual(decode(spec, 'Count=-3'), { Count: -3 });
    assert.deepEqual(decode(spec, 'Count=0'), { Count: 0 });
  });

  for (const value of ['abc', '1.5', '1e3', '0x10', '', ' 1', '99999999999999999999', '9007199254740993']) {
    it(`refuses ${JSON.stringify(value)} as an integer`, () => {
      assertEc2Error(
        () => decode(spec, `Count=${encodeURIComponent(value)}`),
        'InvalidParameterValue',
        `Value (${value}) for parameter Count is invalid. Expected an integer.`
      );
    });
  }

  it('enforces integer bounds from the spec', () => {
    assert.deepEqual(decode(spec, 'Bounded=1&Count=1'), { Count: 1, Bounded: 1 });
    assert.deepEqual(decode(spec, 'Bounded=10'), { Bounded: 10 });
    assertEc2Error(
      () => decode(spec, 'Bounded=0'),
      'InvalidParameterValue',
      /^Value \(0\) for parameter Bounded is invalid\./
    );
    assertEc2Error(
      () => decode(spec, 'Bounded=11'),
      'InvalidParameterValue',
      /^Value \(11\) for parameter Bounded is invalid\./
    );
  });

  it('reads the booleans true and false', () => {
    assert.deepEqual(decode(spec, 'Flag=true'), { Flag: true });
    assert.deepEqual(decode(spec, 'Flag=false'), { Flag: false });
  });

  for (const value of ['yes', 'True', 'FALSE', '1', '0', '']) {
    it(`refuses ${JSON.stringify(value)} as a boolean`, () => {
      assertEc2Error(
        () => decode(spec, `Flag=${value}`),
        'InvalidParameterValue',
        `Value (${value}) for parameter Flag is invalid. Expected true or false.`
      );
    });
  }

  it('accepts a string of exactly maxLength characters and refuses one more', () => {
    assert.deepEqual(decode(spec, 'Description=abcde'), { Description: 'abcde' });
    assertEc2Error(
      () => decode(spec, 'Description=abcdef'),
      'InvalidParameterValue',
      'Value for parameter Description is invalid. It must be at most 5 characters long.'
    );
  });

  it('caps strings at a default length when the spec names none', () => {
    const plain = structure({ Name: member('Name', string()) });
    assert.deepEqual(decode(plain, `Name=${'x'.repeat(4096)}`), { Name: 'x'.repeat(4096) });
    assertEc2Error(
      () => decode(plain, `Name=${'x'.repeat(4097)}`),
      'InvalidParameterValue',
      /^Value for parameter Name is invalid/
    );
  });

  it('accepts an enum value and refuses one outside it, case-sensitively', () => {
    assert.deepEqual(decode(spec, 'Kind=efa'), { Kind: 'efa' });
    assertEc2Error(
      () => decode(spec, 'Kind=EFA'),
      'InvalidParameterValue',
      'Value (EFA) for parameter Kind is invalid. Valid values are: interface, efa.'
    );
  });

  it('decodes percent-encoding and + as a space, keeping other characters verbatim', () => {
    const plain = structure({ Name: member('Name', string({ maxLength: 100 })) });
    assert.deepEqual(decode(plain, 'Name=a+b%20c%26d%3De%2Bf%C3%A9'), { Name: 'a b c&d=e+fé' });
  });
});

describe('decodeQuery: the real action specs with bodies captured from the SDK and the CLI', () => {
  const sdkAssignExplicit =
    'Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=eni-0123456789abcdef0&PrivateIpAddress.1=10.0.1.20&PrivateIpAddress.2=10.0.1.21&AllowReassignment=true';
  const cliAssignExplicit =
    'Action=AssignPrivateIpAddresses&Version=2016-11-15&AllowReassignment=true&NetworkInterfaceId=eni-0123456789abcdef0&PrivateIpAddress.1=10.0.1.20&PrivateIpAddress.2=10.0.1.21';

  it('AssignPrivateIpAddresses from @aws-sdk/client-ec2 (PrivateIpAddresses goes out as PrivateIpAddress.N)', () => {
    assert.deepEqual(decode(assignPrivateIpAddresses.input, sdkAssignExplicit), {
      NetworkInterfaceId: 'eni-0123456789abcdef0',
      PrivateIpAddresses: ['10.0.1.20', '10.0.1.21'],
      AllowReassignment: true
    });
  });

  it('AssignPrivateIpAddresses from the AWS CLI (alphabetical order) decodes to the same input', () => {
    assert.deepEqual(
      decode(assignPrivateIpAddresses.input, cliAssignExplicit),
      decode(assignPrivateIpAddresses.input, sdkAssignExplicit)
    );
    assert.equal(alphabetical(sdkAssignExplicit), cliAssignExplicit);
  });

  it('AssignPrivateIpAddresses with SecondaryPrivateIpAddressCount from the SDK', () => {
    assert.deepEqual(
      decode(
        assignPrivateIpAddresses.input,
        'Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=eni-0123456789abcdef0&SecondaryPrivateIpAddressCount=2'
      ),
      { NetworkInterfaceId: 'eni-0123456789abcdef0', SecondaryPrivateIpAddressCount: 2 }
    );
  });

  it('AssignPrivateIpAddresses API reference samples: Ipv4PrefixCount and plain-string Ipv4Prefix.N', () => {
    assert.deepEqual(
      decode(
        assignPrivateIpAddresses.input,
        'Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=eni-081fbb4095EXAMPLE&Ipv4PrefixCount=1'
      ),
      { NetworkInterfaceId: 'eni-081fbb4095EXAMPLE', Ipv4PrefixCount: 1 }
    );
    assert.deepEqual(
      decode(
        assignPrivateIpAddresses.input,
        'NetworkInterfaceId=eni-1&Ipv4Prefix.1=10.0.0.16%2F28&Ipv4Prefix.2=10.0.0.32/28'
      ),
      { NetworkInterfaceId: 'eni-1', Ipv4Prefixes: ['10.0.0.16/28', '10.0.0.32/28'] }
    );
  });

  it('AssignPrivateIpAddresses refuses the wire names of CreateNetworkInterface', () => {
    assertEc2Error(
      () =>
        decode(
          assignPrivateIpAddresses.input,
          'NetworkInterfaceId=eni-1&PrivateIpAddresses.1.PrivateIpAddress=10.0.0.5'
        ),
      'UnknownParameter',
      'The parameter PrivateIpAddresses is not recognized'
    );
    assertEc2Error(
      () => decode(assignPrivateIpAddresses.input, 'NetworkInterfaceId=eni-1&Ipv4Prefix.1.Ipv4Prefix=10.0.0.16/28'),
      'UnknownParameter',
      'The parameter Ipv4Prefix.1.Ipv4Prefix is not recognized'
    );
  });

  it('AssignPrivateIpAddresses has no DryRun member, so DryRun is UnknownParameter', () => {
    assertEc2Error(
      () =>
        decode(assignPrivateIpAddresses.input, 'NetworkInterfaceId=eni-1&SecondaryPrivateIpAddressCount=1&DryRun=true'),
      'UnknownParameter',
      'The parameter DryRun is not recognized'
    );
  });

  it('AssignPrivateIpAddresses requires NetworkInterfaceId', () => {
    assertEc2Error(
      () =>
        decode(
          assignPrivateIpAddresses.input,
          'Action=AssignPrivateIpAddresses&Version=2016-11-15&SecondaryPrivateIpAddressCount=2'
        ),
      'MissingParameter',
      'The request must contain the parameter NetworkInterfaceId'
    );
  });

  const sdkCreate =
    'Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=subnet-1&TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=a%20b&ClientToken=5b0a5d6c-1b7e-4f0e-9a49-3f8f6c2f9a10&SecurityGroupId.1=sg-1&PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.1.PrivateIpAddress=10.0.0.5';
  const createExpected = {
    SubnetId: 'subnet-1',
    Groups: ['sg-1'],
    PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }],
    ClientToken: '5b0a5d6c-1b7e-4f0e-9a49-3f8f6c2f9a10',
    TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'a b' }] }]
  };

  it('CreateNetworkInterface from the SDK (Groups as SecurityGroupId.N, PrivateIpAddresses.N.Member)', () => {
    assert.deepEqual(decode(createNetworkInterface.input, sdkCreate), createExpected);
  });

  it('CreateNetworkInterface decodes the same in botocore form (alphabetical, + for space)', () => {
    const cli = alphabetical(sdkCreate);
    assert.ok(cli.includes('TagSpecification.1.Tag.1.Value=a+b'));
    assert.ok(cli.startsWith('Action=CreateNetworkInterface&Version=2016-11-15&ClientToken='));
    assert.deepEqual(decode(createNetworkInterface.input, cli), createExpected);
  });

  it('CreateNetworkInterface takes struct Ipv4Prefix.N.Ipv4Prefix and refuses the plain form', () => {
    assert.deepEqual(decode(createNetworkInterface.input, 'SubnetId=subnet-1&Ipv4Prefix.1.Ipv4Prefix=10.0.0.16/28'), {
      SubnetId: 'subnet-1',
      Ipv4Prefixes: [{ Ipv4Prefix: '10.0.0.16/28' }]
    });
    assertEc2Error(
      () => decode(createNetworkInterface.input, 'SubnetId=subnet-1&Ipv4Prefix.1=10.0.0.16/28'),
      'UnknownParameter',
      'The parameter Ipv4Prefix.1 is not recognized'
    );
  });

  it('CreateNetworkInterface refuses an InterfaceType outside the enum and a Description over 255', () => {
    assertEc2Error(
      () => decode(createNetworkInterface.input, 'SubnetId=subnet-1&InterfaceType=bogus'),
      'InvalidParameterValue',
      /^Value \(bogus\) for parameter InterfaceType is invalid\. Valid values are: interface, efa/
    );
    assert.deepEqual(decode(createNetworkInterface.input, `SubnetId=subnet-1&Description=${'d'.repeat(255)}`), {
      SubnetId: 'subnet-1',
      Description: 'd'.repeat(255)
    });
    assertEc2Error(
      () => decode(createNetworkInterface.input, `SubnetId=subnet-1&Description=${'d'.repeat(256)}`),
      'InvalidParameterValue',
      'Value for parameter Description is invalid. It must be at most 255 characters long.'
    );
  });

  it('DescribeNetworkInterfaces from the SDK (NetworkInterfaceId.N and Filter.N.Value.M)', () => {
    const body =
      'Action=DescribeNetworkInterfaces&Version=2016-11-15&NetworkInterfaceId.1=eni-1&Filter.1.Name=subnet-id&Filter.1.Value.1=subnet-1&Filter.1.Value.2=subnet-2';
    const expected = {
      NetworkInterfaceIds: ['eni-1'],
      Filters: [{ Name: 'subnet-id', Values: ['subnet-1', 'subnet-2'] }]
    };
    assert.deepEqual(decode(describeNetworkInterfaces.input, body), expected);
    assert.deepEqual(decode(describeNetworkInterfaces.input, alphabetical(body)), expected);
  });
});

describe('decodeJson: the JSON face with SDK member names', () => {
  it('decodes an AssignPrivateIpAddresses body, skipping Action and Version', () => {
    assert.deepEqual(
      decodeJson(assignPrivateIpAddresses.input, {
        Action: 'AssignPrivateIpAddresses',
        Version: '2016-11-15',
        NetworkInterfaceId: 'eni-0123456789abcdef0',
        PrivateIpAddresses: ['10.0.1.20', '10.0.1.21'],
        AllowReassignment: true
      }),
      {
        NetworkInterfaceId: 'eni-0123456789abcdef0',
        PrivateIpAddresses: ['10.0.1.20', '10.0.1.21'],
        AllowReassignment: true
      }
    );
  });

  it('decodes the same input from JSON as from the SDK form body', () => {
    const fromJson = decodeJson(createNetworkInterface.input, {
      SubnetId: 'subnet-1',
      Groups: ['sg-1'],
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.0.5' }],
      ClientToken: '5b0a5d6c-1b7e-4f0e-9a49-3f8f6c2f9a10',
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'Name', Value: 'a b' }] }]
    });
    const fromForm = decode(
      createNetworkInterface.input,
      'SubnetId=subnet-1&SecurityGroupId.1=sg-1&PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.1.PrivateIpAddress=10.0.0.5&ClientToken=5b0a5d6c-1b7e-4f0e-9a49-3f8f6c2f9a10&TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=a+b'
    );
    assert.deepEqual(fromJson, fromForm);
  });

  it('refuses the Query wire names where they differ from the SDK names', () => {
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: 'eni-1', PrivateIpAddress: ['10.0.0.5'] }),
      'UnknownParameter',
      'The parameter PrivateIpAddress is not recognized'
    );
    assertEc2Error(
      () => decodeJson(createNetworkInterface.input, { SubnetId: 'subnet-1', SecurityGroupId: ['sg-1'] }),
      'UnknownParameter',
      'The parameter SecurityGroupId is not recognized'
    );
  });

  it('refuses an unknown key inside a list item, naming its path', () => {
    assertEc2Error(
      () => decodeJson(describeNetworkInterfaces.input, { Filters: [{ Name: 'subnet-id', Vals: ['x'] }] }),
      'UnknownParameter',
      'The parameter Filters.1.Vals is not recognized'
    );
  });

  it('treats null as absent, and a null required member as missing', () => {
    assert.deepEqual(
      decodeJson(assignPrivateIpAddresses.input, {
        NetworkInterfaceId: 'eni-1',
        SecondaryPrivateIpAddressCount: 2,
        AllowReassignment: null
      }),
      { NetworkInterfaceId: 'eni-1', SecondaryPrivateIpAddressCount: 2 }
    );
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: null, SecondaryPrivateIpAddressCount: 2 }),
      'MissingParameter',
      'The request must contain the parameter NetworkInterfaceId'
    );
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { SecondaryPrivateIpAddressCount: 2 }),
      'MissingParameter',
      'The request must contain the parameter NetworkInterfaceId'
    );
  });

  it('names a missing required member by its SDK path, also where the Query wire name differs', () => {
    const spec = structure({
      Groups: member('SecurityGroupId', list(string()), true),
      Items: member('Item', list(structure({ Key: member('Key', string(), true), Value: member('Value', string()) })))
    });
    assertEc2Error(() => decodeJson(spec, {}), 'MissingParameter', 'The request must contain the parameter Groups');
    assertEc2Error(
      () => decodeJson(spec, { Groups: ['sg-1'], Items: [{ Key: 'a' }, { Value: 'v' }] }),
      'MissingParameter',
      'The request must contain the parameter Items.2.Key'
    );
    // The Query face names the same members by their wire names.
    assertEc2Error(
      () => decode(spec, ''),
      'MissingParameter',
      'The request must contain the parameter SecurityGroupId'
    );
    assertEc2Error(
      () => decode(spec, 'SecurityGroupId.1=sg-1&Item.1.Key=a&Item.2.Value=v'),
      'MissingParameter',
      'The request must contain the parameter Item.2.Key'
    );
  });

  it('refuses a number where a string belongs', () => {
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: 5 }),
      'InvalidParameterValue',
      'Value (5) for parameter NetworkInterfaceId is invalid. Expected a string.'
    );
  });

  it('refuses a fraction, a word or a boolean where an integer belongs', () => {
    for (const value of [1.5, 'two', true]) {
      assertEc2Error(
        () =>
          decodeJson(assignPrivateIpAddresses.input, {
            NetworkInterfaceId: 'eni-1',
            SecondaryPrivateIpAddressCount: value
          }),
        'InvalidParameterValue',
        `Value (${String(value)}) for parameter SecondaryPrivateIpAddressCount is invalid. Expected an integer.`
      );
    }
  });

  it('refuses an integer beyond the safe range', () => {
    assertEc2Error(
      () =>
        decodeJson(assignPrivateIpAddresses.input, {
          NetworkInterfaceId: 'eni-1',
          SecondaryPrivateIpAddressCount: 2 ** 60
        }),
      'InvalidParameterValue',
      /^Value \(\d+\) for parameter SecondaryPrivateIpAddressCount is invalid\. Expected an integer\.$/
    );
  });

  it('refuses a non-boolean where a boolean belongs', () => {
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: 'eni-1', AllowReassignment: 'yes' }),
      'InvalidParameterValue',
      'Value (yes) for parameter AllowReassignment is invalid. Expected true or false.'
    );
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: 'eni-1', AllowReassignment: 1 }),
      'InvalidParameterValue',
      'Value (1) for parameter AllowReassignment is invalid. Expected true or false.'
    );
  });

  it('refuses a scalar where a list belongs, and a wrong item type with its 1-based path', () => {
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: 'eni-1', PrivateIpAddresses: '10.0.0.5' }),
      'InvalidParameterValue',
      'Value ("10.0.0.5") for parameter PrivateIpAddresses is invalid. Expected a list.'
    );
    assertEc2Error(
      () =>
        decodeJson(assignPrivateIpAddresses.input, {
          NetworkInterfaceId: 'eni-1',
          PrivateIpAddresses: ['10.0.0.5', 7]
        }),
      'InvalidParameterValue',
      'Value (7) for parameter PrivateIpAddresses.2 is invalid. Expected a string.'
    );
  });

  it('refuses an object or a list where a scalar belongs', () => {
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: { id: 'eni-1' } }),
      'InvalidParameterValue',
      /^Value \(\{"id":"eni-1"\}\) for parameter NetworkInterfaceId is invalid\./
    );
    assertEc2Error(
      () => decodeJson(assignPrivateIpAddresses.input, { NetworkInterfaceId: ['eni-1'] }),
      'InvalidParameterValue',
      /^Value \(\["eni-1"\]\) for parameter NetworkInterfaceId is invalid\./
    );
  });

  it('refuses a scalar or a list where a structure belongs', () => {
    assertEc2Error(
      () => decodeJson(describeNetworkInterfaces.input, { Filters: ['subnet-id'] }),
      'InvalidParameterValue',
      'Value ("subnet-id") for parameter Filters.1 is invalid. Expected an object.'
    );
    assertEc2Error(
      () => decodeJson(describeNetworkInterfaces.input, { Filters: [[]] }),
      'InvalidParameterValue',
      'Value ([]) for parameter Filters.1 is invalid. Expected an object.'
    );
  });

  it('applies the same bounds as the Query face: maxLength, enum, maxItems', () => {
    assertEc2Error(
      () => decodeJson(createNetworkInterface.input, { SubnetId: 'subnet-1', Description: 'd'.repeat(256) }),
      'InvalidParameterValue',
      'Value for parameter Description is invalid. It must be at most 255 characters long.'
    );
    assertEc2Error(
      () => decodeJson(createNetworkInterface.input, { SubnetId: 'subnet-1', InterfaceType: 'bogus' }),
      'InvalidParameterValue',
      /^Value \(bogus\) for parameter InterfaceType is invalid/
    );
    assertEc2Error(
      () =>
        decodeJson(createNetworkInterface.input, {
          SubnetId: 'subnet-1',
          Groups: Array.from({ length: 17 }, (_, i) => `sg-${i}`)
        }),
      'InvalidParameterValue',
      'The parameter Groups has more than the maximum of 16 items.'
    );
  });

  it('truncates a long offending value in the message', () => {
    assert.throws(
      () =>
        decodeJson(assignPrivateIpAddresses.input, {
          NetworkInterfaceId: 'eni-1',
          SecondaryPrivateIpAddressCount: 'x'.repeat(500)
        }),
      (e: unknown) => e instanceof Ec2Error && e.message.length < 200 && e.message.includes('x'.repeat(64))
    );
  });
});
