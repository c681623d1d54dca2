-- 0004-departments.sql: the super admin's list of every tenant's
-- departments sorts by name or by creation across tenants; these keys let
-- ORDER BY ... LIMIT read an index range instead of sorting every row.
-- (Within one tenant, departments_name and departments_created serve.)

ALTER TABLE departments
  ADD KEY departments_all_name (name, id),
  ADD KEY departments_all_created (created_at, id);
