-- 0003-admins.sql: indexes for the super admin's list of admins, which
-- spans tenants: each ORDER BY (name, e-mail) walks an index led by role,
-- and each search branch (last name, first name, e-mail prefix) is a range
-- of one. Company order and search use tenants_company (0001); the created
-- order uses users_role_created (0002).
ALTER TABLE users
  ADD KEY users_role_last (role, last_name, first_name, id),
  ADD KEY users_role_first (role, first_name, id),
  ADD KEY users_role_email (role, email);
