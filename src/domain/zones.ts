/**
 * Availability zones per region, as a new account sees them. Zone ids follow EC2's form ("use1-az1");
 * the mapping of names to ids is per account on AWS, so a fixed one is as real as any.
 */
const ZONE_LETTERS: Readonly<Record<string, string>> = {
  'us-east-1': 'abcdef',
  'us-west-1': 'bc',
  'us-west-2': 'abcd',
  'ap-northeast-1': 'acd',
  'ap-northeast-2': 'abcd',
  'sa-east-1': 'abc'
};

/** A region name as AWS forms them: us-east-1, us-gov-west-1, eu-central-2. Also safe in a file or schema name. */
export function isRegionName(value: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(value);
}

export function availabilityZones(region: string): string[] {
  return [...(ZONE_LETTERS[region] ?? 'abc')].map((letter) => `${region}${letter}`);
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw'
};

/** "us-east-1" → "use1"; the prefix of the region's zone ids. */
export function regionCode(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  return `${area}${DIRECTIONS[direction] ?? direction}${number}`;
}

export function availabilityZoneId(region: string, zone: string): string {
  return `${regionCode(region)}-az${availabilityZones(region).indexOf(zone) + 1}`;
}
