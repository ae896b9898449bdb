//! The words of the demo business: a home-services company (plumbing, heating, electrical)
//! and the conversations its customers have with it.

pub(super) const BUSINESS: &str = "Brightside Home Services";

pub(super) const FIRST_NAMES: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
    "Mia", "Mateo", "Amelia", "Benjamin", "Harper", "Henry", "Evelyn", "Theodore", "Luna",
    "Jack", "Camila", "Levi", "Gianna", "Alexander", "Elizabeth", "Jackson", "Eleanor",
    "Daniel", "Ella", "Michael", "Abigail", "Mason", "Sofia", "Sebastian", "Avery", "Ethan",
    "Scarlett", "Logan", "Emily", "Owen", "Aria", "Samuel", "Penelope", "Jacob", "Chloe",
    "Asher", "Layla", "Aiden", "Mila", "John", "Nora", "Joseph", "Hazel", "Wyatt", "Madison",
    "David", "Ellie", "Leo", "Lily", "Priya", "Wei", "Fatima", "Diego", "Aisha", "Hiroshi",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim", "Okafor", "Novak",
];

pub(super) const COMPANIES: &[&str] = &[
    "Maple Street Bakery", "Harbor Dental", "Sunrise Daycare", "Oak & Iron Fitness",
    "Bluebird Cafe", "Summit Realty", "Greenleaf Apartments", "Riverside Vet Clinic",
    "Corner Books", "Northside Laundromat", "Atlas Property Management", "Golden Spoon Diner",
    "Pine Hollow Motel", "Cedar Ridge HOA", "Lakeside Yoga", "Copperline Salon",
];

pub(super) const AREA_CODES: &[&str] =
    &["212", "312", "415", "512", "617", "646", "713", "206", "303", "404"];

pub(super) const MAIL_DOMAINS: &[&str] =
    &["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "fastmail.com", "proton.me"];

/// One kind of job a customer asks about, with what each channel says about it.
pub(super) struct Topic {
    pub subject: &'static str,
    pub ask: &'static str,
    pub reply: &'static str,
    pub follow_up: &'static str,
    pub sms_in: &'static str,
    pub sms_out: &'static str,
    pub call_turn: &'static str,
    pub summary: &'static str,
    pub item: &'static str,
    pub price_minor: i64,
}

pub(super) const TOPICS: &[Topic] = &[
    Topic {
        subject: "Water heater making a banging noise",
        ask: "Hi, our water heater has started making a loud banging noise every morning and the water is only lukewarm. Could someone take a look this week? It is about eight years old.",
        reply: "Thanks for reaching out! That banging is usually sediment build-up in the tank. We can flush it and check the anode rod. Would Thursday between 9 and 11 work for you?",
        follow_up: "Thursday works, thank you. Do you need us to turn anything off beforehand?",
        sms_in: "Hi, is the technician still coming for the water heater today?",
        sms_out: "Yes! Marco is on his way and should arrive around 10:15.",
        call_turn: "Our water heater is banging and the water is lukewarm, can you come out this week?",
        summary: "Customer reports a banging water heater with lukewarm water; booked a tank flush and anode check.",
        item: "Water heater flush and anode rod check",
        price_minor: 18_900,
    },
    Topic {
        subject: "Quote for bathroom remodel plumbing",
        ask: "We are remodeling our upstairs bathroom and need the plumbing moved for a double vanity and a walk-in shower. Can you send a quote? Our budget is around 6,000 dollars and we would like it done before the holidays.",
        reply: "Happy to help with the remodel. I have attached a quote for relocating the supply and drain lines, the shower valve and the vanity rough-in. We can start the week of the 14th.",
        follow_up: "The quote looks reasonable. Is the shower valve a thermostatic one? We would like to go ahead if so.",
        sms_in: "Got the quote for the bathroom, can we talk about the timeline?",
        sms_out: "Of course, I can call you at 3pm today if that suits.",
        call_turn: "I want a quote for moving the plumbing in our bathroom remodel, budget is about six thousand.",
        summary: "Bathroom remodel lead with a six thousand dollar budget and a holiday deadline; quote requested.",
        item: "Bathroom remodel rough-in plumbing",
        price_minor: 585_000,
    },
    Topic {
        subject: "Furnace not turning on",
        ask: "Our furnace will not turn on and it is getting cold at night. The thermostat has power but nothing happens. This is urgent, we have a newborn at home.",
        reply: "I am sorry to hear that, we will prioritise you. A technician can be there this afternoon between 2 and 4. Please check that the furnace switch near the unit is on.",
        follow_up: "The switch was on. Thank you for coming so quickly, it works again.",
        sms_in: "Furnace stopped again tonight, what should we do?",
        sms_out: "Sorry about that. Please reset the breaker once; if it does not start we will come first thing tomorrow.",
        call_turn: "The furnace won't turn on and it's freezing, this is really urgent, we have a baby.",
        summary: "Urgent no-heat call from a family with a newborn; same-day visit booked and ignitor replaced.",
        item: "Furnace ignitor replacement",
        price_minor: 32_500,
    },
    Topic {
        subject: "Annual HVAC maintenance plan",
        ask: "I saw you offer a maintenance plan. What does it include and how much is it per year? We have a gas furnace and central air.",
        reply: "Our Comfort Plan covers a spring AC tune-up, a fall furnace check, priority booking and 15 percent off repairs, for 189 dollars a year.",
        follow_up: "Sounds good, please sign us up and schedule the spring visit.",
        sms_in: "Reminder received for the tune-up, can we move it to Friday?",
        sms_out: "Done, you are booked for Friday at 8am. See you then!",
        call_turn: "What does your maintenance plan include and what does it cost per year?",
        summary: "Asked about the annual maintenance plan pricing; signed up for the Comfort Plan.",
        item: "Comfort Plan annual membership",
        price_minor: 18_900,
    },
    Topic {
        subject: "Leak under the kitchen sink",
        ask: "There is a slow leak under our kitchen sink and the cabinet floor is getting soft. Can you fix it and is the damage something you handle too?",
        reply: "We can replace the leaking trap and supply lines. For the cabinet floor we can recommend a carpenter we trust. Would Monday morning work?",
        follow_up: "Monday is fine. The leak seems worse today, should I shut the valve?",
        sms_in: "Leak is dripping faster now, is Monday still the earliest?",
        sms_out: "Please close the valve under the sink for now; we can squeeze you in tomorrow at 8.",
        call_turn: "There's a leak under my kitchen sink and the cabinet is getting damaged.",
        summary: "Kitchen sink leak damaging the cabinet; trap and supply lines to be replaced.",
        item: "Kitchen sink trap and supply line replacement",
        price_minor: 21_450,
    },
    Topic {
        subject: "Panel upgrade for EV charger",
        ask: "We just bought an electric car and want a level 2 charger in the garage. Our panel is 100 amp. Do we need an upgrade and what would it cost? I am the owner and can decide quickly.",
        reply: "A 100 amp panel often needs an upgrade for a 48 amp charger. We can do a load calculation on site; a panel upgrade with charger install typically runs 3,800 to 4,500 dollars.",
        follow_up: "That is more than I hoped. Is there a cheaper option with a smaller charger?",
        sms_in: "Can the electrician come Saturday for the EV charger assessment?",
        sms_out: "Saturday at 10 works. Our electrician Dana will do the load calculation.",
        call_turn: "I need a level two EV charger installed and I'm not sure my panel can handle it.",
        summary: "EV charger install enquiry; likely panel upgrade, price sensitive, decision maker on the call.",
        item: "EV charger install with panel upgrade",
        price_minor: 412_000,
    },
    Topic {
        subject: "Invoice question",
        ask: "I was charged twice on my last invoice for the drain cleaning. Could you check and refund the duplicate? This is frustrating.",
        reply: "You are right, and I apologise: the payment went through twice. The refund is on its way and should appear in three to five business days.",
        follow_up: "Thanks for sorting it out so quickly.",
        sms_in: "Still no refund for the double charge, can you check?",
        sms_out: "So sorry for the wait. I checked with our bank and the refund was issued yesterday.",
        call_turn: "I was charged twice for the drain cleaning and I'm not happy about it.",
        summary: "Customer double-charged for drain cleaning; refund issued and apology given.",
        item: "Drain cleaning",
        price_minor: 14_900,
    },
    Topic {
        subject: "Outlet sparking in the living room",
        ask: "One of the outlets in our living room sparked when I plugged in the vacuum and now it does not work. Is this dangerous? When can you come?",
        reply: "Please do not use that outlet until we inspect it. We can send an electrician tomorrow morning to replace it and check the circuit.",
        follow_up: "Thank you, tomorrow morning is perfect.",
        sms_in: "The outlet is making a buzzing sound now, should I turn off the breaker?",
        sms_out: "Yes, please switch off that breaker now. Our electrician will be there at 8.",
        call_turn: "An outlet sparked in my living room and now it doesn't work, is it dangerous?",
        summary: "Sparking outlet reported; advised to stop using it and booked an electrician.",
        item: "Outlet replacement and circuit check",
        price_minor: 16_500,
    },
];

pub(super) const NOTES: &[&str] = &[
    "Prefers text messages over calls during work hours.",
    "Has a dog in the backyard: call before entering.",
    "Asked us to use the side gate; the code is in the job notes.",
    "Property manager for three buildings, potential repeat business.",
    "Left a five-star review after the last visit.",
    "Mentioned a neighbour who also needs a water heater replaced.",
];

pub(super) const AGENT_GREETING: &str =
    "Thanks for calling Brightside Home Services, this is Riley. How can I help you today?";
pub(super) const AGENT_CLOSING: &str =
    "I have booked that for you and you will get a text confirmation shortly. Anything else?";
pub(super) const CUSTOMER_CLOSING: &str = "No, that's all, thank you so much.";
