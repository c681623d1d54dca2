-- 0006-contacts.sql: what the contact lists need to stay one index range at
-- 100,000 rows.
--
-- An agent's list is its contact_agents rows in name, e-mail or id order.
-- Each row carries a copy of the contact's name and e-mail (written only by
-- lib/contact.c, which updates the copies with the contact), so the list
-- reads a range of (user_id, name, contact_id) and joins each row by primary
-- key, instead of sorting all of the agent's contacts on every page.
ALTER TABLE contact_agents
  ADD COLUMN name VARCHAR(160) NOT NULL DEFAULT '' AFTER user_id,
  ADD COLUMN email VARCHAR(254) NOT NULL DEFAULT '' AFTER name,
  ADD KEY contact_agents_name (user_id, name, contact_id),
  ADD KEY contact_agents_email (user_id, email, contact_id);

UPDATE contact_agents ca JOIN contacts c ON c.id = ca.contact_id
  SET ca.name = c.name, ca.email = c.email;

-- The agent picker of the contacts page: the super admin's spans every
-- tenant, in name or e-mail order; is_agent folds the two agent roles into
-- one key so that order is an index range too. An admin's uses
-- users_tenant_last, and users_tenant_email for the e-mail order.
ALTER TABLE users
  ADD COLUMN is_agent TINYINT(1) AS (role IN ('agent', 'supervisor')) VIRTUAL,
  ADD KEY users_agent_last (is_agent, last_name, first_name, id),
  ADD KEY users_agent_email (is_agent, email),
  ADD KEY users_tenant_email (tenant_id, email);
