/**
 * Declarative input specs (dynalite's validations/, the SDK's EC2 query settings): each action lists its
 * members by SDK name with the wire name EC2's model gives them, and the decoder does the rest.
 */
export type InputKind = StringKind | IntegerKind | BooleanKind | ListKind | StructureKind;

export interface StringKind {
  readonly type: 'string';
  readonly maxLength?: number;
  readonly enum?: readonly string[];
}
export interface IntegerKind {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
}
export interface BooleanKind {
  readonly type: 'boolean';
}
export interface ListKind {
  readonly type: 'list';
  readonly member: InputKind;
  readonly maxItems: number;
}
export interface StructureKind {
  readonly type: 'structure';
  readonly members: InputMembers;
}

export interface InputMember {
  /** The Query wire name: the model's queryName, else its locationName capitalised, else the member name. */
  readonly wire: string;
  readonly kind: InputKind;
  readonly required?: boolean;
}
export type InputMembers = Readonly<Record<string, InputMember>>;

/** Longest string ec2lite accepts in any parameter; EC2 descriptions stop at 255, tags at 256. */
const DEFAULT_MAX_STRING = 4096;
/** Most members any list may have; EC2 caps id lists at 1000 (CreateTags ResourceId.N). */
const DEFAULT_MAX_ITEMS = 1000;

export const string = (options: Omit<StringKind, 'type'> = {}): StringKind => ({
  type: 'string',
  maxLength: DEFAULT_MAX_STRING,
  ...options
});
export const integer = (options: Omit<IntegerKind, 'type'> = {}): IntegerKind => ({ type: 'integer', ...options });
export const boolean = (): BooleanKind => ({ type: 'boolean' });
export const list = (member: InputKind, maxItems = DEFAULT_MAX_ITEMS): ListKind => ({ type: 'list', member, maxItems });
export const structure = (members: InputMembers): StructureKind => ({ type: 'structure', members });

export function member(wire: string, kind: InputKind, required = false): InputMember {
  return { wire, kind, required };
}

/** `Filter.N` with `Name` and `Value.M`, shared by every Describe action. */
export const filters = member(
  'Filter',
  list(structure({ Name: member('Name', string()), Values: member('Value', list(string())) }), 200)
);

/** `TagSpecification.N` with `ResourceType` and `Tag.M`. */
export const tagSpecifications = member(
  'TagSpecification',
  list(
    structure({
      ResourceType: member('ResourceType', string()),
      Tags: member('Tag', list(structure({ Key: member('Key', string()), Value: member('Value', string()) })))
    }),
    50
  )
);

export const dryRun = member('DryRun', boolean());
export const maxResults = member('MaxResults', integer());
export const nextToken = member('NextToken', string());

/** ENA Express settings (EnaSrdSpecification): accepted as the SDK sends them; ec2lite models no data path. */
export const enaSrdSpecification = member(
  'EnaSrdSpecification',
  structure({
    EnaSrdEnabled: member('EnaSrdEnabled', boolean()),
    EnaSrdUdpSpecification: member(
      'EnaSrdUdpSpecification',
      structure({ EnaSrdUdpEnabled: member('EnaSrdUdpEnabled', boolean()) })
    )
  })
);
