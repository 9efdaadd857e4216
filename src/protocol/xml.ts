import type { OutputKind, OutputStructure } from './output-spec.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an element; tests before replacing, since almost no EC2 value needs it. */
export function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

/** `<XResponse xmlns=…><requestId>…</requestId>…</XResponse>`, the success shape of every EC2 action. */
export function renderXmlResponse(action: string, requestId: string, shape: OutputStructure, result: object): string {
  const parts = [PROLOG, `<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>`];
  writeMembers(parts, shape, result as Record<string, unknown>);
  parts.push(`</${action}Response>`);
  return parts.join('');
}

/** EC2's error body: `Response/Errors/Error/{Code,Message}` and `RequestID` (capital ID, unlike success). */
export function renderXmlError(code: string, message: string, requestId: string): string {
  return `${PROLOG}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(
    message
  )}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

function writeMembers(parts: string[], shape: OutputStructure, value: Record<string, unknown>): void {
  for (const m of shape.members) {
    const v = value[m.name];
    if (v === undefined || v === null) continue;
    writeValue(parts, m.xml, m.kind, v);
  }
}

function writeValue(parts: string[], element: string, kind: OutputKind, value: unknown): void {
  if (typeof kind === 'string') {
    parts.push(`<${element}>`, scalarText(kind, value), `</${element}>`);
    return;
  }
  if (kind.type === 'structure') {
    parts.push(`<${element}>`);
    writeMembers(parts, kind, value as Record<string, unknown>);
    parts.push(`</${element}>`);
    return;
  }
  const items = value as unknown[];
  if (items.length === 0) {
    parts.push(`<${element}/>`);
    return;
  }
  parts.push(`<${element}>`);
  for (const item of items) writeValue(parts, 'item', kind.member, item);
  parts.push(`</${element}>`);
}

function scalarText(kind: 'string' | 'integer' | 'boolean' | 'timestamp', value: unknown): string {
  switch (kind) {
    case 'string':
      return escapeXml(String(value));
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : escapeXml(String(value));
    default:
      return String(value);
  }
}
