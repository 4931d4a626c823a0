-- A column core.{{ident .Table}} has gained: older versions in history have NULL there.
ALTER TABLE history.{{ident .Table}} ADD COLUMN IF NOT EXISTS {{ident .Column}} {{.Type}};
