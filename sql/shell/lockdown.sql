-- ccare sql's session (a template: the folders of the Parquet lake): nothing outside the
-- published copy but the lake can be read, and nothing written: no ATTACH of another
-- database (the pipeline's own warehouse attached for writing would hold its lock and stop
-- the next run), no COPY … TO, no reading other files. Locked so the session cannot
-- change it back.
SET allowed_directories = [{{range $i, $d := .}}{{if $i}}, {{end}}{{literal $d}}{{end}}];
SET enable_external_access = false;
SET lock_configuration = true;
