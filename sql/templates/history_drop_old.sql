-- history.{{ident .Table}} as a table: the first layout of history (versions updated in place),
-- replaced by history.{{ident .Table}}_version and a view of the same name; it is dropped, and
-- history starts again from this run.
DROP TABLE history.{{ident .Table}};
