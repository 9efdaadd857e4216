import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { assignPrivateIpAddresses } from '../../src/actions/assign-private-ip-addresses.js';
import { out, returnOutput } from '../../src/protocol/output-spec.js';
import { EC2_NAMESPACE, escapeXml, renderXmlError, renderXmlResponse } from '../../src/protocol/xml.js';

/** fast-xml-parser with the settings the AWS SDK reads EC2 responses with. */
const sdkParser = new XMLParser({ parseTagValue: false, ignoreAttributes: false, attributeNamePrefix: '' });

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';
const REQUEST_ID = '3fb591ba-558c-48f8-ae6b-c2f9d6d06425';

describe('renderXmlResponse', () => {
  it('AssignPrivateIpAddresses with two addresses: golden body (API reference Example 1 shape)', () => {
    const xml = renderXmlResponse('AssignPrivateIpAddresses', REQUEST_ID, assignPrivateIpAddresses.output, {
      NetworkInterfaceId: 'eni-01d32da61c165ac3e',
      AssignedPrivateIpAddresses: [{ PrivateIpAddress: '10.2.2.1' }, { PrivateIpAddress: '10.2.2.11' }]
    });
    assert.equal(
      xml,
      PROLOG +
        '<AssignPrivateIpAddressesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
        '<requestId>3fb591ba-558c-48f8-ae6b-c2f9d6d06425</requestId>' +
        '<networkInterfaceId>eni-01d32da61c165ac3e</networkInterfaceId>' +
        '<assignedPrivateIpAddressesSet>' +
        '<item><privateIpAddress>10.2.2.1</privateIpAddress></item>' +
        '<item><privateIpAddress>10.2.2.11</privateIpAddress></item>' +
        '</assignedPrivateIpAddressesSet>' +
        '</AssignPrivateIpAddressesResponse>'
    );
  });

  it('AssignPrivateIpAddresses with prefixes only: the address set is omitted, the prefix set present', () => {
    const xml = renderXmlResponse('AssignPrivateIpAddresses', REQUEST_ID, assignPrivateIpAddresses.output, {
      NetworkInterfaceId: 'eni-1',
      AssignedIpv4Prefixes: [{ Ipv4Prefix: '10.0.0.176/28' }]
    });
    assert.equal(
      xml,
      `${PROLOG}<AssignPrivateIpAddressesResponse xmlns="${EC2_NAMESPACE}"><requestId>${REQUEST_ID}</requestId>` +
        '<networkInterfaceId>eni-1</networkInterfaceId>' +
        '<assignedIpv4PrefixSet><item><ipv4Prefix>10.0.0.176/28</ipv4Prefix></item></assignedIpv4PrefixSet>' +
        '</AssignPrivateIpAddressesResponse>'
    );
    assert.ok(!xml.includes('assignedPrivateIpAddressesSet'));
  });

  it('writes an empty list as a self-closing element', () => {
    const xml = renderXmlResponse('AssignPrivateIpAddresses', REQUEST_ID, assignPrivateIpAddresses.output, {
      NetworkInterfaceId: 'eni-1',
      AssignedPrivateIpAddresses: [],
      AssignedIpv4Prefixes: []
    });
    assert.ok(
      xml.endsWith('<assignedPrivateIpAddressesSet/><assignedIpv4PrefixSet/></AssignPrivateIpAddressesResponse>'),
      xml
    );
  });

  it('omits undefined and null members and ignores members outside the shape', () => {
    const shape = out.structure(out.member('A', 'a'), out.member('B', 'b'), out.member('C', 'c'));
    const xml = renderXmlResponse('X', 'r', shape, { A: undefined, B: null, C: 'c', D: 'not in the shape' });
    assert.equal(xml, `${PROLOG}<XResponse xmlns="${EC2_NAMESPACE}"><requestId>r</requestId><c>c</c></XResponse>`);
  });

  it('writes members in the order of the shape, not of the result object', () => {
    const shape = out.structure(out.member('First', 'first'), out.member('Second', 'second'));
    const xml = renderXmlResponse('X', 'r', shape, { Second: '2', First: '1' });
    assert.ok(xml.includes('<first>1</first><second>2</second>'), xml);
  });

  it('writes booleans and integers as text, including false and 0', () => {
    const shape = out.structure(
      out.member('Yes', 'yes', 'boolean'),
      out.member('No', 'no', 'boolean'),
      out.member('Zero', 'zero', 'integer'),
      out.member('Count', 'count', 'integer')
    );
    const xml = renderXmlResponse('X', 'r', shape, { Yes: true, No: false, Zero: 0, Count: 65531 });
    assert.ok(xml.includes('<yes>true</yes><no>false</no><zero>0</zero><count>65531</count>'), xml);
  });

  it('writes a Date timestamp as ISO-8601 UTC', () => {
    const shape = out.structure(out.member('At', 'at', 'timestamp'));
    const xml = renderXmlResponse('X', 'r', shape, { At: new Date(Date.UTC(2023, 5, 1, 12, 34, 56)) });
    assert.ok(xml.includes('<at>2023-06-01T12:34:56.000Z</at>'), xml);
  });

  it('writes nested structures and lists of structures with <item>', () => {
    const shape = out.structure(
      out.member(
        'Attachment',
        'attachment',
        out.structure(out.member('DeviceIndex', 'deviceIndex', 'integer'), out.member('Status', 'status'))
      ),
      out.member('TagSet', 'tagSet', out.list(out.structure(out.member('Key', 'key'), out.member('Value', 'value'))))
    );
    const xml = renderXmlResponse('X', 'r', shape, {
      Attachment: { DeviceIndex: 1, Status: 'attached' },
      TagSet: [
        { Key: 'Name', Value: 'a' },
        { Key: 'env', Value: '' }
      ]
    });
    assert.ok(
      xml.includes(
        '<attachment><deviceIndex>1</deviceIndex><status>attached</status></attachment>' +
          '<tagSet><item><key>Name</key><value>a</value></item><item><key>env</key><value></value></item></tagSet>'
      ),
      xml
    );
  });

  it('escapes & < > " and \' in text', () => {
    const shape = out.structure(out.member('Description', 'description'));
    const xml = renderXmlResponse('X', 'r', shape, { Description: `a&b <c> "d" 'e'` });
    assert.ok(xml.includes('<description>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;</description>'), xml);
  });

  it('renders the body of actions without an output shape as <return>true</return>', () => {
    const xml = renderXmlResponse('DeleteNetworkInterface', 'r', returnOutput, { Return: true });
    assert.equal(
      xml,
      `${PROLOG}<DeleteNetworkInterfaceResponse xmlns="${EC2_NAMESPACE}"><requestId>r</requestId><return>true</return></DeleteNetworkInterfaceResponse>`
    );
  });

  it('is read back by fast-xml-parser with the SDK settings, values as strings', () => {
    const xml = renderXmlResponse('AssignPrivateIpAddresses', REQUEST_ID, assignPrivateIpAddresses.output, {
      NetworkInterfaceId: 'eni-1',
      AssignedPrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.20' }, { PrivateIpAddress: '10.0.1.21' }],
      AssignedIpv4Prefixes: []
    });
    const parsed = sdkParser.parse(xml) as Record<string, Record<string, unknown>>;
    const root = parsed.AssignPrivateIpAddressesResponse;
    assert.ok(root);
    assert.equal(root.xmlns, EC2_NAMESPACE);
    assert.equal(root.requestId, REQUEST_ID);
    assert.equal(root.networkInterfaceId, 'eni-1');
    assert.deepEqual(root.assignedPrivateIpAddressesSet, {
      item: [{ privateIpAddress: '10.0.1.20' }, { privateIpAddress: '10.0.1.21' }]
    });
    assert.equal(root.assignedIpv4PrefixSet, '');
  });

  it('round-trips escaped text and keeps numbers and booleans as strings for the SDK to convert', () => {
    const shape = out.structure(
      out.member('Description', 'description'),
      out.member('Count', 'count', 'integer'),
      out.member('Flag', 'flag', 'boolean')
    );
    const text = `web & db <primary> "quoted" 'single'`;
    const parsed = sdkParser.parse(
      renderXmlResponse('X', 'r', shape, { Description: text, Count: 7, Flag: false })
    ) as {
      XResponse: Record<string, unknown>;
    };
    assert.equal(parsed.XResponse.description, text);
    assert.equal(parsed.XResponse.count, '7');
    assert.equal(parsed.XResponse.flag, 'false');
  });
});

describe('renderXmlError', () => {
  it('golden body: Response/Errors/Error/Code+Message and RequestID with a capital ID', () => {
    assert.equal(
      renderXmlError(
        'InvalidNetworkInterfaceID.NotFound',
        "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
        'ea966190'
      ),
      `${PROLOG}<Response><Errors><Error><Code>InvalidNetworkInterfaceID.NotFound</Code>` +
        '<Message>The networkInterface ID &apos;eni-0123456789abcdef0&apos; does not exist</Message>' +
        '</Error></Errors><RequestID>ea966190</RequestID></Response>'
    );
  });

  it('carries no namespace and no lower-case requestId', () => {
    const xml = renderXmlError('MissingParameter', 'The request must contain the parameter NetworkInterfaceId', 'r');
    assert.ok(!xml.includes('xmlns'));
    assert.ok(!xml.includes('requestId'));
  });

  it('escapes the message and is read back by the SDK parser settings', () => {
    const message = '[10.0.0.5, 10.0.0.6] assigned, but move is not allowed. <&> "x"';
    const parsed = sdkParser.parse(renderXmlError('InvalidParameterValue', message, 'req-9')) as {
      Response: { Errors: { Error: { Code: string; Message: string } }; RequestID: string };
    };
    assert.equal(parsed.Response.Errors.Error.Code, 'InvalidParameterValue');
    assert.equal(parsed.Response.Errors.Error.Message, message);
    assert.equal(parsed.Response.RequestID, 'req-9');
  });
});

describe('escapeXml', () => {
  it('returns text without special characters unchanged', () => {
    assert.equal(escapeXml('10.0.0.5'), '10.0.0.5');
    assert.equal(escapeXml(''), '');
  });

  it('escapes every special character, every time it occurs', () => {
    assert.equal(escapeXml(`&&<<>>""''`), '&amp;&amp;&lt;&lt;&gt;&gt;&quot;&quot;&apos;&apos;');
  });

  it('escapes the ampersand of text that looks like an entity (values are text, not markup)', () => {
    assert.equal(escapeXml('&amp;'), '&amp;amp;');
  });
});
