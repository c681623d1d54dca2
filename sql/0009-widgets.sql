-- 0009-widgets.sql: a business's chat boxes (widgets), the departments each
-- one offers, its logo and its Twilio number.
--
-- The public key is what the embed snippet and the visitor's iframe carry
-- (/w/{key}); it names the widget, it is not a secret. The counters of the
-- list (messages, ongoing, resolved, waiting) are kept on write by the
-- modules that change them, so a list page never counts conversations.

CREATE TABLE widgets (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  tenant_id       BIGINT UNSIGNED NOT NULL,
  public_key      CHAR(22) CHARACTER SET ascii NOT NULL,
  -- As typed and normalised (scheme and host lower case, default port
  -- dropped), and its origin (scheme://host[:port]): the only frame
  -- ancestor of the visitor's iframe.
  website_url     VARCHAR(2048) NOT NULL,
  website_origin  VARCHAR(300) CHARACTER SET ascii NOT NULL,
  -- The origin's host[:port], what the list sorts and searches by (an
  -- index holds it whole; the URL is too long to sort from an index).
  website_host    VARCHAR(300) CHARACTER SET ascii NOT NULL,
  details         VARCHAR(1000) NOT NULL DEFAULT '',
  -- An IANA name among the US zones (lib/domain/widget.c's list).
  time_zone       VARCHAR(40) CHARACTER SET ascii NOT NULL,
  area_code       CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
  -- Working days: bit 0 Sunday ... bit 6 Saturday (tm_wday); 62 = Mon-Fri.
  days            TINYINT UNSIGNED NOT NULL DEFAULT 62,
  -- Minutes after local midnight; to < from crosses midnight; from = to is
  -- all day.
  open_from       SMALLINT UNSIGNED NOT NULL DEFAULT 540,
  open_to         SMALLINT UNSIGNED NOT NULL DEFAULT 1020,
  active          TINYINT(1) NOT NULL DEFAULT 1,
  -- The Twilio number: none until the Request button; pending while the
  -- worker buys it; active with the number; failed with the reason.
  number_status   ENUM('none','pending','active','failed') NOT NULL DEFAULT 'none',
  phone_number    VARCHAR(16) CHARACTER SET ascii NULL,
  number_sid      CHAR(34) CHARACTER SET ascii NULL,
  number_error    VARCHAR(255) NOT NULL DEFAULT '',
  number_intent   INT UNSIGNED NOT NULL DEFAULT 0,
  -- Counters, kept on write.
  message_count   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  waiting_count   INT UNSIGNED NOT NULL DEFAULT 0,
  ongoing_count   INT UNSIGNED NOT NULL DEFAULT 0,
  resolved_count  INT UNSIGNED NOT NULL DEFAULT 0,
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY widgets_key (public_key),
  UNIQUE KEY widgets_phone (phone_number),
  -- The list (lib/domain/widget.c): each sort within a tenant and across
  -- tenants reads its index in order, even for a deep page; a search is a
  -- host prefix range or a phone prefix range.
  KEY widgets_tenant_host (tenant_id, website_host, id),
  KEY widgets_tenant_created (tenant_id, created_at, id),
  KEY widgets_tenant_messages (tenant_id, message_count, id),
  KEY widgets_tenant_phone (tenant_id, phone_number),
  KEY widgets_host (website_host, id),
  KEY widgets_created (created_at, id),
  KEY widgets_messages (message_count, id),
  CONSTRAINT widgets_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT widgets_days CHECK (days BETWEEN 1 AND 127),
  CONSTRAINT widgets_from CHECK (open_from < 1440),
  CONSTRAINT widgets_to CHECK (open_to < 1440)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The departments a widget offers (at least one; the visitor picks among
-- the active ones).
CREATE TABLE widget_departments (
  tenant_id      BIGINT UNSIGNED NOT NULL,
  widget_id      BIGINT UNSIGNED NOT NULL,
  department_id  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (widget_id, department_id),
  KEY widget_departments_dept (department_id, widget_id),
  CONSTRAINT widget_departments_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT widget_departments_widget FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE,
  CONSTRAINT widget_departments_dept FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A widget's logo, in the database so that it survives a restart, a move
-- and a `make install` upgrade. content_type is the one the bytes were
-- checked to be (image/png, image/jpeg, image/webp), never the one sent;
-- sha256 names the version, so its URL can be cached for good.
CREATE TABLE widget_logos (
  widget_id     BIGINT UNSIGNED NOT NULL,
  tenant_id     BIGINT UNSIGNED NOT NULL,
  content_type  VARCHAR(20) CHARACTER SET ascii NOT NULL,
  width         SMALLINT UNSIGNED NOT NULL,
  height        SMALLINT UNSIGNED NOT NULL,
  sha256        CHAR(64) CHARACTER SET ascii NOT NULL,
  bytes         MEDIUMBLOB NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (widget_id),
  KEY widget_logos_tenant (tenant_id),
  CONSTRAINT widget_logos_widget FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE,
  CONSTRAINT widget_logos_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
