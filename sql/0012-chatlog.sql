-- 0012-chatlog.sql: the message log (lib/domain/chatlog.c): five tabs of
-- conversations (New, Rejected, Transferred, Accepted, Resolved), each a
-- range of one index in created or name order, so a page costs an index
-- range of at most PL_LIST_MAX_OFFSET + a page even at 1,000,000 rows.
--
-- New and Resolved are a status ('new', 'resolved'); Rejected, Transferred
-- and Accepted are facts that stay true once they are (rejected at least
-- once, transferred at least once, accepted at least once), kept as virtual
-- flags so that an index can hold them as an equality prefix.
--
-- An admin's tab: (tenant_id, flag, created_at | visitor_name, id). The
-- super admin's tabs across every tenant: (flag, created_at, id), created
-- order only (a name order across all tenants would sort the whole tab).
-- Searches: within a tenant, a name prefix is a range of the tab's name
-- index; an e-mail or E.164 phone prefix, and across every tenant a name
-- too, a range of visitor_email, visitor_phone_e164 or visitor_name (the
-- few rows found are then checked and sorted).
-- An agent's tabs start from its own rows (offers_user, chat_steps_by and,
-- for chats reassigned to it, chat_steps_to below) and sort those few.

ALTER TABLE conversations
  ADD COLUMN log_rejected    TINYINT(1) AS (reject_count > 0) VIRTUAL,
  ADD COLUMN log_transferred TINYINT(1) AS (transfer_count > 0) VIRTUAL,
  ADD COLUMN log_accepted    TINYINT(1) AS (accepted_at IS NOT NULL) VIRTUAL,
  ADD KEY conversations_log_status_name (tenant_id, status, visitor_name, id),
  ADD KEY conversations_log_rej (tenant_id, log_rejected, created_at, id),
  ADD KEY conversations_log_rej_name (tenant_id, log_rejected, visitor_name, id),
  ADD KEY conversations_log_tra (tenant_id, log_transferred, created_at, id),
  ADD KEY conversations_log_tra_name (tenant_id, log_transferred, visitor_name, id),
  ADD KEY conversations_log_acc (tenant_id, log_accepted, created_at, id),
  ADD KEY conversations_log_acc_name (tenant_id, log_accepted, visitor_name, id),
  ADD KEY conversations_log_email (visitor_email),
  ADD KEY conversations_log_phone (visitor_phone_e164),
  ADD KEY conversations_log_name (visitor_name),
  ADD KEY conversations_all_status (status, created_at, id),
  ADD KEY conversations_all_rej (log_rejected, created_at, id),
  ADD KEY conversations_all_tra (log_transferred, created_at, id),
  ADD KEY conversations_all_acc (log_accepted, created_at, id);

-- An agent's Accepted tab reads the chats reassigned to it.
ALTER TABLE chat_steps
  ADD KEY chat_steps_to (to_user_id, kind, conversation_id);
