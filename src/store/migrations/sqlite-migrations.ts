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
  }
];
