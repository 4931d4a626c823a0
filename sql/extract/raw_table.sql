-- raw.<provider>_<feed>: the feed as sent, every value text (an empty field lands as NULL),
-- columns named by the feed's mapping in ccare.yaml, undeclared columns kept in _extra.
CREATE TABLE IF NOT EXISTS raw.{{ident .Table}} (
{{- range .Columns}}
    {{ident .}} VARCHAR,
{{- end}}
    _extra       JSON,
    _provider    VARCHAR NOT NULL,
    _feed        VARCHAR NOT NULL,
    _file_id     BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL,
    _row_number  BIGINT NOT NULL,
    _line        BIGINT NOT NULL,
    _batch_id    BIGINT NOT NULL
);
