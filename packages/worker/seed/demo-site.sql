-- The local demo site: public key pk_demo, secret key sk_demo (hash below), USD, any localhost
-- origin. Local development only: never run this against a deployed database.
INSERT INTO sites (id, name, public_key, secret_key_hash, code_secret, allowed_origins, currency, lapse_days, time_zone, created_at)
VALUES ('site_demo', 'Demo shop', 'pk_demo', 'ab4f4d87468ad201748a0a592342c4b9c02480bdf855e35b98e91c6399fc1107', 'demo-code-secret-local-only',
        '["http://localhost:*","http://127.0.0.1:*"]', 'USD', 90, 'UTC', 0)
ON CONFLICT (id) DO NOTHING;
