-- Analyst-facing macros: the checks the pipeline itself uses, so that an analyst's query
-- and the pipeline agree on what "valid" means.

-- nhs_number_valid(text): true only for exactly ten digits whose Modulus 11 check digit
-- matches (weights 10..2 on the first nine digits; 11 - sum mod 11, where 11 means 0 and
-- 10 means the number can never be valid).
CREATE OR REPLACE MACRO nhs_number_valid(n) AS (
    CASE
        WHEN n IS NULL OR NOT regexp_full_match(n, '[0-9]{10}') THEN false
        -- (11 - s % 11) % 11 turns 11 into 0 and leaves 10, which no digit can equal. The
        -- digits by integer arithmetic on the number (DuckDB casts it once for all of them):
        -- this runs for every person record of every run, and a list with a lambda per row
        -- costs twice as much.
        ELSE (11 - (CAST(n AS BIGINT) // 1000000000 * 10 + CAST(n AS BIGINT) // 100000000 % 10 * 9
                  + CAST(n AS BIGINT) // 10000000 % 10 * 8 + CAST(n AS BIGINT) // 1000000 % 10 * 7
                  + CAST(n AS BIGINT) // 100000 % 10 * 6 + CAST(n AS BIGINT) // 10000 % 10 * 5
                  + CAST(n AS BIGINT) // 1000 % 10 * 4 + CAST(n AS BIGINT) // 100 % 10 * 3
                  + CAST(n AS BIGINT) // 10 % 10 * 2) % 11) % 11
             = CAST(n AS BIGINT) % 10
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

-- version_order(text): a source's version label as text that sorts in version order: a
-- number (FHIR meta.versionId "2" < "10") zero-padded to 20 digits, anything else as it is.
CREATE OR REPLACE MACRO version_order(v) AS
    CASE WHEN regexp_full_match(trim(v), '[0-9]{1,20}') THEN lpad(trim(v), 20, '0') ELSE nullif(trim(v), '') END;

-- hl7_time_order(text): an HL7 TS (YYYYMMDDHHMM[SS], any offset ignored) as sortable text.
CREATE OR REPLACE MACRO hl7_time_order(ts) AS
    strftime(coalesce(try_strptime(left(ts, 14), '%Y%m%d%H%M%S'), try_strptime(left(ts, 12), '%Y%m%d%H%M')), '%Y-%m-%dT%H:%M:%S');

-- snomed_id_valid(text): true only for a SNOMED CT concept id as the standard defines it:
-- 6 to 18 digits without a leading zero, a concept partition identifier (the two digits
-- before the last: 00 for the international release, 10 for an extension such as the UK's
-- or dm+d), and a last digit that is the Verhoeff check digit of the rest.
-- Verhoeff: walk the digits from the right, c = d[c][p[i mod 8][digit]]; valid when c ends 0.
-- The accumulator is a pair [c, 0] because list_reduce keeps one element type.
CREATE OR REPLACE MACRO snomed_id_valid(s) AS (
    CASE
        WHEN s IS NULL OR NOT regexp_full_match(s, '[1-9][0-9]{5,17}') THEN false
        WHEN substr(s, length(s) - 2, 2) NOT IN ('00', '10') THEN false
        ELSE list_reduce(
            list_transform(range(length(s)), lambda i: [i, CAST(substr(s, length(s) - i::INTEGER, 1) AS BIGINT)]),
            lambda c, x: [
                [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],
                 [4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],
                 [8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
                [c[1] + 1]
                [[[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],
                  [9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
                 [x[1] % 8 + 1][x[2] + 1] + 1],
                0],
            [0, 0])[1] = 0
    END
);

-- icd10_code_valid(text): an ICD-10 code as NHS systems write it: a letter, two digits, then
-- optionally one or two more digits, with or without the dot, where X fills an unused
-- fourth character (I10, I10X, E11.9, E119, S72.00).
CREATE OR REPLACE MACRO icd10_code_valid(s) AS (
    coalesce(regexp_full_match(s, '[A-Z][0-9]{2}(\.?[0-9X][0-9]?)?'), false)
);

-- read2_code_valid(text): a Read v2 code: five characters of letters, digits and dots,
-- where dots only pad the end (G20.., H33.., C10F.).
CREATE OR REPLACE MACRO read2_code_valid(s) AS (
    coalesce(regexp_full_match(s, '[A-Za-z0-9][A-Za-z0-9]{0,4}\.{0,4}') AND length(s) = 5, false)
);

-- ods_code_valid(text): an ODS organisation or site code: 3 to 6 letters and digits
-- (A81001 for a GP practice, RA7 for a trust, RA701 for one of its sites).
CREATE OR REPLACE MACRO ods_code_valid(s) AS (
    coalesce(regexp_full_match(s, '[A-Z0-9]{3,6}'), false)
);

-- soundex(text): the American Soundex code of a name (Robert, Rupert → R163): the first
-- letter, then the digits of the consonants after it, a run of one digit kept once (H and W
-- do not break a run, vowels do), padded or cut to four characters. Identity resolution
-- blocks and compares names on it, so that Thompson and Thomson meet. NULL for no letters.
CREATE OR REPLACE MACRO soundex_kept(seq) AS
    list_filter(seq, lambda d, i: i > 1 AND d <> '0' AND d <> seq[i - 1]);
CREATE OR REPLACE MACRO soundex_code(s) AS (
    CASE WHEN s IS NULL OR s = '' THEN NULL ELSE
        rpad(left(left(s, 1) || array_to_string(soundex_kept(string_split(translate(
            left(s, 1) || regexp_replace(substr(s, 2), '[HW]', '', 'g'),
            'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '01230120022455012623010202'), '')), ''), 4), 4, '0')
    END
);
CREATE OR REPLACE MACRO soundex(name) AS
    soundex_code(upper(regexp_replace(strip_accents(name), '[^A-Za-z]', '', 'g')));

-- name_normalise(text): a name as identity resolution compares it: accents stripped, upper
-- case, letters only (O'Brien, O BRIEN and o'brien are one name). NULL when nothing is left.
CREATE OR REPLACE MACRO name_normalise(name) AS
    nullif(upper(regexp_replace(strip_accents(name), '[^A-Za-z]', '', 'g')), '');
