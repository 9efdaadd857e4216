import { Ec2Error } from './errors.js';

/**
 * Every error ec2lite answers with, in one place, with EC2's exact code, text and HTTP status.
 * Tags follow ../spec conventions: [OBS] text seen from real EC2, [DOC] AWS documentation, [INF] our inference.
 */
export const errors = {
  // --- the request itself ---------------------------------------------------------------------------------
  /** [DOC] common errors list: MissingAction, 400. Text follows EC2's MissingParameter form [INF]. */
  missingAction: () => new Ec2Error('MissingAction', 'The request must contain the parameter Action'),
  /** [OBS] cognitect-labs/aws-api #6, aws-sdk-cpp #306. */
  invalidAction: (action: string) =>
    new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`),
  /** [OBS] boto3 #1138: "The requested version (2010-03-31) of service AmazonEC2 does not exist". */
  noSuchVersion: (version: string) =>
    new Ec2Error('NoSuchVersion', `The requested version (${version}) of service AmazonEC2 does not exist`),
  /** [OBS] aws-sdk-cpp #327, aws-cli #21: "The parameter Description is not recognized". */
  unknownParameter: (name: string) => new Ec2Error('UnknownParameter', `The parameter ${name} is not recognized`),
  /** [OBS pattern] "The request must contain the parameter size/snapshot" (spec §1.3 rule 2). */
  missingParameter: (name: string) =>
    new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`),
  /** [INF] A body larger than ec2lite accepts; EC2 fronts cut such requests off with 413. */
  requestEntityTooLarge: (limit: number) =>
    new Ec2Error('RequestEntityTooLarge', `The request body exceeds the maximum of ${limit} bytes.`, 413),
  /** [INF] A client that does not finish its request in time; code and text as S3 answers a stalled upload. */
  requestTimeout: () =>
    new Ec2Error(
      'RequestTimeout',
      'Your socket connection to the server was not read from or written to within the timeout period.',
      408
    ),
  /** [INF] Headers past the server's limit; code and text as S3 answers them, status as RFC 6585. */
  requestHeaderSectionTooLarge: (limit: number) =>
    new Ec2Error(
      'RequestHeaderSectionTooLarge',
      `Your request header section exceeds the maximum allowed size of ${limit} bytes.`,
      431
    ),
  /** [INF] Bytes that are not an HTTP/1.1 request at all. */
  malformedHttpRequest: (reason: string) =>
    new Ec2Error('MalformedHttpRequest', `The request is not a valid HTTP/1.1 request: ${reason}`),
  /** [INF] EC2 Query requests are GET or POST (API reference, "Query requests for Amazon EC2"). */
  unsupportedHttpVerb: (method: string) =>
    new Ec2Error('UnsupportedHttpVerb', `The HTTP verb ${method} is not supported. Use GET or POST.`, 405),
  /** [INF] Only the Query (form) face and the JSON face exist. */
  unsupportedMediaType: (contentType: string) =>
    new Ec2Error(
      'UnsupportedMediaType',
      `The content type '${contentType}' is not supported. Use application/x-www-form-urlencoded or application/json.`,
      415
    ),
  /** [DOC] MalformedQueryString: "The query string contains a syntax error." */
  malformedQueryString: (detail: string) =>
    new Ec2Error('MalformedQueryString', `The query string contains a syntax error: ${detail}`),
  /** [OBS] aws-cli #3127. */
  dryRunOperation: () => new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),
  /** [DOC] server errors: InternalError, 500. Never used for a client's fault. */
  internalError: () =>
    new Ec2Error(
      'InternalError',
      'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
      500
    ),

  // --- authentication, permissions, throttling (protocol/sigv4.ts, auth/, control/) ---------------------------
  /** [OBS] awsdocs/aws-doc-sdk-examples #4026, test-kitchen/kitchen-ec2 #440: EC2's answer to a request with no credentials. */
  missingAuthentication: () =>
    new Ec2Error('MissingParameter', 'The request must contain the parameter AWSAccessKeyId'),
  /** [OBS] haproxy-autoscale #20 ("401 Unauthorized … AuthFailure"), javaquery/Examples #4, go-aws-auth #37: an unknown access key. */
  authFailure: () => new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),
  /** [OBS] mitchellh/vagrant-aws #138 (EC2, "403 Forbidden"), aws/aws-cli #135: the text; other texts for a bad scope are [INF]. */
  signatureDoesNotMatch: (
    message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
  ) => new Ec2Error('SignatureDoesNotMatch', message, 403),
  /** [DOC] EC2 Common Error Types: IncompleteSignature, 400. Texts per fault, [OBS] where the caller cites a source. */
  incompleteSignature: (message: string) => new Ec2Error('IncompleteSignature', message),
  /** [OBS] aws/aws-sdk-java #1443: "Request has expired. (Service: AmazonEC2; Status Code: 400; Error Code: RequestExpired …)". */
  requestExpired: () => new Ec2Error('RequestExpired', 'Request has expired.'),
  /** [OBS] jenkins.io #6057, aws-cli #5628 (403); newer EC2 appends an encoded authorization failure message. */
  unauthorizedOperation: () =>
    new Ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403),
  /** [OBS] jclouds #1214, bosh-aws-cpi #61, hotsub #10 ("status code: 503"). */
  requestLimitExceeded: () => new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503),

  // --- parameter values -------------------------------------------------------------------------------------
  /** [OBS] "Value ( 1 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000." */
  maxResultsOutOfRange: (value: number, min: number, max: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value ( ${value} ) for parameter maxResults is invalid. Parameter must be between ${min} and ${max}.`
    ),
  /** [OBS] boto3 #2673: "Value (  ) for parameter NextToken is invalid. The token is invalid." */
  invalidNextToken: (token: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value ( ${token} ) for parameter NextToken is invalid. The token is invalid.`
    ),
  /** [OBS] "The parameter volumeSet cannot be used with the parameter maxResults" (aws-cli #1976). */
  idsWithMaxResults: (idSet: string) =>
    new Ec2Error('InvalidParameterCombination', `The parameter ${idSet} cannot be used with the parameter maxResults`),
  /** [OBS] "The filter 'x' is invalid" is EC2's answer to an unknown filter name. */
  invalidFilter: (name: string) => new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`),
  /** [INF] EC2's "Value (x) for parameter y is invalid." family, for values of the wrong type. */
  invalidValueType: (value: string, parameter: string, expected: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${parameter} is invalid. Expected ${expected}.`
    ),
  /** [INF] "stackd" emulator text; matches AWS style. Spec §1.3 rule 6. */
  notPositive: (value: number, parameter: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${parameter} is invalid. Value must be a positive number.`
    ),
  /** [INF] a string parameter longer than EC2 allows. */
  tooLong: (parameter: string, max: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value for parameter ${parameter} is invalid. It must be at most ${max} characters long.`
    ),
  /** [INF] a list with more members than EC2 allows. */
  tooManyItems: (parameter: string, max: number) =>
    new Ec2Error('InvalidParameterValue', `The parameter ${parameter} has more than the maximum of ${max} items.`),
  /** [INF] a value outside an enumeration. */
  notOneOf: (value: string, parameter: string, allowed: readonly string[]) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${parameter} is invalid. Valid values are: ${allowed.join(', ')}.`
    ),
  invalidParameterValue: (message: string) => new Ec2Error('InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => new Ec2Error('InvalidParameterCombination', message),
  invalidParameter: (message: string) => new Ec2Error('InvalidParameter', message),

  // --- identifiers ------------------------------------------------------------------------------------------
  /** [OBS] F5 #150: Invalid id: "x" (expecting "eni-..."). Note `Id`, not `ID`. */
  networkInterfaceIdMalformed: (value: string) =>
    new Ec2Error('InvalidNetworkInterfaceId.Malformed', `Invalid id: "${value}" (expecting "eni-...")`),
  /** [OBS] vpc-cni: "The networkInterface ID 'eni-00000088' does not exist" (clients parse the quoted id). */
  networkInterfaceNotFound: (id: string) =>
    new Ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`),
  /** [DOC] InvalidSubnetID.Malformed; text in EC2's Invalid id form [INF]. */
  subnetIdMalformed: (value: string) =>
    new Ec2Error('InvalidSubnetID.Malformed', `Invalid id: "${value}" (expecting "subnet-...")`),
  /** [OBS] "The subnet ID 'subnet-xxx' does not exist". */
  subnetNotFound: (id: string) => new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`),
  /** [OBS] code spelled InvalidVpcId.Malformed by EC2 itself, unlike the error-codes page's InvalidVpcID (four
   * operations: aws-controllers-k8s/ec2-controller e2e tests, ansible-collections/community.aws PR #1475); text as
   * AttachInternetGateway answers it (the same e2e tests). Other operations word it otherwise [OBS]. */
  vpcIdMalformed: (value: string) =>
    new Ec2Error('InvalidVpcId.Malformed', `Invalid id: "${value}" (expecting "vpc-...")`),
  /** [OBS] inspec/inspec #3518; aws-controllers-k8s/ec2-controller e2e tests (CreateSubnet, CreateSecurityGroup). */
  vpcNotFound: (id: string) => new Ec2Error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
  /** [DOC] InvalidGroupId.Malformed; text [INF]. */
  securityGroupIdMalformed: (value: string) =>
    new Ec2Error('InvalidGroupId.Malformed', `Invalid id: "${value}" (expecting "sg-...")`),
  /** [OBS] "The security group 'sg-…' does not exist" (the InvalidGroup.NotFound text clients log). */
  securityGroupNotFound: (id: string) =>
    new Ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  /** [OBS] DescribeSecurityGroups GroupName.N of a group the default VPC lacks (aws/aws-cli #612). */
  securityGroupNameNotFound: (name: string, defaultVpcId: string) =>
    new Ec2Error(
      'InvalidGroup.NotFound',
      `The security group '${name}' does not exist in default VPC '${defaultVpcId}'`
    ),
  /** [OBS] CreateTags on an id it cannot parse: "The ID '107.20.243.249' is not valid" (pulumi-aws #502),
   * "The ID 'i-eCHmOTcEW0OZ9KbNe' is not valid" (kubernetes/cloud-provider-aws PR #1387). */
  invalidId: (value: string) => new Ec2Error('InvalidID', `The ID '${value}' is not valid`),
  /** Code [OBS] terraform-provider-aws (errCodeInvalidSubnetCIDRReservationIDNotFound); text [INF] the "does not exist" family. */
  subnetCidrReservationNotFound: (id: string) =>
    new Ec2Error('InvalidSubnetCidrReservationID.NotFound', `The subnet CIDR reservation ID '${id}' does not exist`),
  /** [INF] code and text in EC2's Malformed family; no real answer seen for a malformed reservation id. */
  subnetCidrReservationIdMalformed: (value: string) =>
    new Ec2Error('InvalidSubnetCidrReservationID.Malformed', `Invalid id: "${value}" (expecting "scr-...")`),
  /** [OBS] code `Id`, not `ID` (tflint PR #90, CreateRoute: 'Invalid id: "rtb-nat-gw-a"'); text as AssociateRouteTable
   * answers it (Smartflix/AWS-VPC-Peering-Across-Accounts-with-Terraform README: 'Invalid id: "vpc-..." (expecting
   * "rtb-...")'). The same for DescribeRouteTables [INF]; VPC endpoint calls word it otherwise (terraform #24332). */
  routeTableIdMalformed: (value: string) =>
    new Ec2Error('InvalidRouteTableId.Malformed', `Invalid id: "${value}" (expecting "rtb-...")`),
  /** [OBS] DescribeRouteTables RouteTableId.N: "The routeTable ID 'rtb-4FC866A0' does not exist" (C2Devel/terraform-
   * examples #8, quoting AWS); hashicorp/terraform #7104 logs the same. Note `ID` here, unlike the Malformed code. */
  routeTableNotFound: (id: string) =>
    new Ec2Error('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`),
  /** Code [DOC] errors overview, `Id` as there ("InvalidNetworkAclId.Malformed … in the form acl-xxxxxxxxxxxxxxxxx");
   * text [INF] in EC2's Invalid id form, as for route tables; no real answer seen. */
  networkAclIdMalformed: (value: string) =>
    new Ec2Error('InvalidNetworkAclId.Malformed', `Invalid id: "${value}" (expecting "acl-...")`),
  /** [OBS] "The networkAcl ID 'acl-0d709bc679c758a63' does not exist" (terraform-provider-aws PR #9710, reading an
   * ACL through DescribeNetworkAcls NetworkAclId.N; #34462 logs the same). Note `ID` here, unlike the Malformed code. */
  networkAclNotFound: (id: string) =>
    new Ec2Error('InvalidNetworkAclID.NotFound', `The networkAcl ID '${id}' does not exist`),

  /** [OBS] DescribeVolumes: "InvalidVolume.NotFound: The volume 'vol-004ab6351315fa821' does not exist."
   * (kubernetes-sigs/aws-ebs-csi-driver #2436, #1343; cloud-custodian's replayed DescribeVolumes). Note the period. */
  volumeNotFound: (id: string) => new Ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`),
  /** [OBS] "Value (i-…) for parameter volumes is invalid. Expected: 'vol-...'." (a volume id that is not one, reaching
   * DescribeVolumes through Cloud Control: eash-misoni/wishicraft-server's migration notes); CreateSnapshot answers
   * the same form for volumeId (cloudavail/aws-missing-tools #59), as does Eucalyptus's EC2 DescribeVolumes. */
  volumeIdMalformed: (value: string) =>
    new Ec2Error('InvalidParameterValue', `Value (${value}) for parameter volumes is invalid. Expected: 'vol-...'.`),

  /** [OBS] "The following supplied instance types do not exist: [x]". */
  invalidInstanceType: (names: readonly string[]) =>
    new Ec2Error('InvalidInstanceType', `The following supplied instance types do not exist: [${names.join(', ')}]`),

  // --- tags and subnet CIDR reservations ----------------------------------------------------------------------
  /** Code [DOC] errors-overview (TagLimitExceeded: more than 50 tags on a resource); text [INF] as moto and
   * goamz's ec2test answer it. */
  tagLimitExceeded: () =>
    new Ec2Error('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.'),
  /** [OBS] terraform-provider-aws #45304: "Reservation CIDR 192.169.7.160/28 has overlap with existing reserved CIDR block". */
  reservationOverlap: (cidr: string) =>
    new Ec2Error('InvalidParameterValue', `Reservation CIDR ${cidr} has overlap with existing reserved CIDR block`),
  /** [INF] same family as the overlap text: a reservation must lie inside its subnet's CIDR. */
  reservationOutsideSubnet: (cidr: string, subnetCidr: string) =>
    new Ec2Error('InvalidParameterValue', `Reservation CIDR ${cidr} is not within the subnet CIDR block ${subnetCidr}`),
  /** ec2lite's own: it models IPv4 only, and says so rather than pretend to give an IPv6 block. */
  ipv6NotModelled: (parameter: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (true) for parameter ${parameter} is invalid. ec2lite models IPv4 addressing only.`
    ),
  /** [INF] ec2lite subnets have no IPv6 block, so an IPv6 reservation has nowhere to go. */
  reservationIpv6Unsupported: (cidr: string, subnetId: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Reservation CIDR ${cidr} is IPv6, but the subnet '${subnetId}' has no IPv6 CIDR block`
    ),
  /** [INF] the "This is not a valid CIDR block." text EC2 gives for cidrBlock, for the parameter cidr. */
  invalidReservationCidr: (text: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${text}) for parameter cidr is invalid. This is not a valid CIDR block.`
    ),

  // --- VPCs and subnets ---------------------------------------------------------------------------------------
  /** [OBS] localstack docs quoting AWS: InvalidVpc.Range "The CIDR '10.0.0.0/8' is invalid." */
  vpcRange: (cidr: string) => new Ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`),
  /** [OBS] "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided." */
  missingVpcCidr: () => new Ec2Error('MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided."),
  /** [OBS] "Value (x) for parameter cidrBlock is invalid. This is not a valid CIDR block." */
  invalidCidrBlock: (text: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`
    ),
  /** [INF] same text family as InvalidVpc.Range. */
  subnetRange: (cidr: string) => new Ec2Error('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`),
  /** [OBS] hashicorp/terraform #33470: "The CIDR '10.0.1.0/24' conflicts with another subnet". */
  subnetConflict: (cidr: string) =>
    new Ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`),
  /** [OBS] "The vpc 'vpc-…' has dependencies and cannot be deleted." */
  vpcHasDependencies: (id: string) =>
    new Ec2Error('DependencyViolation', `The vpc '${id}' has dependencies and cannot be deleted.`),
  /** [OBS] "The subnet 'subnet-…' has dependencies and cannot be deleted." */
  subnetHasDependencies: (id: string) =>
    new Ec2Error('DependencyViolation', `The subnet '${id}' has dependencies and cannot be deleted.`),
  /** [DOC] InvalidAvailabilityZone; text [OBS] "Value (x) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: …". */
  invalidAvailabilityZone: (zone: string, zones: readonly string[]) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`
    ),

  // --- addresses ----------------------------------------------------------------------------------------------
  /** [OBS] terraform #18764: "invalid value for parameter address: <v>". */
  invalidAddress: (value: string) =>
    new Ec2Error('InvalidParameterValue', `invalid value for parameter address: ${value}`),
  /** [OBS] CreateNetworkInterface; same text for Assign [INF]. */
  addressOutsideSubnet: () =>
    new Ec2Error('InvalidParameterValue', "Address does not fall within the subnet's address range"),
  /** [OBS] RunInstances with a reserved PrivateIpAddress ("Address 192.168.0.2 is in subnet's reserved address
   * range", no period); the same check answers the same for CreateNetworkInterface and Assign [INF]. */
  addressReserved: (address: string) =>
    new Ec2Error('InvalidParameterValue', `Address ${address} is in subnet's reserved address range`),
  /** [OBS] Ansible ec2_eni docs; clients parse `^\[([^\]]*)\] assigned, but move is not allowed\.$`. */
  moveNotAllowed: (addresses: readonly string[]) =>
    new Ec2Error('InvalidParameterValue', `[${addresses.join(', ')}] assigned, but move is not allowed.`),
  /** [OBS] aws-sdk-go #2864 text; mapped to "the primary address of another interface" [INF]. */
  primaryAddressCannotMove: () => new Ec2Error('InvalidParameterValue', 'secondary-addresses'),
  /** [OBS] pulumi #10923. */
  addressInUse: () => new Ec2Error('InvalidIPAddress.InUse', 'The specified address is already in use.'),
  /** [OBS] vpc-cni #1739, PR #1773. */
  insufficientFreeAddresses: () =>
    new Ec2Error(
      'InsufficientFreeAddressesInSubnet',
      'The specified subnet does not have enough free addresses to satisfy the request.'
    ),
  /** [OBS] cilium PR #30536. */
  insufficientCidrBlocks: () =>
    new Ec2Error(
      'InsufficientCidrBlocks',
      'The specified subnet does not have enough free cidr blocks to satisfy the request.'
    ),
  /** [OBS] vpc-cni #989, cilium #36428. */
  privateIpAddressLimitExceeded: () =>
    new Ec2Error('PrivateIpAddressLimitExceeded', 'Number of private addresses will exceed limit.'),
  /** [OBS] two Go clients match this text (spec §2.1). */
  addressesNotAssigned: (eni: string) =>
    new Ec2Error('InvalidParameterValue', `Some of the specified addresses are not assigned to interface ${eni}`),
  /** [INF] spec §2.1. */
  cannotUnassignPrimary: (address: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${address}) for parameter privateIpAddress is invalid. The primary IP address of an interface cannot be unassigned.`
    ),
  /** [DOC] one Primary=true at most in CreateNetworkInterface PrivateIpAddresses.N [INF text]. */
  multiplePrimaries: () =>
    new Ec2Error('InvalidParameterValue', 'Only one primary private IP address can be specified.'),
  /** [DOC] rule (prefixes need the Nitro System); code and text [INF] (spec §1.3 rule 13). */
  prefixDelegationUnsupported: (instanceType: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Prefix delegation is not supported for instance type ${instanceType}. Use an instance type built on the Nitro System.`
    ),
  /** [INF] a /28 that overlaps an address or prefix already in use in the subnet (ec2-prefix-eni.md rule). */
  prefixInUse: (prefix: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `The prefix ${prefix} overlaps an address or prefix already in use in the subnet.`
    ),
  /** [INF] the same address twice in one request. */
  duplicateAddress: (address: string) =>
    new Ec2Error('InvalidParameterValue', `The address ${address} is specified more than once.`),

  // --- network interfaces -------------------------------------------------------------------------------------
  /** [OBS] vpc-cni #1399, cloud-nuke #431. */
  networkInterfaceInUse: (id: string) =>
    new Ec2Error('InvalidParameterValue', `Network interface '${id}' is currently in use.`),
  /** [OBS] knife-ec2 PR #375, cilium #15877: "Interface count 4 exceeds the limit for t3.medium". */
  attachmentLimitExceeded: (count: number, instanceType: string) =>
    new Ec2Error('AttachmentLimitExceeded', `Interface count ${count} exceeds the limit for ${instanceType}`),
  /** [OBS] k8s-vpcnet #71: "Instance 'i-…' already has an interface attached at device index '1'." */
  deviceIndexInUse: (instanceId: string, deviceIndex: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Instance '${instanceId}' already has an interface attached at device index '${deviceIndex}'.`
    ),
  /** [OBS] terraform-provider-aws #27513: "Interface: [eni-…] in use." */
  networkInterfaceAttachmentInUse: (id: string) =>
    new Ec2Error('InvalidNetworkInterface.InUse', `Interface: [${id}] in use.`),
  /** [OBS] cilium #9730: "Address count 7 on interface-087bf… exceeds the limit for t3.medium". */
  interfaceAddressLimitExceeded: (
    eni: { id: string; privateIpAddresses: readonly unknown[]; ipv4Prefixes: readonly unknown[] },
    instanceType: string
  ) =>
    new Ec2Error(
      'InvalidInterface.IpAddressLimitExceeded',
      // EC2 writes the id as "interface-" + its hex digits ("on interface-087bf941f13a906b1").
      `Address count ${eni.privateIpAddresses.length + eni.ipv4Prefixes.length} on interface-${eni.id.replace(/^eni-/, '')} exceeds the limit for ${instanceType}`
    ),
  /** [DOC] InvalidNetworkInterfaceAttachmentId.Malformed; text in EC2's Invalid id form [INF]. */
  attachmentIdMalformed: (value: string) =>
    new Ec2Error(
      'InvalidNetworkInterfaceAttachmentId.Malformed',
      `Invalid id: "${value}" (expecting "eni-attach-...")`
    ),
  /** [OBS] DetachNetworkInterface: "The interface attachment 'eni-attach-4e6c9c89' does not exist." (hashicorp/terraform
   * #6179). */
  attachmentNotFound: (id: string) =>
    new Ec2Error('InvalidAttachmentID.NotFound', `The interface attachment '${id}' does not exist.`),
  /** [OBS] the current text, with the network card (getmoto/moto #7678 quoting EC2, redhat-performance/cloud-governance
   * PR #950); before multi-card instances it ended at "index 0 cannot be detached." */
  cannotDetachPrimary: () =>
    new Ec2Error(
      'OperationNotPermitted',
      'The network interface at device index 0 and networkCard index 0 cannot be detached.'
    ),
  /** [OBS] AttachNetworkInterface across zones, quoted from EC2 in a Terraform configuration's comment; no ids, no period. */
  interfaceZoneMismatch: () =>
    new Ec2Error(
      'InvalidParameterCombination',
      'You may not attach a network interface to an instance if they are not in the same availability zone'
    ),
  /** [INF] same family as the zone mismatch. */
  interfaceVpcMismatch: (eniId: string, instanceId: string) =>
    new Ec2Error(
      'InvalidParameterCombination',
      `The network interface '${eniId}' is not in the same VPC as instance '${instanceId}'.`
    ),
  /** [OBS] text of AttachVolume on an instance not running (ansible amazon.aws PR #497); cilium matches "is not 'running'" on attach. Code [DOC]. */
  instanceNotRunning: (id: string) => new Ec2Error('IncorrectInstanceState', `Instance '${id}' is not 'running'.`),
  /** [OBS] ModifyInstanceAttribute with nothing to change (ansible amazon.aws #470). */
  noAttributes: () => new Ec2Error('InvalidParameterCombination', 'No attributes specified.'),
  /** [OBS] ModifyVpcAttribute with two attributes (apache/libcloud PR #328): "Fields for multiple attribute types specified: a, b". */
  multipleAttributes: (names: readonly string[]) =>
    new Ec2Error('InvalidParameterCombination', `Fields for multiple attribute types specified: ${names.join(', ')}`),
  /** Rule [DOC] (ModifyVpcAttribute EnableDnsHostnames: "You can only enable DNS hostnames if you've enabled DNS
   * support."); code and text [INF], no real answer seen. */
  dnsHostnamesWithoutDnsSupport: (vpcId: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Cannot enable DNS hostnames for VPC '${vpcId}' while DNS support (enableDnsSupport) is disabled.`
    ),
  /** [INF] Attachment.AttachmentId of another interface's attachment. */
  attachmentOfOtherInterface: (attachmentId: string, eniId: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `The attachment '${attachmentId}' does not belong to network interface '${eniId}'.`
    ),
  /** [INF] a network card the instance type does not have. */
  invalidNetworkCardIndex: (index: number, instanceType: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Network card index ${index} is not valid for instance type ${instanceType}.`
    ),
  /** [OBS] RunInstances without an interface at device index 0 (relayed by CloudFormation, awsdocs/aws-cloudformation-user-guide PR #449). */
  missingPrimaryInterface: () =>
    new Ec2Error('InvalidParameterValue', 'When specifying network interfaces, you must include a device at index 0.'),
  /** [INF] all interfaces of an instance share its availability zone. */
  interfacesInDifferentZones: () =>
    new Ec2Error(
      'InvalidParameterCombination',
      'The network interfaces of an instance must all be in the same availability zone.'
    ),
  /** [OBS] "VPCIdNotSpecified: No default VPC for this user". */
  noDefaultVpc: () => new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user'),
  /** [OBS] RunInstances: InvalidAMIID.Malformed: Invalid id: "{var.ami_id}" (expecting "ami-...") (hashicorp/terraform
   * #22172); DescribeImages answers a malformed id with the same code (cloud-custodian PR #3630) and text [INF]. */
  imageIdMalformed: (value: string) =>
    new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${value}" (expecting "ami-...")`),
  /** [INF] RunInstances with MaxCount below MinCount. */
  maxCountBelowMinCount: () =>
    new Ec2Error('InvalidParameterValue', 'maxCount should be greater than or equal to minCount.'),
  /** [OBS] "Invalid value 'x' for InstanceType." (RunInstances with an unknown type). */
  invalidInstanceTypeValue: (name: string) =>
    new Ec2Error('InvalidParameterValue', `Invalid value '${name}' for InstanceType.`),
  /**
   * [INF] A launch setting ec2lite cannot honour (termination protection, hibernation, …): refused, never dropped.
   * Code as EC2 answers an unsupported value; the text says why.
   */
  launchSettingNotModelled: (parameter: string, value: string, what: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${parameter} is not supported: ec2lite does not model ${what}.`
    ),
  /** [INF] CreditSpecification on a type without CPU credits (only T2, T3, T3a and T4g have them, User Guide [DOC]). */
  creditSpecificationUnsupported: (type: string) =>
    new Ec2Error(
      'InvalidParameterCombination',
      `The instance type ${type} does not support CPU credits: CreditSpecification applies to burstable performance instances only.`
    ),
  /**
   * DescribeInstanceCreditSpecifications naming an instance outside T2/T3/T3a/T4g: the code [OBS]
   * terraform-provider-aws #8055 ("AWS Standard will return InstanceCreditSpecification.NotSupported errors for EC2
   * Instance IDs outside T2 and T3 instance types"), also the model's UnsuccessfulInstanceCreditSpecificationErrorCode
   * [DOC]; text [INF].
   */
  instanceCreditSpecificationUnsupported: (id: string, type: string) =>
    new Ec2Error(
      'InstanceCreditSpecification.NotSupported',
      `The instance ID '${id}' is of type ${type}, which does not support CPU credit specifications.`
    ),
  /** [DOC] InvalidInstanceID.Malformed; text [MODEL comment]. */
  instanceIdMalformed: (value: string) =>
    new Ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${value}" (expecting "i-...")`),
  /** [DOC example] "The instance ID 'i-1a2b3c4d' does not exist". */
  instanceNotFound: (id: string) =>
    new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`),
  /** [DOC] IncorrectInstanceState: the instance's state does not allow the operation [INF text]. */
  incorrectInstanceState: (id: string, state: string, wanted: string) =>
    new Ec2Error(
      'IncorrectInstanceState',
      `The instance '${id}' is not in a state from which it can be ${wanted}. Its state is '${state}'.`
    ),
  /**
   * [OBS] RunInstances with a reused ClientToken (rust-lang/bors #830, ubicloud PR #5898); EC2's idempotency is
   * one mechanism across its create actions, so CreateNetworkInterface answers the same [INF].
   */
  idempotentRequestMismatch: () =>
    new Ec2Error(
      'IdempotentParameterMismatch',
      'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).'
    ),
  /** [OBS] RunInstances in a zone the region lacks (CloudFormation CREATE_FAILED reason; aws-sdk-ruby error). */
  unknownAvailabilityZone: (zone: string) =>
    new Ec2Error('InvalidParameterValue', `Invalid availability zone: [${zone}]`),
  /** [OBS] RunInstances MaxCount=0 (jenkinsci/ec2-plugin PR #252). */
  maxCountNotPositive: () => new Ec2Error('InvalidParameterValue', 'Maximum instance count must be greater than zero'),
  /** [INF] the MinCount twin of the MaxCount text. */
  minCountNotPositive: () => new Ec2Error('InvalidParameterValue', 'Minimum instance count must be greater than zero'),
  /** [OBS] RunInstances NetworkInterface.N without DeviceIndex (hashicorp/packer PR #2242, chef/knife-ec2 #601). */
  missingDeviceIndex: () => new Ec2Error('InvalidParameterValue', 'Each network interface requires a device index.'),
  /** [INF] two RunInstances interface specifications for one device index on one card. */
  duplicateDeviceIndex: (deviceIndex: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Each network interface requires a unique device index; ${deviceIndex} is repeated.`
    ),
  /** [OBS] spec §5: RunInstances with an address some interface holds. */
  launchAddressInUse: (address: string) => new Ec2Error('InvalidIPAddress.InUse', `Address ${address} is in use.`),
  /** [OBS] StartInstances on a terminated instance (canonical/ubuntu-pro-client PR #1697, burstable-ai/burst #42). */
  instanceCannotBeStarted: (id: string) =>
    new Ec2Error('IncorrectInstanceState', `The instance '${id}' is not in a state from which it can be started.`),
  /** [OBS] StopInstances on a terminated instance (CloudTrail errorMessage; note "This", not "The"). */
  instanceCannotBeStopped: (id: string) =>
    new Ec2Error('IncorrectInstanceState', `This instance '${id}' is not in a state from which it can be stopped.`),

  // --- block device mappings (RunInstances BlockDeviceMapping.N) --------------------------------------------------
  /** [OBS] hashicorp/packer #6138: "InvalidBlockDeviceMapping: Missing device name" (RunInstances). */
  missingDeviceName: () => new Ec2Error('InvalidBlockDeviceMapping', 'Missing device name'),
  /** [OBS] aws/aws-cli #1071 ("Invalid device name /dev/sde1", RunInstances), ContinuumIO/anaconda-ec2 #7. */
  invalidDeviceName: (name: string) => new Ec2Error('InvalidBlockDeviceMapping', `Invalid device name ${name}`),
  /** [OBS] hashicorp/terraform #7233: "The device 'xvdb' is used in more than one block-device mapping" (RunInstances). */
  deviceUsedTwice: (key: string) =>
    new Ec2Error('InvalidBlockDeviceMapping', `The device '${key}' is used in more than one block-device mapping`),
  /** [INF] NoDevice on the AMI's root device: an instance cannot launch without its root volume. */
  rootDeviceSuppressed: (name: string) =>
    new Ec2Error(
      'InvalidBlockDeviceMapping',
      `The root device ${name} cannot be removed from the block device mapping.`
    ),
  /** [OBS] nortontruter/infracoders-workshop PR #3: "Either snapshot ID or volume size must be provided for: /dev/sda1". */
  volumeSizeOrSnapshot: (deviceName: string) =>
    new Ec2Error('InvalidBlockDeviceMapping', `Either snapshot ID or volume size must be provided for: ${deviceName}`),
  /** [OBS] terraform-provider-aws PR #4321: "The snapshot ID '' is not valid. The expected format is snap-xxxxxxxx or snap-xxxxxxxxxxxxxxxxx." */
  snapshotIdMalformed: (value: string) =>
    new Ec2Error(
      'InvalidSnapshotID.Malformed',
      `The snapshot ID '${value}' is not valid. The expected format is snap-xxxxxxxx or snap-xxxxxxxxxxxxxxxxx.`
    ),
  /** [INF] in the family of [OBS] "Volume of size 32GB is smaller than snapshot 'snap-…', expect size >= 64GB"
   * (InvalidBlockDeviceMapping from RunInstances, AviatrixSystems/terraform-modules PR #105); ranges [DOC]. */
  volumeTooSmall: (size: number, type: string, min: number) =>
    new Ec2Error(
      'InvalidBlockDeviceMapping',
      `Volume of size ${size}GB is smaller than the minimum for volume type ${type}, expect size >= ${min}GB`
    ),
  /** [INF] as volumeTooSmall. */
  volumeTooLarge: (size: number, type: string, max: number) =>
    new Ec2Error(
      'InvalidBlockDeviceMapping',
      `Volume of size ${size}GB is larger than the maximum for volume type ${type}, expect size <= ${max}GB`
    ),
  /** [OBS] test-kitchen/kitchen-ec2 #157 (io1, RunInstances), velero-plugin-for-aws PR #119 (io2). */
  iopsRequired: (type: string) =>
    new Ec2Error('InvalidParameterCombination', `The parameter iops must be specified for ${type} volumes.`),
  /** [OBS] libopenstorage/openstorage #121 (gp2), hashicorp/packer PR #2201 (standard). */
  iopsNotSupported: (type: string) =>
    new Ec2Error('InvalidParameterCombination', `The parameter iops is not supported for ${type} volumes.`),
  /** [INF] in the form of [OBS] iopsRatioTooHigh; ranges [DOC] (EbsBlockDevice Iops doc string). */
  iopsTooLow: (iops: number, min: number) =>
    new Ec2Error('InvalidParameterValue', `Volume iops of ${iops} is too low; minimum is ${min}.`),
  /** [INF] as iopsTooLow. */
  iopsTooHigh: (iops: number, max: number) =>
    new Ec2Error('InvalidParameterValue', `Volume iops of ${iops} is too high; maximum is ${max}.`),
  /** [OBS] rocicorp/mono PR #4410: "Iops to volume size ratio of 750.000000 is too high; maximum is 500". */
  iopsRatioTooHigh: (ratio: number, max: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Iops to volume size ratio of ${ratio.toFixed(6)} is too high; maximum is ${max}`
    ),
  /** [OBS] runs-on/runs-on #426: "InvalidParameterCombination: throughput can only be specified for volumeType gp3." */
  throughputNotSupported: () =>
    new Ec2Error('InvalidParameterCombination', 'throughput can only be specified for volumeType gp3.'),
  /** [INF] in the form of the iops texts; range [DOC] (EbsBlockDevice Throughput doc string). */
  throughputTooLow: (throughput: number, min: number) =>
    new Ec2Error('InvalidParameterValue', `Volume throughput of ${throughput} is too low; minimum is ${min}.`),
  /** [INF] as throughputTooLow. */
  throughputTooHigh: (throughput: number, max: number) =>
    new Ec2Error('InvalidParameterValue', `Volume throughput of ${throughput} is too high; maximum is ${max}.`),
  /** Text [OBS] runs-on/runs-on #260: "Throughput (MiBps) to iops ratio of 0.333333 is too high; maximum is 0.250000
   * MiBps per iops"; code [INF]. */
  throughputRatioTooHigh: (ratio: number, max: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Throughput (MiBps) to iops ratio of ${ratio.toFixed(6)} is too high; maximum is ${max.toFixed(6)} MiBps per iops`
    ),
  /** [OBS] keithvassallomt/parsec-aws-automation #12 (RunInstances), kubernetes PR #31334. */
  kmsKeyWithoutEncryption: () =>
    new Ec2Error('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.'),
  /** [INF] text for the rule of the VolumeInitializationRate doc string ("supported only for volumes created from snapshots"). */
  initializationRateWithoutSnapshot: () =>
    new Ec2Error(
      'InvalidParameterCombination',
      'The parameter VolumeInitializationRate can only be specified for volumes created from snapshots.'
    ),
  /** [INF] text; range [DOC] "Valid range: 100 - 300 MiB/s". */
  initializationRateOutOfRange: (rate: number, min: number, max: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${rate}) for parameter VolumeInitializationRate is invalid. It must be between ${min} and ${max}.`
    ),

  // --- CPU options (RunInstances CpuOptions) ----------------------------------------------------------------------
  /** [OBS] terraform-provider-aws #46821 (ModifyInstanceCpuOptions); the same rule at launch [DOC] "Rules for specifying CPU options". */
  cpuOptionsIncomplete: () =>
    new Ec2Error('MissingParameter', 'When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore.'),
  /** Rule [DOC] ("You can't specify CPU options for bare metal instances"; T2: awsdocs/amazon-ec2-user-guide PR #228); code and text [INF]. */
  cpuOptionsUnsupported: (instanceType: string) =>
    new Ec2Error('InvalidParameterCombination', `CPU options are not supported for instance type ${instanceType}.`),
  /** Rule [DOC] (a valid core count of the type); text [INF] in EC2's "Value (x) for parameter y is invalid." family. */
  invalidCoreCount: (cores: number, instanceType: string, max: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${cores}) for parameter coreCount is invalid. Valid core counts for ${instanceType} are 1 to ${max}.`
    ),
  /** [INF] as invalidCoreCount. */
  invalidThreadsPerCore: (threads: number, instanceType: string, valid: readonly number[]) =>
    new Ec2Error(
      'InvalidParameterValue',
      `Value (${threads}) for parameter threadsPerCore is invalid. Valid threads per core for ${instanceType} are: ${valid.join(', ')}.`
    ),
  /** Rule [DOC] (CpuOptionsRequest AmdSevSnp doc string: M6a, R6a and C6a only); code and text [INF]. */
  amdSevSnpUnsupported: (instanceType: string) =>
    new Ec2Error('InvalidParameterCombination', `AMD SEV-SNP is not supported for instance type ${instanceType}.`),
  /** Rule [DOC] (CpuOptionsRequest NestedVirtualization doc string: C8i, M8i, R8i and their flex variants); text [INF]. */
  nestedVirtualizationUnsupported: (instanceType: string) =>
    new Ec2Error(
      'InvalidParameterCombination',
      `Nested virtualization is not supported for instance type ${instanceType}.`
    ),

  // --- launch templates (RunInstances LaunchTemplate; ec2lite keeps none) -------------------------------------------
  /** [OBS] aws/karpenter-provider-aws PR #5665: "The specified launch template, with template ID lt-019c5be5798f24ca7, does not exist." */
  launchTemplateIdNotFound: (id: string) =>
    new Ec2Error(
      'InvalidLaunchTemplateId.NotFound',
      `The specified launch template, with template ID ${id}, does not exist.`
    ),
  /** [OBS] getmoto/moto PR #5477 quoting the AWS CLI: "The specified launch template, with template name timski, does not exist." */
  launchTemplateNameNotFound: (name: string) =>
    new Ec2Error(
      'InvalidLaunchTemplateName.NotFoundException',
      `The specified launch template, with template name ${name}, does not exist.`
    ),
  /** Code [DOC] (errors overview); text [INF] in the launch template family. */
  launchTemplateIdMalformed: (id: string) =>
    new Ec2Error('InvalidLaunchTemplateId.Malformed', `The specified ID for the launch template, ${id}, is malformed.`),
  /** [OBS] github-aws-runners/terraform-aws-github-runner #932 (a launch by template name). */
  launchTemplateNameMalformed: () =>
    new Ec2Error(
      'InvalidLaunchTemplateName.Malformed',
      'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'
    ),
  /** Rule [DOC] (LaunchTemplateSpecification: "either the launch template ID or the launch template name, but not both"); text [INF]. */
  launchTemplateIdAndName: () =>
    new Ec2Error(
      'InvalidParameterCombination',
      'You must specify either the launch template ID or the launch template name, but not both.'
    ),
  /** [INF] in EC2's MissingParameter form. */
  launchTemplateIdOrNameMissing: () =>
    new Ec2Error('MissingParameter', 'The request must contain the parameter launchTemplateName or launchTemplateId'),

  // --- instance metadata options ------------------------------------------------------------------------------
  /** [OBS] RunInstances "A value of '' is not valid for HttpEndpoint. Specify either 'enabled' or 'disabled' and try
   * again." (terraform-provider-aws #25547); the same form for the other two-valued metadata options [INF]. */
  metadataOptionNotValid: (value: string, parameter: string, allowed: readonly [string, string]) =>
    new Ec2Error(
      'InvalidParameterValue',
      `A value of '${value}' is not valid for ${parameter}. Specify either '${allowed[0]}' or '${allowed[1]}' and try again.`
    ),
  /** [INF] in the form above; "Possible values: Integers from 1 to 64" (API reference). */
  hopLimitNotValid: (value: number) =>
    new Ec2Error(
      'InvalidParameterValue',
      `A value of '${value}' is not valid for HttpPutResponseHopLimit. Specify a value from 1 to 64 and try again.`
    ),
  /** [INF] code; text in the family of "The terminated instance 'i-…' is not in a valid state for this operation." */
  metadataOptionsInvalidState: (id: string, state: string) =>
    new Ec2Error('IncorrectInstanceState', `The ${state} instance '${id}' is not in a valid state for this operation.`),

  // --- Elastic IPs --------------------------------------------------------------------------------------------
  /** [OBS] okd #80, opstrace #273, saltstack gist: AddressLimitExceeded past the per-region quota (default 5). */
  addressLimitExceeded: () => new Ec2Error('AddressLimitExceeded', 'The maximum number of addresses has been reached.'),
  /** [DOC] errors-overview lists it among server errors; status 500 [INF]. The configured public pool is full. */
  insufficientAddressCapacity: () =>
    new Ec2Error('InsufficientAddressCapacity', 'Not enough available addresses to satisfy your minimum request.', 500),
  /** [OBS] terraform #1815: "The allocation ID 'eipalloc-9b0b7cfe' does not exist". Malformed ids answer the same:
   * the API reference documents no Malformed code for allocation ids. */
  allocationNotFound: (id: string) =>
    new Ec2Error('InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`),
  /** [OBS] terraform-provider-aws PR #3653, terraform PR #2543: "The association ID 'eipassoc-c4186cf0' does not exist". */
  associationNotFound: (id: string) =>
    new Ec2Error('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`),
  /** [DOC] code (DescribeAddresses PublicIp.N; ReleaseAddress with a wrong network border group); text [INF]. */
  addressNotFound: (address: string) => new Ec2Error('InvalidAddress.NotFound', `Address '${address}' not found.`),
  /** [DOC] code (ReleaseAddress NetworkBorderGroup doc string); text [INF] in the family of InvalidAddress.PtrSet's
   * "The address with allocation id [eipalloc-…] cannot be released because …" (cloud-custodian PR #8924). */
  addressNotInBorderGroup: (allocationId: string, group: string) =>
    new Ec2Error(
      'InvalidAddress.NotFound',
      `The address with allocation id [${allocationId}] does not exist in network border group ${group}.`
    ),
  /** [OBS] nixops #606: "Invalid value 'None' for PublicIp. Not a valid IPv4 address."; same form for Address [INF]. */
  notAnIpv4Address: (value: string, parameter: string) =>
    new Ec2Error('InvalidParameterValue', `Invalid value '${value}' for ${parameter}. Not a valid IPv4 address.`),
  /** [INF] a public IPv4 pool other than Amazon's; code as the errors overview names it. */
  publicIpv4PoolNotFound: (pool: string) =>
    new Ec2Error('InvalidPublicIpv4PoolID.NotFound', `The publicIpv4Pool ID '${pool}' does not exist`),
  /** [OBS] ansible #27385, ansible-modules-core #2950: the Elastic IP is associated elsewhere and AllowReassociation is false. */
  elasticIpAlreadyAssociated: (allocationId: string, associationId: string) =>
    new Ec2Error(
      'Resource.AlreadyAssociated',
      `resource ${allocationId} is already associated with associate-id ${associationId}`
    ),
  /** [OBS] quickstart-linux-bastion #21: the target private address already has another Elastic IP. */
  privateAddressAlreadyAssociated: (networkInterfaceId: string, privateIp: string, publicIp: string) =>
    new Ec2Error(
      'Resource.AlreadyAssociated',
      `resource ${networkInterfaceId} and ${privateIp} is already associated with public address ${publicIp}`
    ),
  /** [OBS] scylla-cluster-tests PR #2299, genevieve/leftovers #16: ReleaseAddress of an associated address. */
  elasticIpInUse: (publicIp: string) => new Ec2Error('InvalidIPAddress.InUse', `Address ${publicIp} is in use.`),
  /** [OBS] lithiumtech/ha-nat PR #2, cloudfoundry bosh-aws-cpi #52: AssociateAddress by PublicIp for a VPC address. */
  allocationIdRequiredToAssociate: () =>
    new Ec2Error(
      'InvalidParameterCombination',
      'You must specify an allocation id when mapping an address to a VPC instance'
    ),
  /** [OBS] vagrant-aws #540: DisassociateAddress by PublicIp for a VPC address. */
  associationIdRequiredToDisassociate: () =>
    new Ec2Error(
      'InvalidParameterValue',
      'You must specify an association id when unmapping an address from a VPC instance'
    ),
  /** [OBS] boto #2727, nixops #852: ReleaseAddress by PublicIp for a VPC address. */
  allocationIdRequiredToRelease: () =>
    new Ec2Error('InvalidParameterValue', 'You must specify an allocation id when releasing a VPC elastic IP address'),
  /** [OBS] fog PR #879: ReleaseAddress with both; the same words for DisassociateAddress [INF]. */
  publicIpWithId: (idName: 'allocation id' | 'association id') =>
    new Ec2Error(
      'InvalidParameterCombination',
      `You may specify public IP or ${idName}, but not both in the same call`
    ),
  /** [OBS] bobtfish/AWSnycast #28, terraform-provider-aws #7107: AssociateAddress by InstanceId on a multi-interface instance. */
  multipleInterfacesAttached: (instanceId: string) =>
    new Ec2Error(
      'InvalidInstanceID',
      `There are multiple interfaces attached to instance '${instanceId}'. Please specify an interface ID for the operation instead.`
    ),
  /** [OBS] cloudposse terraform-aws-ec2-instance #95 ("The terminated instance 'i-…' is not in a valid state for this
   * operation."), terraform-provider-aws #21228 (pending). */
  instanceStateInvalidForAddress: (instanceId: string, state: string) =>
    new Ec2Error(
      'InvalidInstanceID',
      `The ${state} instance '${instanceId}' is not in a valid state for this operation.`
    ),
  /** [OBS] terraform-provider-aws #6189: "The pending-volume-availability instance to which 'eni-…' is attached is not
   * in a valid state for this operation". */
  attachedInstanceStateInvalidForAddress: (state: string, networkInterfaceId: string) =>
    new Ec2Error(
      'IncorrectInstanceState',
      `The ${state} instance to which '${networkInterfaceId}' is attached is not in a valid state for this operation`
    ),
  /** [INF] PrivateIpAddress that the interface does not hold. */
  privateAddressNotOnInterface: (privateIp: string, networkInterfaceId: string) =>
    new Ec2Error(
      'InvalidParameterValue',
      `The private IP address ${privateIp} is not assigned to network interface ${networkInterfaceId}.`
    ),
  /** [DOC] "You can specify either the instance ID or the network interface ID, but not both." Code and text [INF]. */
  instanceAndInterface: () =>
    new Ec2Error(
      'InvalidParameterCombination',
      'You can specify either an instance ID or a network interface ID, but not both.'
    )
} as const;
