-- 0010-conversations.sql: the requests visitors make through a widget
-- (conversations), their messages, and fixed-window rate-limit counters.
--
-- A conversation starts as a request (status 'new') that the widget's
-- agents are offered; the chat engine (next issue) accepts it ('ongoing',
-- agent_id), rejects it (reject_count; when every agent of the round has
-- rejected, round + 1 re-offers it), transfers it (transfer_count,
-- department_id or agent_id changed) and resolves it ('resolved'). A
-- visitor who ends an unanswered request withdraws it ('closed').
-- lib/domain/visit.c writes the visitor's side; the widget's counters
-- (widgets.message_count, waiting_count, ...) change in the same
-- transaction as the rows they count.

CREATE TABLE conversations (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id           BIGINT UNSIGNED NOT NULL,
  widget_id           BIGINT UNSIGNED NOT NULL,
  contact_id          BIGINT UNSIGNED NOT NULL,
  department_id       BIGINT UNSIGNED NULL,
  -- web: a live chat; message: left while the widget was closed; sms: a
  -- chat that continues (or started) by SMS.
  channel             ENUM('web','message','sms') NOT NULL DEFAULT 'web',
  status              ENUM('new','ongoing','resolved','closed') NOT NULL DEFAULT 'new',
  -- The offer rounds of the chat engine.
  agent_id            BIGINT UNSIGNED NULL,
  round               INT UNSIGNED NOT NULL DEFAULT 1,
  reject_count        INT UNSIGNED NOT NULL DEFAULT 0,
  transfer_count      INT UNSIGNED NOT NULL DEFAULT 0,
  -- SHA-256 (hex) of the visitor's token: 32 random bytes the visitor's
  -- browser keeps and sends in X-Parley-Visitor; compared in constant time.
  visitor_token_hash  CHAR(64) CHARACTER SET ascii NOT NULL,
  -- What the visitor typed, as it was then (the contact may change later).
  visitor_name        VARCHAR(160) NOT NULL,
  visitor_email       VARCHAR(254) NOT NULL DEFAULT '',
  visitor_phone       VARCHAR(32) NOT NULL DEFAULT '',
  visitor_phone_e164  VARCHAR(16) NOT NULL DEFAULT '',
  page_url            VARCHAR(2048) NOT NULL DEFAULT '',
  message_count       INT UNSIGNED NOT NULL DEFAULT 0,
  last_message_at     DATETIME(3) NULL,
  created_at          DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  accepted_at         DATETIME(3) NULL,
  ended_at            DATETIME(3) NULL,
  ended_by            ENUM('visitor','agent','system') NULL,
  PRIMARY KEY (id),
  -- The waiting list of a tenant (the dashboard, the agents' console).
  KEY conversations_tenant_status (tenant_id, status, created_at, id),
  KEY conversations_widget (widget_id, status, id),
  KEY conversations_contact (contact_id, created_at),
  KEY conversations_agent (agent_id, status),
  CONSTRAINT conversations_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT conversations_widget FOREIGN KEY (widget_id) REFERENCES widgets (id),
  CONSTRAINT conversations_contact FOREIGN KEY (contact_id) REFERENCES contacts (id),
  CONSTRAINT conversations_dept FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL,
  CONSTRAINT conversations_agent FOREIGN KEY (agent_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A conversation's messages. client_id is the sender's own id for a
-- message (the visitor's browser makes one per message), unique per
-- conversation, so a retried send finds the first instead of adding a
-- second. Times to the millisecond: messages of one second keep their
-- order on screen (ties broken by id).
CREATE TABLE messages (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id        BIGINT UNSIGNED NOT NULL,
  conversation_id  BIGINT UNSIGNED NOT NULL,
  sender           ENUM('visitor','agent','system') NOT NULL,
  sender_user_id   BIGINT UNSIGNED NULL,
  body             TEXT NOT NULL,
  client_id        VARCHAR(64) CHARACTER SET ascii NULL,
  created_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY messages_client (conversation_id, client_id),
  KEY messages_conversation (conversation_id, id),
  CONSTRAINT messages_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT messages_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
  CONSTRAINT messages_sender FOREIGN KEY (sender_user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Fixed-window counters for rate limits: one row per kind, key and window
-- start (key_hash: SHA-256 of what is limited, a widget or a client
-- address). One INSERT ... ON DUPLICATE KEY UPDATE counts a hit and hands
-- the count back; old windows are swept as new ones open.
CREATE TABLE rate_limits (
  kind          VARCHAR(24) CHARACTER SET ascii NOT NULL,
  key_hash      CHAR(64) CHARACTER SET ascii NOT NULL,
  window_start  BIGINT UNSIGNED NOT NULL, -- seconds since the epoch
  hits          INT UNSIGNED NOT NULL,
  PRIMARY KEY (kind, key_hash, window_start),
  KEY rate_limits_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
