-- ref.code_map: Read v2 → SNOMED CT for the codes the community's EMIS practices still
-- send on older problem-list entries (from the NHS Digital Read v2 → SNOMED CT map).
INSERT OR REPLACE INTO ref.code_map (source_system, source_code, snomed_code, term) VALUES
    ('read-v2', 'G20..', '38341003',  'Hypertensive disorder, systemic arterial'),
    ('read-v2', 'C10F.', '44054006',  'Diabetes mellitus type 2'),
    ('read-v2', 'H33..', '195967001', 'Asthma'),
    ('read-v2', 'H3...', '13645005',  'Chronic obstructive lung disease'),
    ('read-v2', 'E2B..', '35489007',  'Depressive disorder'),
    ('read-v2', 'G573.', '49436004',  'Atrial fibrillation'),
    ('read-v2', '1Z12.', '433144002', 'Chronic kidney disease stage 3'),
    ('read-v2', 'C04..', '40930008',  'Hypothyroidism'),
    ('read-v2', 'C10E.', '46635009',  'Diabetes mellitus type 1'),
    ('read-v2', 'E200.', '197480006', 'Anxiety disorder'),
    ('read-v2', 'F110.', '26929004',  'Alzheimer''s disease'),
    ('read-v2', 'F25..', '84757009',  'Epilepsy'),
    ('read-v2', 'G3...', '414545008', 'Ischemic heart disease'),
    ('read-v2', 'G58..', '84114007',  'Heart failure'),
    ('read-v2', 'G66..', '230690007', 'Cerebrovascular accident'),
    ('read-v2', 'M111.', '24079001',  'Atopic dermatitis'),
    ('read-v2', 'N040.', '69896004',  'Rheumatoid arthritis'),
    ('read-v2', 'N05..', '396275006', 'Osteoarthritis');
