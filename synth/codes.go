package synth

// The code tables the community draws from: SNOMED CT concepts (with the Read v2 code
// EMIS practices used for older problem-list entries), allergies, dm+d medicines, and the
// ECDS-style codes the emergency department sends. Small, hand-picked, realistic.

// condition is a long-term or episodic problem a GP records.
type condition struct {
	snomed, term     string // SNOMED CT concept and its preferred term
	read, readTerm   string // Read v2 equivalent (5 characters) and its Read term
	minAge           int    // earliest age at onset, in years
	weight           int    // relative frequency among eligible people
	resolves         float64
	drugs            []int // indices into drugs prescribed for it
	drugProbability  float64
	olderWeightBoost int // extra weight per decade over 40
}

var conditions = []condition{
	{snomed: "38341003", term: "Hypertensive disorder, systemic arterial", read: "G20..", readTerm: "Essential hypertension", minAge: 30, weight: 10, drugs: []int{dAmlodipine, dRamipril}, drugProbability: 0.7, olderWeightBoost: 6},
	{snomed: "44054006", term: "Diabetes mellitus type 2", read: "C10F.", readTerm: "Type 2 diabetes mellitus", minAge: 30, weight: 5, drugs: []int{dMetformin, dGliclazide}, drugProbability: 0.7, olderWeightBoost: 2},
	{snomed: "195967001", term: "Asthma", read: "H33..", readTerm: "Asthma", minAge: 2, weight: 9, resolves: 0.2, drugs: []int{dSalbutamol, dBeclometasone}, drugProbability: 0.8},
	{snomed: "13645005", term: "Chronic obstructive lung disease", read: "H3...", readTerm: "Chronic obstructive pulmonary disease", minAge: 40, weight: 2, drugs: []int{dSalbutamol, dTiotropium}, drugProbability: 0.8, olderWeightBoost: 2},
	{snomed: "35489007", term: "Depressive disorder", read: "E2B..", readTerm: "Depressive disorder NEC", minAge: 14, weight: 8, resolves: 0.5, drugs: []int{dSertraline, dCitalopram}, drugProbability: 0.5},
	{snomed: "49436004", term: "Atrial fibrillation", read: "G573.", readTerm: "Atrial fibrillation and flutter", minAge: 50, weight: 1, drugs: []int{dApixaban, dBisoprolol}, drugProbability: 0.8, olderWeightBoost: 3},
	{snomed: "414545008", term: "Ischemic heart disease", read: "G3...", readTerm: "Ischaemic heart disease", minAge: 40, weight: 1, drugs: []int{dAspirin, dAtorvastatin}, drugProbability: 0.8, olderWeightBoost: 3},
	{snomed: "84114007", term: "Heart failure", read: "G58..", readTerm: "Heart failure", minAge: 50, weight: 1, drugs: []int{dFurosemide, dBisoprolol}, drugProbability: 0.8, olderWeightBoost: 2},
	{snomed: "433144002", term: "Chronic kidney disease stage 3", read: "1Z12.", readTerm: "Chronic kidney disease stage 3", minAge: 50, weight: 1, olderWeightBoost: 3},
	{snomed: "396275006", term: "Osteoarthritis", read: "N05..", readTerm: "Osteoarthritis and allied disorders", minAge: 40, weight: 4, drugs: []int{dParacetamol, dNaproxen}, drugProbability: 0.5, olderWeightBoost: 4},
	{snomed: "40930008", term: "Hypothyroidism", read: "C04..", readTerm: "Acquired hypothyroidism", minAge: 18, weight: 3, drugs: []int{dLevothyroxine}, drugProbability: 0.95},
	{snomed: "197480006", term: "Anxiety disorder", read: "E200.", readTerm: "Anxiety states", minAge: 12, weight: 6, resolves: 0.6, drugs: []int{dSertraline}, drugProbability: 0.3},
	{snomed: "84757009", term: "Epilepsy", read: "F25..", readTerm: "Epilepsy", minAge: 0, weight: 1, drugs: []int{dLamotrigine}, drugProbability: 0.9},
	{snomed: "26929004", term: "Alzheimer's disease", read: "F110.", readTerm: "Alzheimer's disease", minAge: 65, weight: 1, drugs: []int{dDonepezil}, drugProbability: 0.6, olderWeightBoost: 3},
	{snomed: "230690007", term: "Cerebrovascular accident", read: "G66..", readTerm: "Stroke and cerebrovascular accident unspecified", minAge: 45, weight: 1, drugs: []int{dClopidogrel, dAtorvastatin}, drugProbability: 0.8, olderWeightBoost: 2},
	{snomed: "69896004", term: "Rheumatoid arthritis", read: "N040.", readTerm: "Rheumatoid arthritis", minAge: 25, weight: 1, drugs: []int{dMethotrexate}, drugProbability: 0.7},
	{snomed: "46635009", term: "Diabetes mellitus type 1", read: "C10E.", readTerm: "Type 1 diabetes mellitus", minAge: 1, weight: 1, drugs: []int{dInsulinGlargine}, drugProbability: 0.95},
	{snomed: "24079001", term: "Atopic dermatitis", read: "M111.", readTerm: "Atopic dermatitis/eczema", minAge: 0, weight: 5, resolves: 0.5, drugs: []int{dHydrocortisone}, drugProbability: 0.5},
}

// readCutoffYear: EMIS problems with onset before 2015-01-01 carry their Read v2 code.
const readCutoffYear = 2015

// drug is a dm+d virtual medicinal product with a typical dose instruction.
type drug struct {
	dmd, name, dose string
	acute           bool // a short course: usually ended
}

const (
	dParacetamol = iota
	dAmlodipine
	dRamipril
	dMetformin
	dGliclazide
	dSalbutamol
	dBeclometasone
	dTiotropium
	dAtorvastatin
	dAspirin
	dFurosemide
	dBisoprolol
	dApixaban
	dCitalopram
	dSertraline
	dOmeprazole
	dLevothyroxine
	dAmoxicillin
	dClopidogrel
	dDonepezil
	dLamotrigine
	dMethotrexate
	dNaproxen
	dCoCodamol
	dCetirizine
	dInsulinGlargine
	dHydrocortisone
	dNitrofurantoin
)

var drugs = []drug{
	dParacetamol:     {"322236009", "Paracetamol 500mg tablets", "Two tablets up to four times a day when required", false},
	dAmlodipine:      {"319283006", "Amlodipine 5mg tablets", "One tablet once a day", false},
	dRamipril:        {"318906001", "Ramipril 5mg capsules", "One capsule once a day", false},
	dMetformin:       {"325278007", "Metformin 500mg tablets", "One tablet twice a day with meals", false},
	dGliclazide:      {"325238000", "Gliclazide 80mg tablets", "One tablet twice a day with meals", false},
	dSalbutamol:      {"39113611000001102", "Salbutamol 100micrograms/dose inhaler CFC free", "Two puffs when required", false},
	dBeclometasone:   {"39112711000001103", "Beclometasone 100micrograms/dose inhaler CFC free", "Two puffs twice a day", false},
	dTiotropium:      {"407895000", "Tiotropium bromide 18microgram inhalation powder capsules", "Inhale the contents of one capsule once a day", false},
	dAtorvastatin:    {"320029006", "Atorvastatin 20mg tablets", "One tablet at night", false},
	dAspirin:         {"319770009", "Aspirin 75mg dispersible tablets", "One tablet once a day", false},
	dFurosemide:      {"317972000", "Furosemide 40mg tablets", "One tablet each morning", false},
	dBisoprolol:      {"318590006", "Bisoprolol 2.5mg tablets", "One tablet once a day", false},
	dApixaban:        {"703907006", "Apixaban 5mg tablets", "One tablet twice a day", false},
	dCitalopram:      {"321987003", "Citalopram 20mg tablets", "One tablet once a day", false},
	dSertraline:      {"321949006", "Sertraline 50mg tablets", "One tablet once a day", false},
	dOmeprazole:      {"317335000", "Omeprazole 20mg gastro-resistant capsules", "One capsule once a day", false},
	dLevothyroxine:   {"319740004", "Levothyroxine sodium 50microgram tablets", "One tablet each morning", false},
	dAmoxicillin:     {"323509004", "Amoxicillin 500mg capsules", "One capsule three times a day for 5 days", true},
	dClopidogrel:     {"317300002", "Clopidogrel 75mg tablets", "One tablet once a day", false},
	dDonepezil:       {"320155009", "Donepezil 5mg tablets", "One tablet at night", false},
	dLamotrigine:     {"322995001", "Lamotrigine 100mg tablets", "One tablet twice a day", false},
	dMethotrexate:    {"324817006", "Methotrexate 2.5mg tablets", "Four tablets once a week on the same day", false},
	dNaproxen:        {"329907004", "Naproxen 500mg tablets", "One tablet twice a day with food", true},
	dCoCodamol:       {"322280009", "Co-codamol 30mg/500mg tablets", "Two tablets up to four times a day when required", true},
	dCetirizine:      {"324872008", "Cetirizine 10mg tablets", "One tablet once a day", true},
	dInsulinGlargine: {"9391811000001106", "Insulin glargine 100units/ml solution for injection 3ml pre-filled pens", "Inject as directed once a day", false},
	dHydrocortisone:  {"331646005", "Hydrocortisone 1% cream", "Apply thinly twice a day", true},
	dNitrofurantoin:  {"317302005", "Nitrofurantoin 100mg modified-release capsules", "One capsule twice a day for 3 days", true},
}

// generalDrugs are prescribed without a recorded problem behind them.
var generalDrugs = []int{dParacetamol, dOmeprazole, dAmoxicillin, dCoCodamol, dCetirizine, dNitrofurantoin, dNaproxen}

// allergy is an allergy or intolerance record.
type allergy struct {
	snomed, term string
	weight       int
}

var allergies = []allergy{
	{"91936005", "Allergy to penicillin", 12},
	{"294505008", "Allergy to amoxicillin", 4},
	{"293586001", "Allergy to aspirin", 2},
	{"300916003", "Latex allergy", 2},
	{"91935009", "Allergy to peanuts", 3},
	{"91934008", "Allergy to nut", 2},
	{"300913006", "Shellfish allergy", 2},
	{"418689008", "Allergy to grass pollen", 3},
	{"232350006", "House dust mite allergy", 2},
	{"294716003", "Allergy to codeine", 1},
}

var reactions = []string{"Rash", "Urticaria", "Itching", "Angioedema", "Wheeze", "Nausea and vomiting", "Swelling of lips", "Anaphylaxis"}

// severities are drawn Mild 60%, Moderate 30%, Severe 10%.
var severities = []string{"Mild", "Moderate", "Severe"}

// ED: chief complaints (ECDS presenting complaint concepts) and the diagnoses they lead to.
type edCode struct{ code, term string }

type edComplaint struct {
	edCode
	diagnoses []int // indices into edDiagnoses
	weight    int
}

const (
	xMI = iota
	xPneumonia
	xUTI
	xCOPD
	xAsthma
	xFemur
	xAnkle
	xConcussion
	xCellulitis
	xSepsis
	xAF
	xStroke
	xGastro
	xSyncope
	xHeadache
	xAnxiety
	xOverdose
	xContusion
	xLaceration
	xChestPainNonCardiac
)

var edDiagnoses = []edCode{
	xMI:                  {"22298006", "Myocardial infarction"},
	xPneumonia:           {"233604007", "Pneumonia"},
	xUTI:                 {"68566005", "Urinary tract infectious disease"},
	xCOPD:                {"195951007", "Acute exacerbation of chronic obstructive airways disease"},
	xAsthma:              {"281239006", "Exacerbation of asthma"},
	xFemur:               {"71620000", "Fracture of femur"},
	xAnkle:               {"44465007", "Sprain of ankle"},
	xConcussion:          {"62106007", "Concussion injury of brain"},
	xCellulitis:          {"128045006", "Cellulitis"},
	xSepsis:              {"91302008", "Sepsis"},
	xAF:                  {"49436004", "Atrial fibrillation"},
	xStroke:              {"230690007", "Cerebrovascular accident"},
	xGastro:              {"25374005", "Gastroenteritis"},
	xSyncope:             {"271594007", "Syncope"},
	xHeadache:            {"398057008", "Tension-type headache"},
	xAnxiety:             {"197480006", "Anxiety disorder"},
	xOverdose:            {"55680006", "Drug overdose"},
	xContusion:           {"125667009", "Contusion"},
	xLaceration:          {"312608009", "Laceration - injury"},
	xChestPainNonCardiac: {"274668005", "Non-cardiac chest pain"},
}

var edComplaints = []edComplaint{
	{edCode{"29857009", "Chest pain"}, []int{xChestPainNonCardiac, xChestPainNonCardiac, xMI, xAF, xAnxiety}, 10},
	{edCode{"267036007", "Dyspnoea"}, []int{xPneumonia, xCOPD, xAsthma, xAnxiety}, 8},
	{edCode{"21522001", "Abdominal pain"}, []int{xGastro, xUTI}, 9},
	{edCode{"25064002", "Headache"}, []int{xHeadache, xConcussion}, 4},
	{edCode{"271594007", "Syncope"}, []int{xSyncope, xAF}, 4},
	{edCode{"386661006", "Fever"}, []int{xSepsis, xUTI, xPneumonia}, 5},
	{edCode{"422400008", "Vomiting"}, []int{xGastro}, 4},
	{edCode{"417163006", "Traumatic injury"}, []int{xAnkle, xFemur, xContusion, xLaceration, xConcussion}, 14},
	{edCode{"419284004", "Altered mental status"}, []int{xStroke, xSepsis, xOverdose}, 3},
	{edCode{"271807003", "Eruption of skin"}, []int{xCellulitis}, 2},
}

type edDestination struct {
	edCode
	weight int
}

var edDestinations = []edDestination{
	{edCode{"306689006", "Discharge to home"}, 70},
	{edCode{"306706006", "Discharge to ward"}, 22},
	{edCode{"306691003", "Discharge to residential home"}, 3},
	{edCode{"306694006", "Discharge to nursing home"}, 2},
	{edCode{"19712007", "Patient transfer, to another health care facility"}, 3},
}

// ED sites (ODS site codes of the trust): adults and children.
const (
	edSiteAdult = "RA701" // Bristol Royal Infirmary
	edSiteChild = "RA723" // Bristol Royal Hospital for Children
)

// Out-of-hours presenting complaints and outcomes (free text).
var oohComplaints = []string{
	"Chest pain", "Shortness of breath", "Fever", "Vomiting and diarrhoea", "Abdominal pain",
	"Rash", "Earache", "Sore throat", "Urinary symptoms", "Back pain", "Headache", "Cough",
	"Medication query", "Repeat prescription request", "Palliative care - pain control",
	"Fall at home", "Confusion", "Anxiety", "Dental pain", "Eye problem",
}

var oohOutcomes = []string{
	"Self-care advice given",
	"Advice given; to contact own GP if no improvement",
	"Prescription issued: amoxicillin 500mg TDS for 5 days",
	"Referred to ED; ambulance not required",
	`Patient says "much better" after advice`,
	"999 ambulance requested",
	"Seen at base; examined, no red flags",
	"Home visit completed; family present",
	"Advised to attend the urgent treatment centre in the morning",
	"Referred to on-call medical team",
	"Emergency supply of regular medication arranged",
	`Carer reports "not himself"; reviewed, safety-netting advice given`,
}

// oohSecondLines follow a line break in the ~2% of outcomes written over two lines.
var oohSecondLines = []string{
	"Safety-netting advice given; call back if worse.",
	`Said "ok" to plan.`,
	"Copy of notes sent to own GP.",
	"Call back in 2 hours; no answer, message left.",
}

var oohCaseTypes = []string{"Telephone advice", "Base visit", "Home visit"}

// Bristol, North Somerset and South Gloucestershire postcode districts.
var postcodeDistricts = []string{
	"BS1", "BS2", "BS3", "BS4", "BS5", "BS6", "BS7", "BS8", "BS9", "BS10", "BS11", "BS13",
	"BS14", "BS15", "BS16", "BS20", "BS21", "BS22", "BS23", "BS24", "BS25", "BS26", "BS27",
	"BS28", "BS29", "BS30", "BS31", "BS32", "BS34", "BS35", "BS36", "BS37", "BS39", "BS40",
	"BS41", "BS48", "BS49",
}

// postcodeUnitLetters are the letters allowed in the last two places of a postcode.
const postcodeUnitLetters = "ABDEFGHJLNPQRSTUWXYZ"

// GP practices: ODS-like codes L81001..L81099; each practice runs one clinical system.
const practiceCount = 99

func practiceCode(i int) string { // i in 0..98
	var b [6]byte
	copy(b[:], "L81")
	putDigits(b[3:], uint64(i+1))
	return string(b[:])
}

// practiceIsTPP: three practices in ten run SystmOne (gp-tpp), the rest EMIS.
func practiceIsTPP(i int) bool { return i%10 == 2 || i%10 == 5 || i%10 == 8 }

// Codes for the unknown_code habit: well-formed in their code system (a SNOMED CT or dm+d
// id has a concept partition and its Verhoeff check digit; a Read v2 code is five characters;
// an ICD-10 code is in the NHS four-character form) but in none of the reference lists the
// pipeline holds (the tables above, sql/schema/61_code_map.sql, 62_icd10_map.sql).
// TestUnknownCodes holds them to that.
var (
	unknownSNOMED        = []string{"271737000", "10509002", "36971009", "90560007", "82272006", "57676002", "267038008", "162864005"}
	unknownAllergySNOMED = []string{"91930004", "425525006", "418038007", "300910009", "294532003", "419199007", "294530006"}
	unknownDmd           = []string{"317896006", "325072002", "321177003", "39732311000001104", "42005711000001107", "37718911000001101"}
	unknownRead          = []string{"H06z0", "K190.", "M03z0", "N245.", "C34..", "F4C0.", "1371.", "J16y4"}
	unknownICD10         = []string{"K297", "M545", "R509", "J069", "K590", "R51X", "M109", "D649"}
)
