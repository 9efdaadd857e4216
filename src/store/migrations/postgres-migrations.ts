/**
 * Versioned schema changes for the PostgreSQL store, applied in order and recorded in schema_migrations, under an
 * advisory lock so that several nodes starting at once apply each step exactly once. The same tables as the SQLite
 * store (sqlite-migrations.ts), with addresses as bigint. Never edit a released step: add a new one.
 */
export const postgresMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE vpcs (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        cidr_base bigint NOT NULL,
        prefix_length integer NOT NULL,
        cidr_association_id text NOT NULL,
        is_default boolean NOT NULL,
        instance_tenancy text NOT NULL,
        dhcp_options_id text NOT NULL,
        owner_id text NOT NULL,
        default_security_group_id text NOT NULL
      );
      -- version changes (to a value never used before) with every change to the subnet's occupied addresses:
      -- a node's cached occupancy is good only while its version matches.
      CREATE SEQUENCE subnet_versions;
      CREATE TABLE subnets (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        vpc_id text NOT NULL REFERENCES vpcs (id),
        cidr_base bigint NOT NULL,
        prefix_length integer NOT NULL,
        availability_zone text NOT NULL,
        availability_zone_id text NOT NULL,
        default_for_az boolean NOT NULL,
        map_public_ip_on_launch boolean NOT NULL,
        owner_id text NOT NULL,
        version bigint NOT NULL DEFAULT nextval('subnet_versions')
      );
      CREATE INDEX subnets_vpc ON subnets (vpc_id);
      CREATE TABLE network_interfaces (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        subnet_id text NOT NULL REFERENCES subnets (id),
        vpc_id text NOT NULL,
        availability_zone text NOT NULL,
        description text NOT NULL,
        mac_address text NOT NULL UNIQUE,
        owner_id text NOT NULL,
        interface_type text NOT NULL,
        source_dest_check boolean NOT NULL,
        requester_managed boolean NOT NULL,
        groups_json json NOT NULL,
        attachment_id text,
        -- No foreign key: RunInstances inserts an instance's interfaces before the instance row itself.
        instance_id text,
        device_index integer,
        network_card_index integer,
        attach_time timestamptz,
        delete_on_termination boolean
      );
      CREATE INDEX network_interfaces_subnet ON network_interfaces (subnet_id);
      -- One interface per device index and network card of an instance: the database's last word.
      CREATE UNIQUE INDEX network_interfaces_device ON network_interfaces (instance_id, network_card_index, device_index)
        WHERE instance_id IS NOT NULL;
      CREATE UNIQUE INDEX network_interfaces_attachment ON network_interfaces (attachment_id) WHERE attachment_id IS NOT NULL;
      -- One row per occupied address, whatever holds it: the database has the last word on uniqueness.
      CREATE TABLE private_ip_addresses (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subnet_id text NOT NULL REFERENCES subnets (id),
        address bigint NOT NULL,
        network_interface_id text NOT NULL REFERENCES network_interfaces (id),
        kind text NOT NULL CHECK (kind IN ('primary', 'secondary', 'prefix')),
        prefix_base bigint,
        UNIQUE (subnet_id, address)
      );
      CREATE INDEX private_ip_addresses_eni ON private_ip_addresses (network_interface_id);
      CREATE TABLE tags (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        resource_id text NOT NULL,
        resource_type text NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (resource_id, key)
      );
      CREATE INDEX tags_type ON tags (resource_type);
      CREATE TABLE client_tokens (
        action text NOT NULL,
        token text NOT NULL,
        request_hash text NOT NULL,
        resource_id text NOT NULL,
        PRIMARY KEY (action, token)
      );
      CREATE TABLE instances (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        reservation_id text NOT NULL,
        image_id text NOT NULL,
        instance_type text NOT NULL,
        subnet_id text NOT NULL REFERENCES subnets (id),
        vpc_id text NOT NULL,
        availability_zone text NOT NULL,
        owner_id text NOT NULL,
        state text NOT NULL,
        state_transition_reason text NOT NULL,
        launch_time timestamptz NOT NULL,
        ami_launch_index integer NOT NULL,
        client_token text,
        groups_json json NOT NULL,
        http_tokens text NOT NULL,
        http_endpoint text NOT NULL,
        http_put_response_hop_limit integer NOT NULL
      );
      CREATE INDEX instances_subnet ON instances (subnet_id);
      CREATE TABLE elastic_ips (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        allocation_id text PRIMARY KEY,
        public_ip bigint NOT NULL UNIQUE,
        owner_id text NOT NULL,
        association_id text UNIQUE,
        network_interface_id text REFERENCES network_interfaces (id),
        private_ip_address bigint,
        -- One Elastic IP per private address (Elastic IP addresses, "one-to-one").
        UNIQUE (network_interface_id, private_ip_address)
      );
      CREATE INDEX elastic_ips_eni ON elastic_ips (network_interface_id);
      CREATE TABLE subnet_cidr_reservations (
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        id text PRIMARY KEY,
        subnet_id text NOT NULL REFERENCES subnets (id),
        cidr_base bigint NOT NULL,
        prefix_length integer NOT NULL,
        reservation_type text NOT NULL CHECK (reservation_type IN ('prefix', 'explicit')),
        description text NOT NULL,
        owner_id text NOT NULL
      );
      CREATE INDEX subnet_cidr_reservations_subnet ON subnet_cidr_reservations (subnet_id);
    `
  },
  {
    version: 2,
    name: 'instance-metadata-journal',
    sql: `
      -- What each instance's metadata service shows from effective_at (ms since the epoch) on: the IMDS lags EC2.
      CREATE TABLE instance_metadata_journal (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id text NOT NULL,
        effective_at bigint NOT NULL,
        snapshot text NOT NULL
      );
      CREATE INDEX instance_metadata_journal_instance ON instance_metadata_journal (instance_id, seq);
    `
  },
  {
    version: 3,
    name: 'instance-launch-options',
    sql: `
      -- The root device name, EBS volumes and CPU options of an instance, as JSON (store/instance-launch.ts); NULL on
      -- instances stored before this step, which views show with the defaults.
      ALTER TABLE instances ADD COLUMN launch_json json;
    `
  },
  {
    version: 4,
    name: 'vpc-attributes',
    sql: `
      -- DescribeVpcAttribute / ModifyVpcAttribute. VPCs stored before this step get EC2's defaults: DNS support on,
      -- DNS hostnames on for the default VPC only, Network Address Usage metrics off.
      ALTER TABLE vpcs
        ADD COLUMN enable_dns_support boolean NOT NULL DEFAULT true,
        ADD COLUMN enable_dns_hostnames boolean NOT NULL DEFAULT false,
        ADD COLUMN enable_network_address_usage_metrics boolean NOT NULL DEFAULT false;
      UPDATE vpcs SET enable_dns_hostnames = true WHERE is_default;
    `
  }
];
