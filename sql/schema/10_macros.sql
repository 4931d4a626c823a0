-- Analyst-facing macros: the checks the pipeline itself uses, so that an analyst's query
-- and the pipeline agree on what "valid" means.

-- nhs_number_valid(text): true only for exactly ten digits whose Modulus 11 check digit
-- matches (weights 10..2 on the first nine digits; 11 - sum mod 11, where 11 means 0 and
-- 10 means the number can never be valid).
CREATE OR REPLACE MACRO nhs_number_valid(n) AS (
    CASE
        WHEN n IS NULL OR NOT regexp_full_match(n, '[0-9]{10}') THEN false
        -- (11 - s % 11) % 11 turns 11 into 0 and leaves 10, which no digit can equal.
        ELSE (11 - list_sum(list_transform(range(1, 10),
                  lambda i: (11 - i) * CAST(substr(n, i::INTEGER, 1) AS INTEGER))) % 11) % 11
             = CAST(substr(n, 10, 1) AS INTEGER)
    END
);

-- nhs_number_normalise(text): strips the spaces and hyphens people type (999 123 4567);
-- anything else is left as sent so that the check above rejects it visibly.
CREATE OR REPLACE MACRO nhs_number_normalise(n) AS (
    nullif(regexp_replace(trim(n), '[ -]', '', 'g'), '')
);

-- postcode_normalise(text): upper case, one space before the inward code (BS78AB → BS7 8AB).
CREATE OR REPLACE MACRO postcode_normalise(p) AS (
    CASE WHEN p IS NULL OR trim(p) = '' THEN NULL
         ELSE regexp_replace(upper(regexp_replace(p, '\s', '', 'g')), '^(.+)([0-9][A-Z]{2})$', '\1 \2')
    END
);

-- record_order(file_id, row_number): a record's place in arrival order (later files, then later
-- rows, sort higher) as one fixed-size number, for arg_max / arg_min keys. A list key such as
-- [file_id, row_number] orders the same but allocates per group: at millions of local ids
-- that alone overruns a small memory limit.
CREATE OR REPLACE MACRO record_order(file_id, row_number) AS
    (CAST(file_id AS HUGEINT) << 64) + CAST(row_number AS HUGEINT);
