-- The providers whose records a table or view holds, from its provider column (data dictionary).
SELECT DISTINCT provider FROM {{ident .Schema}}.{{ident .Table}} WHERE provider IS NOT NULL ORDER BY 1;
