-- 0001-foundation.sql: tenants, users, sessions, tokens, throttling, the
-- outbox and the event streams. utf8mb4 everywhere, InnoDB, times in UTC.

CREATE TABLE tenants (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  company     VARCHAR(120) NOT NULL DEFAULT '',
  blocked     TINYINT(1) NOT NULL DEFAULT 0,
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY tenants_company (company, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A user is staff: the super admin (no tenant), an admin (owns its tenant),
-- a supervisor or an agent (of a tenant).
CREATE TABLE users (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id        BIGINT UNSIGNED NULL,
  role             ENUM('super_admin','admin','supervisor','agent') NOT NULL,
  email            VARCHAR(254) NOT NULL,
  first_name       VARCHAR(320) NOT NULL,
  last_name        VARCHAR(320) NOT NULL,
  phone            VARCHAR(32) NOT NULL DEFAULT '',
  phone_e164       VARCHAR(16) NOT NULL DEFAULT '',
  password_hash    VARCHAR(128) NULL,
  password_version INT UNSIGNED NOT NULL DEFAULT 0,
  blocked          TINYINT(1) NOT NULL DEFAULT 0,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY users_email (email),
  KEY users_tenant_role (tenant_id, role, id),
  CONSTRAINT users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT users_super_has_no_tenant CHECK ((role = 'super_admin') = (tenant_id IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Browser sessions. Only the SHA-256 of the token is stored. real_user_id is
-- set while someone acts as another user (emulation): user_id is whose
-- rights apply, real_user_id who really acts.
CREATE TABLE sessions (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash    CHAR(64) CHARACTER SET ascii NOT NULL,
  user_id       BIGINT UNSIGNED NOT NULL,
  real_user_id  BIGINT UNSIGNED NULL,
  parent_id     BIGINT UNSIGNED NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_seen_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at    DATETIME NOT NULL,
  client_addr   VARCHAR(45) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY sessions_token (token_hash),
  KEY sessions_user (user_id),
  KEY sessions_expires (expires_at),
  CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT sessions_real_user FOREIGN KEY (real_user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Single-use links: password reset (one hour) and set-password invitations.
CREATE TABLE user_tokens (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash  CHAR(64) CHARACTER SET ascii NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  purpose     ENUM('reset','invite') NOT NULL,
  expires_at  DATETIME NOT NULL,
  used_at     DATETIME NULL,
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY user_tokens_hash (token_hash),
  KEY user_tokens_user (user_id, purpose),
  CONSTRAINT user_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed sign-ins, for throttling per account and per client address. The
-- key is a SHA-256 (of the normalized e-mail, or of the address).
CREATE TABLE auth_failures (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind        ENUM('account','addr') NOT NULL,
  key_hash    CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY auth_failures_key (kind, key_hash, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Side effects (e-mail now; SMS and webhooks later), written in the same
-- transaction as the change that causes them and sent by the worker.
CREATE TABLE outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind            ENUM('email','sms','webhook') NOT NULL,
  idem_key        VARCHAR(120) CHARACTER SET ascii NOT NULL,
  recipient       VARCHAR(254) NOT NULL,
  payload         MEDIUMTEXT NOT NULL,
  status          ENUM('pending','sending','sent','failed') NOT NULL DEFAULT 'pending',
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  locked_until    DATETIME NULL,
  last_error      VARCHAR(255) NOT NULL DEFAULT '',
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  sent_at         DATETIME NULL,
  PRIMARY KEY (id),
  UNIQUE KEY outbox_idem (idem_key),
  KEY outbox_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Event streams: a stream's seq is bumped under its row lock in the same
-- transaction that inserts the event, so events of one stream commit in seq
-- order and a cursor "after N" never skips one that commits later.
CREATE TABLE event_streams (
  skey        VARCHAR(64) CHARACTER SET ascii NOT NULL,
  seq         BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (skey)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE events (
  skey        VARCHAR(64) CHARACTER SET ascii NOT NULL,
  seq         BIGINT UNSIGNED NOT NULL,
  name        VARCHAR(64) CHARACTER SET ascii NOT NULL,
  data        MEDIUMTEXT NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (skey, seq),
  KEY events_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
