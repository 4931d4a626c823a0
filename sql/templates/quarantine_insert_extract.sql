-- Records the extractor could not turn into raw rows (extract/land.go): kept with their
-- rule, reason and whatever could be read of them, a batch of rows per statement (one
-- statement a row costs a millisecond each: seconds for a file with thousands of bad lines).
INSERT INTO quality.quarantine
    (stage, rule_id, reason, provider, feed, file_sha256, file_name, row_number, line, batch_id, record)
VALUES
{{- range $i, $_ := .Rows}}{{if $i}},{{end}}
    ('extract', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
{{- end}};
