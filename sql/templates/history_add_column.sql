-- A column the core table behind history.{{ident .Table}} has gained: older versions have NULL there.
ALTER TABLE history.{{ident .Table}} ADD COLUMN IF NOT EXISTS {{ident .Column}} {{.Type}};
