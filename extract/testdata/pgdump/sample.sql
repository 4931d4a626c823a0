--
-- PostgreSQL database dump
--

-- Dumped from database version 15.8
-- Dumped by pg_dump version 15.8

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE SCHEMA cdw;

CREATE FUNCTION cdw.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
COPY cdw.diagnoses (diagnosis_id) FROM stdin;
  RETURN NEW;
END;
$$;

COMMENT ON TABLE cdw.patients IS 'it''s the
COPY cdw.diagnoses (x) FROM stdin;
patient index';

CREATE TABLE cdw.diagnoses (
    diagnosis_id bigint NOT NULL,
    mrn character varying(10) NOT NULL,
    icd10_code character varying(5),
    description text DEFAULT 'n/a'::text,
    diagnosis_date date,
    CONSTRAINT diagnoses_pkey PRIMARY KEY (diagnosis_id)
);

CREATE TABLE cdw.patients (
    patient_id integer NOT NULL,
    mrn character varying(10) NOT NULL,
    "Family Name" text
);

--
-- Data for Name: patients; Type: TABLE DATA; Schema: cdw; Owner: cdw
--

COPY cdw.patients (patient_id, mrn, "Family Name") FROM stdin;
1	RVJ0000001	O'Neill
2	RVJ0000002	\N
\.

COPY cdw.diagnoses (diagnosis_id, mrn, icd10_code, description, diagnosis_date) FROM stdin;
10	RVJ0000001	I10X	Essential (primary) hypertension	2024-03-01
11	RVJ0000001	J189	Pneumonia\tunspecified\nsee letter \\ GP	2026-10-30
12	RVJ0000002	\N	\N	\N
13	RVJ0000002	E119	caf\303\251 \x41\x4a	2025-01-02
14	RVJ0000002	N390
15	RVJ0000002	N390	trailing backslash \
16	RVJ0000002	N390	bad byte \xff	2025-01-02
17	RVJ0000002	N390	odd escape \q\x	2025-01-02
\.

--
-- PostgreSQL database dump complete
--
