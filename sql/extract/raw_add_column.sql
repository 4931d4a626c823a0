-- A column newly mapped in ccare.yaml: earlier files have it as NULL.
ALTER TABLE raw.{{ident .Table}} ADD COLUMN IF NOT EXISTS {{ident .Column}} VARCHAR;
