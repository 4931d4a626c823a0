-- ref.code_map: ICD-10 → SNOMED CT for the codes North Bristol's clinical coders send in the
-- clinical data warehouse (nbt-cdw diagnoses), from the NHS England ICD-10 ↔ SNOMED CT maps.
-- Codes are held in WHO form with the dot (E11.9, I10); staging turns the NHS four-character
-- form (E119, I10X) into it before the lookup.
INSERT OR REPLACE INTO ref.code_map (source_system, source_code, snomed_code, term) VALUES
    -- long-term conditions, coded as secondary diagnoses
    ('icd-10', 'I10',   '38341003',  'Hypertensive disorder, systemic arterial'),
    ('icd-10', 'E11.9', '44054006',  'Diabetes mellitus type 2'),
    ('icd-10', 'J45.9', '195967001', 'Asthma'),
    ('icd-10', 'J44.9', '13645005',  'Chronic obstructive lung disease'),
    ('icd-10', 'F32.9', '35489007',  'Depressive disorder'),
    ('icd-10', 'I48.9', '49436004',  'Atrial fibrillation'),
    ('icd-10', 'I25.9', '414545008', 'Ischemic heart disease'),
    ('icd-10', 'I50.9', '84114007',  'Heart failure'),
    ('icd-10', 'N18.3', '433144002', 'Chronic kidney disease stage 3'),
    ('icd-10', 'M19.9', '396275006', 'Osteoarthritis'),
    ('icd-10', 'E03.9', '40930008',  'Hypothyroidism'),
    ('icd-10', 'F41.9', '197480006', 'Anxiety disorder'),
    ('icd-10', 'G40.9', '84757009',  'Epilepsy'),
    ('icd-10', 'G30.9', '26929004',  'Alzheimer''s disease'),
    ('icd-10', 'I64',   '230690007', 'Cerebrovascular accident'),
    ('icd-10', 'M06.9', '69896004',  'Rheumatoid arthritis'),
    ('icd-10', 'E10.9', '46635009',  'Diabetes mellitus type 1'),
    ('icd-10', 'L20.9', '24079001',  'Atopic dermatitis'),
    -- the primary diagnoses of admissions
    ('icd-10', 'J18.9', '233604007', 'Pneumonia'),
    ('icd-10', 'N39.0', '68566005',  'Urinary tract infectious disease'),
    ('icd-10', 'L03.9', '128045006', 'Cellulitis'),
    ('icd-10', 'R07.4', '29857009',  'Chest pain'),
    ('icd-10', 'K35.8', '85189001',  'Acute appendicitis'),
    ('icd-10', 'R55',   '271594007', 'Syncope'),
    ('icd-10', 'A41.9', '91302008',  'Sepsis'),
    ('icd-10', 'I21.9', '22298006',  'Myocardial infarction'),
    ('icd-10', 'S72.0', '5913000',   'Fracture of neck of femur'),
    ('icd-10', 'J44.1', '195951007', 'Acute exacerbation of chronic obstructive airways disease');
