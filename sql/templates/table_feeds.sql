-- The provider feeds whose rows a table holds, from its lineage columns (data dictionary).
SELECT DISTINCT _provider || '/' || _feed FROM {{ident .Schema}}.{{ident .Table}} WHERE _provider IS NOT NULL ORDER BY 1;
