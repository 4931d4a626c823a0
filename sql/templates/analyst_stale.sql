-- Whether analyst.<table> (which exists) must be rebuilt after the hourly batch $1: core.<table>
-- holds rows of the batch (new or amended records) or a different number of rows (a withdrawal).
SELECT (SELECT count(*) FROM core.{{ident .Table}}) <> (SELECT count(*) FROM analyst.{{ident .Table}})
    OR EXISTS (SELECT 1 FROM core.{{ident .Table}} WHERE _batch_id = $1);
