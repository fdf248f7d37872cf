-- Profile tokens (issue 11): the site's profile epoch. Every signed profile token carries the epoch
-- it was issued under, and decide trusts a token only while that is still the site's epoch. Anything
-- that can lower what a visitor is entitled to (an erase, a server correction, an identity split, a
-- key rotation, turning browser purchases' trust off) adds one, which refuses every older token.
-- Forward-only: never edit a landed migration, add a new one.
ALTER TABLE sites ADD COLUMN profile_epoch INTEGER NOT NULL DEFAULT 0;
