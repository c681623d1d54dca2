-- 0008-twilio.sql: the platform's Twilio account, a sub-account per business,
-- and the outbox carrying Twilio calls.
--
-- Credentials are stored sealed (AES-256-GCM, lib/core/crypto.c pl_seal) with
-- a key from configuration (PARLEY_DATA_KEY_FILE), never from the database;
-- each ciphertext is bound to its row, so one copied elsewhere does not open.

-- The one platform account (id is always 1).
CREATE TABLE twilio_platform (
  id             TINYINT UNSIGNED NOT NULL,
  account_sid    CHAR(34) CHARACTER SET ascii NOT NULL,
  token_sealed   VARCHAR(255) CHARACTER SET ascii NOT NULL,
  friendly_name  VARCHAR(255) NOT NULL DEFAULT '',
  validated_at   DATETIME NOT NULL,
  created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY twilio_platform_sid (account_sid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A business's sub-account. status is what Twilio has (as far as we know);
-- want is what the business's state asks for (active, or suspended while
-- blocked); the worker brings the one to the other through the outbox.
CREATE TABLE twilio_subaccounts (
  tenant_id      BIGINT UNSIGNED NOT NULL,
  friendly_name  VARCHAR(64) NOT NULL,
  account_sid    CHAR(34) CHARACTER SET ascii NULL,
  token_sealed   VARCHAR(255) CHARACTER SET ascii NULL,
  status         ENUM('pending','active','suspended','failed') NOT NULL DEFAULT 'pending',
  want           ENUM('active','suspended') NOT NULL DEFAULT 'active',
  intent         INT UNSIGNED NOT NULL DEFAULT 0,
  created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (tenant_id),
  UNIQUE KEY twilio_subaccounts_sid (account_sid),
  KEY twilio_subaccounts_status (status, tenant_id),
  CONSTRAINT twilio_subaccounts_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox carries Twilio calls; a claim names the process that holds it,
-- so a worker killed mid-call is taken back at the next worker's start.
ALTER TABLE outbox
  MODIFY kind ENUM('email','sms','webhook','twilio') NOT NULL,
  ADD COLUMN locked_by VARCHAR(80) CHARACTER SET ascii NULL AFTER locked_until,
  ADD KEY outbox_kind_due (kind, status, next_attempt_at);

-- The worker acts for nobody in particular: its audit entries have no actor
-- user ("Parley" on the page).
ALTER TABLE audit_log MODIFY actor_id BIGINT UNSIGNED NULL;
