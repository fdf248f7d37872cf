-- Edge mode (issue 11): the worker on a shop's own hostnames, in front of its origin.
--
-- 1. `sites.edge_origin`: where the edge fetches the shop's pages (https, or http on 127.0.0.1 /
--    localhost for local runs); NULL when the site does not use edge mode.
-- 2. `site_hostnames`: which hostnames the edge serves, each for exactly one site (its primary key:
--    a hostname can never point at two sites). The worker maps a request's Host to its site here.

ALTER TABLE sites ADD COLUMN edge_origin TEXT;

CREATE TABLE site_hostnames (
  hostname TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  created_at INTEGER NOT NULL
);
CREATE INDEX site_hostnames_by_site ON site_hostnames (site_id);
