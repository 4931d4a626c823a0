-- staging.encounter ← raw.nbt_pas_adt, raw.nbt_pas_adt_live: the visit (PV1-19) as the
-- message left it. A01 admits and A04 registers, A02 moves the patient (PV1-3, from PV1-6),
-- A03 discharges (PV1-45), A08 restates it; every message carries the whole PV1, so the
-- latest message of a visit by MSH-7 (source_version) is the encounter, whatever order the
-- messages arrive in (core/43_encounter.sql keeps the latest).
-- Messages without a visit (A31, A40) make no encounter. Times are local (Europe/London).
INSERT INTO staging.encounter BY NAME
WITH adt AS (
    SELECT * FROM raw.nbt_pas_adt
    UNION ALL BY NAME
    SELECT * FROM raw.nbt_pas_adt_live
)
SELECT
    visit_number                                     AS record_id,
    mrn                                              AS local_patient_id,
    CASE upper(patient_class) WHEN 'E' THEN 'emergency' WHEN 'O' THEN 'outpatient' ELSE 'inpatient' END AS encounter_class,
    admit_time                                       AS start_raw,
    timezone('Europe/London', try_strptime(admit_time, ['%Y%m%d%H%M%S', '%Y%m%d%H%M'])) AS start_at,
    discharge_time                                   AS end_raw,
    timezone('Europe/London', try_strptime(discharge_time, ['%Y%m%d%H%M%S', '%Y%m%d%H%M'])) AS end_at,
    upper(location)                                  AS location_code,
    NULL                                             AS reason_code,
    NULL                                             AS reason_system,
    NULL                                             AS reason_text,
    NULL                                             AS discharge_destination_code,
    NULL                                             AS outcome_text,
    CASE upper(patient_class) WHEN 'E' THEN 'ED attendance' WHEN 'O' THEN 'outpatient attendance' ELSE 'inpatient spell' END AS encounter_type,
    hl7_time_order(message_time)                     AS source_version,
    false                                            AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM adt
WHERE visit_number IS NOT NULL;
