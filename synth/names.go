package synth

// Names common in England across the generations that make up the community. Lists are
// ordered roughly from most to least common; the generator favours the front.

var maleNames = []string{
	"David", "John", "James", "Michael", "Paul", "Peter", "Robert", "Richard", "Mark", "Andrew",
	"Thomas", "William", "Christopher", "Stephen", "Daniel", "Matthew", "George", "Oliver", "Jack", "Harry",
	"Charlie", "Joshua", "Samuel", "Benjamin", "Joseph", "Edward", "Alexander", "Anthony", "Simon", "Ian",
	"Kevin", "Gary", "Neil", "Graham", "Colin", "Keith", "Brian", "Kenneth", "Alan", "Martin",
	"Jacob", "Noah", "Oscar", "Henry", "Leo", "Alfie", "Freddie", "Archie", "Arthur", "Theo",
	"Mohammed", "Lucas", "Isaac", "Harrison", "Logan", "Max", "Roger", "Geoffrey", "Dennis", "Raymond",
	"Stanley", "Albert", "Frank", "Ernest", "Leonard", "Reginald", "Sidney", "Ronald", "Terence", "Barry",
	"Nigel", "Trevor", "Derek", "Malcolm", "Jamie", "Luke", "Ryan", "Adam", "Liam", "Ethan",
}

var femaleNames = []string{
	"Sarah", "Elizabeth", "Margaret", "Susan", "Mary", "Helen", "Emma", "Claire", "Karen", "Jennifer",
	"Patricia", "Julie", "Louise", "Nicola", "Rachel", "Rebecca", "Laura", "Hannah", "Charlotte", "Jessica",
	"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Poppy", "Ella",
	"Lily", "Evie", "Isabella", "Sophie", "Ivy", "Freya", "Willow", "Chloe", "Megan", "Lucy",
	"Joanne", "Lisa", "Tracey", "Michelle", "Angela", "Deborah", "Amanda", "Janet", "Christine", "Carol",
	"Linda", "Barbara", "Jean", "Pauline", "Sandra", "Valerie", "Dorothy", "Joan", "Doris", "Irene",
	"Elsie", "Edna", "Gladys", "Hilda", "Anne", "Catherine", "Victoria", "Zara", "Aisha", "Fatima",
	"Priya", "Siobhan", "Katie", "Gemma", "Natalie", "Kirsty", "Alice", "Florence", "Rosie", "Maisie",
}

var familyNames = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
	"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
	"Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
	"Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
	"James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
	"Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
	"Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
	"Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali",
	"Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
	"Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
	"Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart",
	"Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West",
	"Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
	"Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
	"Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
	"Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland",
	"Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird",
	"Gardner", "Shah", "Dean", "Lane", "Cooke", "Bates", "Henderson", "Parry", "Burgess", "Bishop",
	"Walton", "Burns", "Nicholson", "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls",
	"Hamilton", "Byrne", "Sutton", "McDonald", "Yates", "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor",
	"Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "O'Neill", "Griffin", "Sharp", "Hardy", "Wheeler",
	"Potter", "Osborne", "Johnston", "Gordon", "Doyle", "Wallace", "Jordan", "Hutchinson", "Lloyd-Williams", "Baker-Smith",
}
