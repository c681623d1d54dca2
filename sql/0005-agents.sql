-- 0005-agents.sql: what the agent lists need to stay one index range at
-- 100,000 rows (lib/agent.c).
--
-- An admin's list is its tenant's agents in name, e-mail or creation order,
-- searched by a prefix of the last name, first name or e-mail: name order
-- and last-name search use users_tenant_last (0002), e-mail order and
-- search users_tenant_email (0006); these add creation order and the
-- first-name search. The super admin's list spans every tenant: name and
-- e-mail use users_agent_last and users_agent_email (0006, on is_agent);
-- creation order and the first-name search use these two, filtering the
-- few rows that are not agents.
ALTER TABLE users
  ADD KEY users_tenant_created (tenant_id, created_at, id),
  ADD KEY users_tenant_first (tenant_id, first_name),
  ADD KEY users_created (created_at, id),
  ADD KEY users_first (first_name);
