/**
 * Output shapes: each member's SDK name (the JSON face's key) and its XML element name (the EC2 model's
 * locationName). Lists render as a wrapper element holding one `<item>` per member, as EC2 does.
 */
export type OutputKind = 'string' | 'integer' | 'boolean' | 'timestamp' | OutputStructure | OutputList;

export interface OutputStructure {
  readonly type: 'structure';
  readonly members: readonly OutputMember[];
}
export interface OutputList {
  readonly type: 'list';
  readonly member: OutputKind;
}
export interface OutputMember {
  readonly name: string;
  readonly xml: string;
  readonly kind: OutputKind;
}

export const out = {
  structure: (...members: OutputMember[]): OutputStructure => ({ type: 'structure', members }),
  list: (member: OutputKind): OutputList => ({ type: 'list', member }),
  member: (name: string, xml: string, kind: OutputKind = 'string'): OutputMember => ({ name, xml, kind })
};

/** The body of actions that have no output shape: `<return>true</return>` (DeleteNetworkInterface API sample). */
export const returnOutput = out.structure(out.member('Return', 'return', 'boolean'));
