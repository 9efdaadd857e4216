import { createHash } from 'node:crypto';
import type { EbsVolumeType } from './model.js';

/**
 * The one AMI ec2lite knows. It keeps no image catalogue and accepts any well-formed `ami-…` id, so every AMI is
 * taken to be a public Amazon Linux 2 image of Amazon's (x86_64, HVM, ENA, an 8 GiB gp2 EBS root at /dev/xvda)
 * whose name, date and root snapshot follow from its id. RunInstances launches from it, DescribeImages describes
 * it and DescribeVolumes sizes root volumes by it, all from here.
 */

/** Amazon Linux AMIs are rooted at /dev/xvda (Amazon EC2 User Guide, "Device names for volumes"). */
export const AMI_ROOT_DEVICE_NAME = '/dev/xvda';

/**
 * The root snapshot of an Amazon Linux 2 AMI: 8 GiB of gp2, as their names say ("amzn2-ami-hvm-…-x86_64-gp2") and
 * DescribeImages shows ("VolumeSize": 8, "VolumeType": "gp2"). A root volume the launch gives no size or type has
 * these; so does a volume made from a snapshot without a size, since ec2lite knows no snapshot's size either.
 */
export const AMI_ROOT_VOLUME: { readonly size: number; readonly type: EbsVolumeType } = { size: 8, type: 'gp2' };

/** The account that publishes Amazon Linux AMIs, with the alias DescribeImages shows for it. */
export const AMAZON_OWNER_ID = '137112412989';
export const AMAZON_OWNER_ALIAS = 'amazon';

/** What DescribeImages shows of an AMI beyond the constants: stable for the id, as a real image's are. */
export interface ImageFacts {
  readonly imageId: string;
  readonly name: string;
  readonly description: string;
  /** ISO 8601 with milliseconds, as DescribeImages writes it ("2024-01-31T21:33:54.000Z"): a string in the model. */
  readonly creationDate: string;
  readonly location: string;
  readonly rootSnapshotId: string;
}

function digest(purpose: string, imageId: string): Buffer {
  return createHash('sha256').update(`ec2lite:${purpose}:${imageId}`).digest();
}

/** The root snapshot of the AMI: `snap-` and 17 hex digits of a hash of the AMI id, the same on every call. */
export function amiRootSnapshotId(imageId: string): string {
  return `snap-${digest('root-snapshot', imageId).toString('hex').slice(0, 17)}`;
}

/** Releases from 2019-01-01 on, over six years: the span of Amazon Linux 2's dated releases. */
const FIRST_RELEASE = Date.UTC(2019, 0, 1);
const RELEASE_DAYS = 6 * 365;
const DAY_MS = 86_400_000;

/**
 * Name, description, creation date and location of the AMI, from a hash of its id: a release date in the span
 * above, a build number 0–9 and a time of day. The name has the form of Amazon Linux 2's
 * ("amzn2-ami-hvm-2.0.20240131.0-x86_64-gp2", ImageLocation "amazon/<name>").
 */
export function imageFacts(imageId: string): ImageFacts {
  const hash = digest('image', imageId);
  const created = new Date(
    FIRST_RELEASE + (hash.readUInt32BE(0) % RELEASE_DAYS) * DAY_MS + (hash.readUInt32BE(4) % 86_400) * 1000
  );
  const iso = created.toISOString();
  const version = `2.0.${iso.slice(0, 10).replaceAll('-', '')}.${hash.readUInt8(8) % 10}`;
  const name = `amzn2-ami-hvm-${version}-x86_64-gp2`;
  return {
    imageId,
    name,
    description: `Amazon Linux 2 AMI ${version} x86_64 HVM gp2`,
    creationDate: iso,
    location: `${AMAZON_OWNER_ALIAS}/${name}`,
    rootSnapshotId: amiRootSnapshotId(imageId)
  };
}
