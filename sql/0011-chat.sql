-- 0011-chat.sql: the chat engine (lib/domain/chat.c): offers to agents in
-- rounds, the conversation's timeline of transitions, notes, read receipts,
-- unread counts and agents' presence.
--
-- A conversation 'new' is offered, round by round, to agents: one row per
-- agent and round in offers. Accept turns one open offer 'taken' and the
-- round's others 'lost' (first accept wins: the conversation row is locked
-- and must still be 'new'). Reject turns the agent's offer 'rejected'; when
-- no open offer is left in the round, the next round offers it again to
-- every agent of its departments. A transfer ends the chat's holder and
-- opens a round for the target (an agent: without Reject; a department:
-- its agents, with Reject).

ALTER TABLE conversations
  -- May the current round's agents reject? 0 after a transfer to an agent.
  ADD COLUMN offer_reject     TINYINT(1) NOT NULL DEFAULT 1,
  -- When the current round was offered: a round nobody answers in time is
  -- offered again (the worker's timer).
  ADD COLUMN offered_at       DATETIME(3) NULL,
  -- The last transfer: who made it and to whom (an agent or a department).
  ADD COLUMN transferred_by   BIGINT UNSIGNED NULL,
  ADD COLUMN transfer_agent_id BIGINT UNSIGNED NULL,
  ADD COLUMN transfer_department_id BIGINT UNSIGNED NULL,
  -- 'agent': re-initiated by an agent from a contact (born accepted).
  ADD COLUMN started_by       ENUM('visitor','agent') NOT NULL DEFAULT 'visitor',
  -- Read receipts: the last message each side has seen.
  ADD COLUMN agent_read_id    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN visitor_read_id  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  -- The visitor's messages the holder has not read (the console's badge).
  ADD COLUMN unread           INT UNSIGNED NOT NULL DEFAULT 0,
  ADD KEY conversations_offered (status, offered_at),
  ADD KEY conversations_agent_status (agent_id, status, id),
  ADD CONSTRAINT conversations_transferred_by FOREIGN KEY (transferred_by) REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT conversations_transfer_agent FOREIGN KEY (transfer_agent_id) REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT conversations_transfer_dept FOREIGN KEY (transfer_department_id) REFERENCES departments (id) ON DELETE SET NULL;

-- Notes: staff-only messages in a conversation, never shown to the visitor.
ALTER TABLE messages
  ADD COLUMN internal TINYINT(1) NOT NULL DEFAULT 0;

CREATE TABLE offers (
  conversation_id  BIGINT UNSIGNED NOT NULL,
  round            INT UNSIGNED NOT NULL,
  user_id          BIGINT UNSIGNED NOT NULL,
  tenant_id        BIGINT UNSIGNED NOT NULL,
  state            ENUM('open','rejected','taken','lost','withdrawn') NOT NULL DEFAULT 'open',
  can_reject       TINYINT(1) NOT NULL DEFAULT 1,
  created_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  decided_at       DATETIME(3) NULL,
  PRIMARY KEY (conversation_id, round, user_id),
  -- An agent's New list (open) and Rejected list.
  KEY offers_user (user_id, state, conversation_id),
  CONSTRAINT offers_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
  CONSTRAINT offers_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT offers_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A conversation's timeline: every transition, who made it and to whom.
-- The chat shows it between the messages ("Ann transferred this to
-- Billing"); an agent's Transferred list reads its own transfers here.
CREATE TABLE chat_steps (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id         BIGINT UNSIGNED NOT NULL,
  conversation_id   BIGINT UNSIGNED NOT NULL,
  kind              ENUM('offered','accepted','rejected','reoffered','transferred',
                         'resolved','reassigned','closed','reinitiated') NOT NULL,
  round             INT UNSIGNED NOT NULL DEFAULT 1,
  by_user_id        BIGINT UNSIGNED NULL, -- NULL: the visitor or Parley
  to_user_id        BIGINT UNSIGNED NULL,
  to_department_id  BIGINT UNSIGNED NULL,
  why               VARCHAR(40) CHARACTER SET ascii NOT NULL DEFAULT '',
  created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY chat_steps_conversation (conversation_id, id),
  KEY chat_steps_by (by_user_id, kind, conversation_id),
  CONSTRAINT chat_steps_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT chat_steps_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
  CONSTRAINT chat_steps_by FOREIGN KEY (by_user_id) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT chat_steps_to_user FOREIGN KEY (to_user_id) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT chat_steps_to_dept FOREIGN KEY (to_department_id) REFERENCES departments (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Agents' presence: the console's poll keeps seen_at fresh (at most one
-- write a minute); the worker marks an agent whose console went quiet
-- offline, which is when the SMS alert path takes over.
CREATE TABLE presence (
  user_id    BIGINT UNSIGNED NOT NULL,
  tenant_id  BIGINT UNSIGNED NOT NULL,
  online     TINYINT(1) NOT NULL DEFAULT 1,
  seen_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (user_id),
  KEY presence_online (online, seen_at),
  CONSTRAINT presence_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT presence_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
