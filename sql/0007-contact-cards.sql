-- 0007-contact-cards.sql: an agent's card of a contact.
--
-- The contact record (contacts) is the company's: one per person per tenant,
-- which the chat engine and SMS find by e-mail or phone. What an agent sees
-- of a person is its own card, its contact_agents row: what it typed itself.
-- The row already holds the name and e-mail (0006); the card adds the phone
-- (as typed, and in E.164, so adding the same person twice by phone finds
-- the card) and the website. lib/domain/contact.c is the only writer.
ALTER TABLE contact_agents
  ADD COLUMN phone VARCHAR(32) NOT NULL DEFAULT '' AFTER email,
  ADD COLUMN phone_e164 VARCHAR(16) NOT NULL DEFAULT '' AFTER phone,
  ADD COLUMN website VARCHAR(2048) NOT NULL DEFAULT '' AFTER phone_e164,
  ADD KEY contact_agents_phone (user_id, phone_e164);

-- Existing cards: what was shown to their agents until now, the record's.
UPDATE contact_agents ca JOIN contacts c
    ON c.id = ca.contact_id AND c.tenant_id = ca.tenant_id
  SET ca.name = c.name, ca.email = c.email, ca.phone = c.phone,
      ca.phone_e164 = c.phone_e164, ca.website = c.website;
