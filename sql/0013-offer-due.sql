-- 0013-offer-due.sql: when a round of offers times out, with backoff.
--
-- A round nobody answers is offered again and the admin told (chat.c); a
-- request nobody ever answers must not mail the admin every few minutes
-- forever, so each timeout doubles the next round's wait (the configured
-- timeout, then twice, four times... up to 64 times it). offer_due_at is
-- when the current round times out; timeouts counts the rounds that did.
ALTER TABLE conversations
  ADD COLUMN offer_due_at DATETIME(3) NULL,
  ADD COLUMN timeouts     INT UNSIGNED NOT NULL DEFAULT 0,
  DROP KEY conversations_offered,
  ADD KEY conversations_offer_due (status, offer_due_at);
