import type { OutputKind, OutputStructure } from './output-spec.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

// Besides markup, the characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF): a client's
// value echoed in an error message may hold them, and one of them would make the whole document unreadable.
// eslint-disable-next-line no-control-regex -- these control characters are exactly what must be replaced
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex -- as above
const ESCAPABLE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an element, and puts U+FFFD for a character XML cannot carry; tests before replacing. */
export function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPABLE, (c) => ESCAPES[c] ?? '\uFFFD') : text;
}

/** `<XResponse xmlns=…><requestId>…</requestId>…</XResponse>`, the success shape of every EC2 action. */
export function renderXmlResponse(action: string, requestId: string, shape: OutputStructure, result: object): string {
  return (
    `${PROLOG}<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>` +
    membersText(shape, result as Record<string, unknown>) +
    `</${action}Response>`
  );
}

/** EC2's error body: `Response/Errors/Error/{Code,Message}` and `RequestID` (capital ID, unlike success). */
export function renderXmlError(code: string, message: string, requestId: string): string {
  return `${PROLOG}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(
    message
  )}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

/**
 * A shape is turned once into writers that hold their element's tags ready, so that a large answer (a
 * DescribeNetworkInterfaces of thousands of interfaces) makes no tag strings per value. Values are concatenated,
 * and each list is joined into one flat string: the answer is never one rope of a few hundred thousand pieces,
 * which cost as much to flatten, when it is written out, as to build.
 */
type ElementWriter = (value: unknown) => string;
interface MemberWriter {
  readonly name: string;
  readonly write: ElementWriter;
}

const compiled = new WeakMap<OutputStructure, readonly MemberWriter[]>();

function membersText(shape: OutputStructure, value: Record<string, unknown>): string {
  let members = compiled.get(shape);
  if (members === undefined) {
    members = shape.members.map((m) => ({ name: m.name, write: elementWriter(m.xml, m.kind) }));
    compiled.set(shape, members);
  }
  let text = '';
  for (const m of members) {
    const v = value[m.name];
    if (v === undefined || v === null) continue;
    text += m.write(v);
  }
  return text;
}

/** Writes one element; a list as a wrapper holding one `<item>` per member, or `<element/>` when empty. */
function elementWriter(element: string, kind: OutputKind): ElementWriter {
  const open = `<${element}>`;
  const close = `</${element}>`;
  if (typeof kind === 'string') {
    switch (kind) {
      case 'string':
        return (value) => open + escapeXml(String(value)) + close;
      case 'timestamp':
        return (value) => open + (value instanceof Date ? value.toISOString() : escapeXml(String(value))) + close;
      default:
        return (value) => open + String(value) + close;
    }
  }
  if (kind.type === 'structure') return (value) => open + membersText(kind, value as Record<string, unknown>) + close;
  const empty = `<${element}/>`;
  const item = elementWriter('item', kind.member);
  return (value) => {
    const items = value as unknown[];
    if (items.length === 0) return empty;
    return open + items.map((entry) => item(entry)).join('') + close;
  };
}
