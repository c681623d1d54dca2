-- 0002-teams.sql: departments, agents' memberships and supervision,
-- contacts, and the audit log. A tenant is one admin's company; every row
-- below carries its tenant_id, and every query is scoped by it.

CREATE TABLE departments (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id    BIGINT UNSIGNED NOT NULL,
  name         VARCHAR(80) NOT NULL,
  description  VARCHAR(1000) NOT NULL DEFAULT '',
  active       TINYINT(1) NOT NULL DEFAULT 1,
  created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY departments_name (tenant_id, name),
  KEY departments_created (tenant_id, created_at, id),
  CONSTRAINT departments_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An agent belongs to one or more departments; supervisor = 1 marks the
-- agent as a supervisor of that department (users.role follows: an agent
-- who supervises any department has role 'supervisor').
CREATE TABLE department_agents (
  tenant_id      BIGINT UNSIGNED NOT NULL,
  department_id  BIGINT UNSIGNED NOT NULL,
  user_id        BIGINT UNSIGNED NOT NULL,
  supervisor     TINYINT(1) NOT NULL DEFAULT 0,
  created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (user_id, department_id),
  KEY department_agents_dept (department_id, user_id),
  KEY department_agents_tenant (tenant_id),
  CONSTRAINT department_agents_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT department_agents_dept FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE CASCADE,
  CONSTRAINT department_agents_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The people who chat with a tenant. The chat engine and SMS create them
-- too; an agent sees the contacts associated with it.
CREATE TABLE contacts (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id          BIGINT UNSIGNED NOT NULL,
  name               VARCHAR(160) NOT NULL,
  email              VARCHAR(254) NOT NULL DEFAULT '',
  phone              VARCHAR(32) NOT NULL DEFAULT '',
  phone_e164         VARCHAR(16) NOT NULL DEFAULT '',
  website            VARCHAR(2048) NOT NULL DEFAULT '',
  last_connected_at  DATETIME NULL,
  created_by         BIGINT UNSIGNED NULL,
  created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY contacts_name (tenant_id, name, id),
  KEY contacts_email (tenant_id, email),
  KEY contacts_phone (tenant_id, phone_e164),
  CONSTRAINT contacts_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT contacts_creator FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contact_agents (
  tenant_id   BIGINT UNSIGNED NOT NULL,
  contact_id  BIGINT UNSIGNED NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (user_id, contact_id),
  KEY contact_agents_contact (contact_id),
  CONSTRAINT contact_agents_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT contact_agents_contact FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE,
  CONSTRAINT contact_agents_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every create, update, block, unblock and emulation start/stop: who really
-- acted (actor_id), as whom when emulating (acting_as_id), in which tenant
-- (NULL for the platform), on what.
CREATE TABLE audit_log (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id     BIGINT UNSIGNED NULL,
  actor_id      BIGINT UNSIGNED NOT NULL,
  acting_as_id  BIGINT UNSIGNED NULL,
  action        VARCHAR(40) CHARACTER SET ascii NOT NULL,
  target_type   VARCHAR(40) CHARACTER SET ascii NOT NULL,
  target_id     BIGINT UNSIGNED NULL,
  summary       VARCHAR(500) NOT NULL DEFAULT '',
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY audit_tenant (tenant_id, id),
  KEY audit_target (target_type, target_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Lists sort by name and e-mail within a tenant, and the super admin's
-- admin list by company.
ALTER TABLE users
  ADD KEY users_tenant_last (tenant_id, last_name, first_name, id),
  ADD KEY users_role_created (role, created_at, id);
