/**
 * Versioned schema changes for the SQLite store, applied in order and recorded in schema_migrations.
 * Never edit a released step: add a new one.
 */
export const sqliteMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE vpcs (
        id TEXT PRIMARY KEY,
        cidr_base INTEGER NOT NULL,
        prefix_length INTEGER NOT NULL,
        cidr_association_id TEXT NOT NULL,
        is_default INTEGER NOT NULL,
        instance_tenancy TEXT NOT NULL,
        dhcp_options_id TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        default_security_group_id TEXT NOT NULL
      );
      CREATE TABLE subnets (
        id TEXT PRIMARY KEY,
        vpc_id TEXT NOT NULL REFERENCES vpcs (id),
        cidr_base INTEGER NOT NULL,
        prefix_length INTEGER NOT NULL,
        availability_zone TEXT NOT NULL,
        availability_zone_id TEXT NOT NULL,
        default_for_az INTEGER NOT NULL,
        map_public_ip_on_launch INTEGER NOT NULL,
        owner_id TEXT NOT NULL
      );
      CREATE INDEX subnets_vpc ON subnets (vpc_id);
      CREATE TABLE network_interfaces (
        id TEXT PRIMARY KEY,
        subnet_id TEXT NOT NULL REFERENCES subnets (id),
        vpc_id TEXT NOT NULL,
        availability_zone TEXT NOT NULL,
        description TEXT NOT NULL,
        mac_address TEXT NOT NULL UNIQUE,
        owner_id TEXT NOT NULL,
        interface_type TEXT NOT NULL,
        source_dest_check INTEGER NOT NULL,
        requester_managed INTEGER NOT NULL,
        groups_json TEXT NOT NULL
      );
      CREATE INDEX network_interfaces_subnet ON network_interfaces (subnet_id);
      -- One row per occupied address, whatever holds it: the database has the last word on uniqueness.
      CREATE TABLE private_ip_addresses (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        subnet_id TEXT NOT NULL REFERENCES subnets (id),
        address INTEGER NOT NULL,
        network_interface_id TEXT NOT NULL REFERENCES network_interfaces (id),
        kind TEXT NOT NULL CHECK (kind IN ('primary', 'secondary', 'prefix')),
        prefix_base INTEGER,
        UNIQUE (subnet_id, address)
      );
      CREATE INDEX private_ip_addresses_eni ON private_ip_addresses (network_interface_id);
      CREATE TABLE tags (
        resource_id TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (resource_id, key)
      );
      CREATE INDEX tags_type ON tags (resource_type);
      CREATE TABLE client_tokens (
        action TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        PRIMARY KEY (action, token)
      );
    `
  },
  {
    version: 2,
    name: 'instances-attachments-elastic-ips-reservations',
    sql: `
      CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        reservation_id TEXT NOT NULL,
        image_id TEXT NOT NULL,
        instance_type TEXT NOT NULL,
        subnet_id TEXT NOT NULL REFERENCES subnets (id),
        vpc_id TEXT NOT NULL,
        availability_zone TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        state TEXT NOT NULL,
        state_transition_reason TEXT NOT NULL,
        launch_time TEXT NOT NULL,
        ami_launch_index INTEGER NOT NULL,
        client_token TEXT,
        groups_json TEXT NOT NULL,
        http_tokens TEXT NOT NULL,
        http_endpoint TEXT NOT NULL,
        http_put_response_hop_limit INTEGER NOT NULL
      );
      CREATE INDEX instances_subnet ON instances (subnet_id);
      ALTER TABLE network_interfaces ADD COLUMN attachment_id TEXT;
      -- No foreign key: RunInstances inserts an instance's interfaces before the instance row itself.
      ALTER TABLE network_interfaces ADD COLUMN instance_id TEXT;
      ALTER TABLE network_interfaces ADD COLUMN device_index INTEGER;
      ALTER TABLE network_interfaces ADD COLUMN network_card_index INTEGER;
      ALTER TABLE network_interfaces ADD COLUMN attach_time TEXT;
      ALTER TABLE network_interfaces ADD COLUMN delete_on_termination INTEGER;
      -- One interface per device index and network card of an instance: the database's last word.
      CREATE UNIQUE INDEX network_interfaces_device ON network_interfaces (instance_id, network_card_index, device_index)
        WHERE instance_id IS NOT NULL;
      CREATE UNIQUE INDEX network_interfaces_attachment ON network_interfaces (attachment_id) WHERE attachment_id IS NOT NULL;
      CREATE TABLE elastic_ips (
        allocation_id TEXT PRIMARY KEY,
        public_ip INTEGER NOT NULL UNIQUE,
        owner_id TEXT NOT NULL,
        association_id TEXT UNIQUE,
        network_interface_id TEXT REFERENCES network_interfaces (id),
        private_ip_address INTEGER,
        -- One Elastic IP per private address (Elastic IP addresses, "one-to-one").
        UNIQUE (network_interface_id, private_ip_address)
      );
      CREATE TABLE subnet_cidr_reservations (
        id TEXT PRIMARY KEY,
        subnet_id TEXT NOT NULL REFERENCES subnets (id),
        cidr_base INTEGER NOT NULL,
        prefix_length INTEGER NOT NULL,
        reservation_type TEXT NOT NULL CHECK (reservation_type IN ('prefix', 'explicit')),
        description TEXT NOT NULL,
        owner_id TEXT NOT NULL
      );
      CREATE INDEX subnet_cidr_reservations_subnet ON subnet_cidr_reservations (subnet_id);
    `
  },
  {
    version: 3,
    name: 'instance-metadata-journal',
    sql: `
      -- What each instance's metadata service shows from effective_at (ms since the epoch) on: the IMDS lags EC2.
      CREATE TABLE instance_metadata_journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        instance_id TEXT NOT NULL,
        effective_at INTEGER NOT NULL,
        snapshot TEXT NOT NULL
      );
      CREATE INDEX instance_metadata_journal_instance ON instance_metadata_journal (instance_id, seq);
    `
  },
  {
    version: 4,
    name: 'instance-launch-options',
    sql: `
      -- The root device name, EBS volumes and CPU options of an instance, as JSON (store/instance-launch.ts); NULL on
      -- instances stored before this step, which views show with the defaults.
      ALTER TABLE instances ADD COLUMN launch_json TEXT;
    `
  },
  {
    version: 5,
    name: 'vpc-attributes',
    sql: `
      -- DescribeVpcAttribute / ModifyVpcAttribute. VPCs stored before this step get EC2's defaults: DNS support on,
      -- DNS hostnames on for the default VPC only, Network Address Usage metrics off.
      ALTER TABLE vpcs ADD COLUMN enable_dns_support INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE vpcs ADD COLUMN enable_dns_hostnames INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE vpcs ADD COLUMN enable_network_address_usage_metrics INTEGER NOT NULL DEFAULT 0;
      UPDATE vpcs SET enable_dns_hostnames = 1 WHERE is_default = 1;
    `
  }
];
