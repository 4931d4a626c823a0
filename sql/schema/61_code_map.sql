-- ref.code_map: Read v2 → SNOMED CT for the codes the community's EMIS practices still
-- send on older problem-list entries (from the NHS Digital Read v2 → SNOMED CT map).
INSERT OR REPLACE INTO ref.code_map (source_system, source_code, snomed_code, term) VALUES
    ('read-v2', 'G20..', '38341003',  'Hypertensive disorder, systemic arterial'),
    ('read-v2', 'C10F.', '44054006',  'Diabetes mellitus type 2'),
    ('read-v2', 'H33..', '195967001', 'Asthma'),
    ('read-v2', 'H3...', '13645005',  'Chronic obstructive lung disease'),
    ('read-v2', 'E2B..', '35489007',  'Depressive disorder'),
    ('read-v2', 'G573.', '49436004',  'Atrial fibrillation');
