#!/usr/bin/env python3
r"""Generate the VADER reference fixture for hearth-core's Rust port.

Why: `crates/hearth-core/src/analytics/vader.rs` is an exact port of Python's
`vaderSentiment` 3.3.2. Its tests compare every row of the fixture written here, so
any drift from the Python reference (rounding, negation, "but", emoji, caps...) fails CI.

Usage (from anywhere):

    pip install vaderSentiment==3.3.2
    python3 scripts/vader-reference.py

Writes `crates/hearth-core/tests/fixtures/vader_reference.tsv` with the columns
`text, neg, neu, pos, compound`; the floats are Python `repr`s. In `text`, a backslash,
tab, CR, LF and the other C0/C1 controls plus U+2028/U+2029 are escaped as `\\`, `\t`,
`\r`, `\n` and `\u{hex}` so that every row stays on one line.

The fixture was generated with CPython 3.11 (Unicode 14.0, plain left-to-right float
`sum`). Python >= 3.12 uses compensated summation in `sum()`; the Rust port follows 3.11.
The sentence set is deterministic (fixed seed), so rerunning gives the same file.
"""

import importlib.metadata
import os
import random
import sys

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "hearth-core", "tests", "fixtures", "vader_reference.tsv")
SEED = 20261121
RANDOM_ROWS = 1300


def escape(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif cp < 0x20 or 0x7F <= cp <= 0x9F or ch in "\u2028\u2029":
            out.append("\\u{%x}" % cp)
        else:
            out.append(ch)
    return "".join(out)


# --- the package's own examples (vaderSentiment.py __main__) -----------------------------
PACKAGE_EXAMPLES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "It was one of the worst movies I've seen, despite good reviews. Unbelievably bad acting!! "
    "Poor direction. VERY poor production. The movie was bad. Very bad movie. VERY BAD movie!",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!!",
    "Poor direction.",
    "VERY poor production.",
    "The movie was bad.",
    "Very bad movie.",
    "VERY BAD movie!",
    "balloons", "cake", "candles", "happy birthday", "friends", "laughing", "smiling", "party",
    "riot", "fire", "fight", "blood", "mob", "war", "police", "tear gas",
    "I'm surprised to see just how amazingly helpful VADER is!",
    "Je suis surpris de voir comment VADER est incroyablement utile !",
    "Ich bin überrascht zu sehen, nur wie erstaunlich nützlich VADER!",
    "Me sorprende ver sólo cómo increíblemente útil VADER!",
    "Sono sorpreso di vedere solo come incredibilmente utile VADER è!",
    "Я удивлен увидеть, как раз как удивительно полезно ВЕЙДЕРА!",
    "私はちょうどどのように驚くほど役に立つベイダーを見て驚いています!",
    "أنا مندهش لرؤية فقط كيف مثير للدهشة فيدر فائدة!",
    "我很惊讶地看到VADER是如此有用!",
]

NEGATIONS = [
    "not bad", "not good", "Not bad.", "NOT bad", "not BAD", "isn't very good", "isn't good",
    "is not very good", "never so happy", "I have never been so happy", "never this good",
    "never so bad", "I am never so happy with them", "never good", "never really good",
    "It was never this bad before", "nothing good", "nothing was good", "nobody is happy",
    "none of it was good", "nope, not great", "not great, not terrible", "aint bad", "ain't bad",
    "cant complain", "can't complain", "cannot complain", "couldn't be happier",
    "couldnt be better", "didn't like it", "didnt like it", "doesn't work", "doesnt help",
    "don't love it", "dont hate it", "hadn't enjoyed", "hasn't failed yet", "haven't been happier",
    "isnt great", "mightn't win", "mustn't worry", "neither good nor bad", "needn't fear",
    "no good", "no problem", "no problems at all", "no worries", "no no no", "no, good",
    "no love", "there is no love or hope", "no trust nor hope here", "no hope nor love",
    "no way this is good", "nowhere near good", "oughtn't fail", "shan't regret", "shouldnt fail",
    "uhuh that's good", "uh-uh, not happy", "wasn't happy", "weren't pleased", "without love",
    "without fail", "won't recommend", "wont help", "wouldn't recommend", "wouldnt trust",
    "rarely good", "seldom happy", "despite the good reviews", "despite good reviews it was bad",
    "I don't think it's bad", "I do not think it is good", "Not too shabby", "not the worst",
    "not at all happy", "not very happy", "not really happy", "not so happy", "not that good",
    "not kind of good", "NOT GOOD AT ALL", "Nobody can't be unhappy", "don’t like it",
    "can`t stand it", "can't stand it", "I can't stand this", "fed up with this", "screwed up order",
    "I'm not unhappy", "not unhappy", "not undeserved", "haven't you heard, it's great",
    "least bad option", "the least helpful answer", "at least it works", "at least good",
    "very least good", "the very least helpful", "least", "at least", "not the least bit happy",
    "Without doubt great", "without a doubt great", "without any doubt great",
    "without doubt, terrible", "Without doubt this is good", "n't good", "dunn't good",
    "won'tt good", "NEVER SO HAPPY", "never SO happy", "Never so happy!!!",
    "not not good", "no not bad", "not no bad",
]

BUT = [
    "The food was good but the service was slow",
    "The food was great, but the service was terrible.",
    "I liked it but not much", "good but bad", "bad but good", "good good but good good",
    "good bad but bad good", "Great price but awful quality", "but good", "good but",
    "but", "BUT it was good", "The staff was friendly, BUT the wait was awful",
    "nice but but nice", "good, but... bad", "good but, bad",
    "love love love but hate hate hate", "happy happy but sad sad happy",
    "It was not bad but not good either",
    "I love the product but delivery was late and the box was damaged.",
    "Thanks for the quick reply, but I'm still waiting for my refund.",
    "The plumber was on time but left a mess.",
    "Nice work but I expected better", "fine fine fine but fine", "but but good",
    "sad but true", "small but mighty", "cheap but good", "Great, but...", "Anything but good",
    "all but good", "good good good but", "good :) but :(",
    "The tech was helpful and kind, but the bill was a shock and nobody warned me",
]

CAPS = [
    "GOOD", "good", "Good", "GOOD good", "GOOD bad", "BAD good", "This is GREAT",
    "THIS IS GREAT", "this is GREAT!", "VERY good", "very GOOD", "VERY GOOD", "It is VERY good",
    "It is EXTREMELY bad", "It is KINDA good", "SO good", "I am SO happy", "I AM SO HAPPY",
    "I LOVE IT", "I love IT", "NOT good", "NOT bad at all", "LOL that was funny", "lol",
    "WORST service ever", "worst SERVICE ever", "The Best", "ÜBER good", "Über GOOD thing",
    "ÉNORME success", "A GOOD one", "A good ONE", "OK", "ok", "Ok then", "OK OK ok",
    "HORRIBLE horrible HORRIBLE", "123 GOOD", "GOOD 123", "GOOD :)", ":D GOOD", "XD",
    "xD lol", "I GOT IT", "THANK you", "Thank YOU so much", "FRIGGIN AWESOME dude",
    "frigging awesome DUDE", "TOTALLY awesome", "totally AWESOME", "SLIGHTLY bad",
    "slightly BAD", "BARELY good", "ALMOST perfect", "HARDLY a problem",
]

PUNCT = [
    "good!", "good!!", "good!!!", "good!!!!", "good!!!!!", "good!!!!!!!!!!", "bad!", "bad!!!",
    "bad!!!!!", "good?", "good??", "good???", "good????", "good?????", "bad??", "bad????",
    "good?!", "good!?!?", "bad?!?!?!", "Really?! That's great!!", "Are you happy?? Yes!!!",
    "Why??? Just why??? Terrible!!!", "what?", "what??", "what???", "what!?", "!!!", "???",
    "!?", "!", "?", "...", "good...", "good.", "good,", "good;", "(good)", "[bad]", "{great}",
    "'good'", '"good"', "-good-", "--good--", "__bad__", "*great*", "**great**", "good!!!bad",
    "g!ood", "go!od", "ok!", "OK!!", "ok?", "!good", "?bad", "good !!!", "good ! ! !",
    "Is it good ?", "Is it bad ??", "Amazing!!! Thank you!!!", "no!!!", "No!", "no?", "NO!!!",
]

EMOJI = [
    ":)", ":(", ":-)", ":-(", ":D", ":d", ":P", ":p", ";)", ";-)", ":'(", ":/", ":|", "<3",
    "</3", "XD", "xD", "xd", "D:", "d:", "8)", "(:", "):", ":-D", "=D", "=)", ":O", ":o",
    "o.O", "O.o", "O_o", "^_^", "-_-", ":-p", ":-P", ":-Þ", ":Þ", ":-þ", ":þ", ">:(", "(-:",
    "good :)", "bad :(", "good :(", "bad :)", "Thanks :)", "thanks :-)", "Thanks!! :D",
    "not :)", "no :)", "very :)", "very :(", "(:)", ":):)", ":) :)", "love <3", "<3<3<3",
    "😀", "😁", "😂", "🤣", "😃", "😢", "😡", "👍", "👎", "❤", "❤️", "💔", "🔥", "💯",
    "🙂", "🙁", "😍", "😭", "😊😊😊", "😊 😊", "good😊", "😊good", "good 😊", "bad😡!",
    "great👍👍", "👍great", "The cake was amazing 🎂🎉", "Terrible service 😡😡😡",
    "Thanks 🙏", "Love it ❤️❤️", "ok 👌", "🆙", "🔛 now", "😁!", "😁?", "a😁b", "😁 😁",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁", "©", "® brand", "© 2024 good company",
    "👨‍👩‍👧 family", "🇺🇸 flag", "👍🏽 nice", "🏴󠁧󠁢󠁷󠁬󠁳󠁿 Wales", "🤷", "🙃 sure",
    "not 😊", "no 😊", "never 😀", "very 😀", "kind of 😀", "least 😀", "😀 but 😡",
    "I ❤ this place", "I 💔 this place", "🦄", "💩", "💩💩 service",
]

IDIOMS = [
    "kiss of death", "That was the kiss of death", "It was the kiss of death for us",
    "the bomb", "This pizza is the bomb", "you guys are the bomb!", "This bomb is the bomb",
    "the shit", "This place is the shit", "that is the shit", "That is some bad ass work",
    "He is a bad ass", "what a badass", "bad ass", "I will wait at the bus stop",
    "I will wait at the bus stop happily", "The bus stop was dirty",
    "yeah right", "Oh yeah right, great job", "yeah right that was great",
    "The cake is to die for", "This cake is to die for", "a dessert to die for",
    "beating heart", "my beating heart", "with a beating heart we waited",
    "cut the mustard", "It does not cut the mustard", "hand to mouth", "back handed compliment",
    "blow smoke", "upper hand", "break a leg", "cooking with gas", "in the black",
    "in the red", "on the ball", "under the weather", "I am feeling under the weather",
    "We are in the red again", "you are on the ball today",
    "just enough good", "it was just enough good", "it was sort of good", "it was sort of bad",
    "it was kind of good", "it was kind of bad", "kind of good", "kind of", "kind", "of",
    "it is kind of", "Kind Of Good", "KIND OF GOOD", "kinda good", "kindof bad", "kind-of nice",
    "sorta nice", "sort of nice", "sortof nice", "sort-of nice", "it is sort of kind of good",
    "I kind of like it", "kind of like", "a kind of magic", "she is kind", "she was kind of kind",
    "very kind of you", "kind words", "He was so kind", "the kind of service you love",
    "It was the kind of day you hate", "a kind of bad idea", "they were kind of the best",
    "it was only just enough", "just enough", "That was just enough for a good day",
]

CONTRACTIONS_NUMBERS_URLS = [
    "I'm happy", "I'm not happy", "you're great", "it's bad", "it's not bad", "they've won",
    "we'll see", "I'd love that", "I'd hate that", "y'all rock", "o'clock is fine",
    "Call me at 555-0134", "Order #4521 arrived broken", "5 stars", "1 star", "0/10",
    "10/10 would recommend", "50% off!!!", "$1,000.00 refund", "3.5 stars", "100% satisfied",
    "2nd time it broke", "24/7 support is great", "1337", "404 not found", "12:30 works",
    "https://example.com/great-deal", "http://bad.example.org", "Visit www.best-plumber.com",
    "email me at happy.customer@example.com", "good.com", "https://x.co/?q=love&x=hate",
    "C:\\Users\\bad\\file", "a\\b good", "\\:", "path/to/good/file", "#goodvibes", "@bestfriend",
    "#love #hate", "@jane thanks!", "RT @bob: awesome", "e.g. good", "i.e. bad", "Mr. Happy",
    "Dr. No", "No. 5 is good", "3.14 is pi", "1.5x better", "v2.0 is awesome",
]

ODD_INPUTS = [
    "", " ", "   ", "\t", "\n", "\n\n", " \t\n ", ".", ",", "!", "?", "-", "--", "'", "''",
    "\"", ":", ";", "...", "?!?!", "!!!!!", "?????", "()", "[]", "{}", "a", "I", "i", "ab",
    "abc", "x y z", "the", "the the the", "a an the", "lorem ipsum dolor sit amet",
    "Très bien, merci!", "café was great", "naïve approach", "résumé looks good",
    "El servicio fue excelente", "Das war gut", "これは良いです", "Отлично!", "İstanbul was nice",
    "ΣΟΦΟΣ good", "Σ good", "ς bad", "good…", "“great” service", "‘bad’ idea", "good—bad",
    "Good\u00a0service", "good\u200bservice", "good\u3000bad", "good\u2028bad",
    "\u0085good", "good\x1cbad", "good\x1fBAD", "\x0bgood\x0c", "good\rbad", "good\r\nbad",
    "ＧＯＯＤ", "ＧＯＯＤ good", "\u212aind of good", "\u212aIND OF GOOD", "ʕ GOOD bad",
    "ABʕ good", "𐵐𐵑 GOOD bad", "𐵰𐵱 GOOD bad", "Ᲊ GOOD bad", "ǅ GOOD bad", "ǅ good",
    "ᾈ good BAD", "ß GOOD", "ŉ good", "ﬀ GOOD bad", "Ⅻ GOOD bad", "ⓐ GOOD bad", "Ⓐ GOOD bad",
    "ᵃ GOOD", "GOOD ª bad", "GOOD ǈ BAD", "\u0130 good", "good\u0301 bad", "é!", "é!!",
    "ab!", "abc!", "!ab!", "!abc!", "a!b", ":)!", "!:)!", "((:))", "'''good'''", "good'",
    "'s", "n't", "isn't", "ISN'T", "Isn't GOOD", "\\", "\\\\good", "good\\", "tab\there",
]

# --- CRM-flavoured texts: customer mail, SMS, call notes, voice-AI call lines -----------
CRM = [
    "Hi Sarah, thanks so much for fixing the leak yesterday. Your technician was friendly and "
    "professional, and he cleaned up after himself. We'll definitely call you again!",
    "Hello, I ordered a birthday cake for Saturday and it still hasn't been confirmed. "
    "Can someone please get back to me? This is really frustrating.",
    "The haircut was fine but the wait was over 40 minutes even though I had an appointment.",
    "I am extremely disappointed. The invoice was wrong twice and nobody answered my calls.",
    "Thanks! Everything looks great. See you next month.",
    "Please cancel my subscription. I'm not happy with the service and I don't want to be charged again.",
    "Just wanted to say the new menu is amazing!!! My kids loved the pancakes.",
    "Could you send me a quote for replacing two windows? No rush.",
    "Your delivery driver was rude and left the package in the rain. Unacceptable.",
    "We appreciate your patience while we look into the issue with your order.",
    "Hi,\nI wanted to follow up on my last email.\nThe part you installed is already broken.\nPlease advise.\nThanks,\nMark",
    "Dear team,\n\nThank you for the wonderful service at our wedding. Everyone loved the flowers!\n\nBest regards,\nAnna",
    "Hey, quick question: do you guys work weekends? My boiler is making a weird noise.",
    "I've been a loyal customer for 10 years but this is the last straw. Terrible experience.",
    "Great job on the website redesign, though the contact form doesn't work on mobile.",
    "No problem at all, happy to help! Let me know if you need anything else.",
    "The estimate was reasonable and the work was done on time. Would recommend.",
    "I'm not sure the repair fixed it. The noise is back and it's worse than before.",
    "Refund received, thank you for sorting it out so quickly.",
    "Not impressed. The room was dirty and the staff didn't seem to care.",
    "AI: Thanks for calling Bright Smile Dental, how can I help you today?",
    "User: Hi, I need to reschedule my cleaning, something came up.",
    "AI: No problem, I can help with that. What day works best for you?",
    "User: Thursday afternoon would be great, thank you so much!",
    "User: This is the third time I'm calling about the same problem and nobody has called me back.",
    "User: Yeah, the technician was awesome, really happy with the job.",
    "Customer: I want to speak to a manager. This is ridiculous.",
    "Assistant: I'm sorry to hear that. Let me transfer you.",
    "User: ok",
    "User: uh, yeah, I guess that's fine",
    "User: no no, that's not what I asked for",
    "User: Perfect, thanks, bye!",
    "AI: Is there anything else I can help with?\nUser: No, that's all, you've been very helpful.",
    "AI: Hello!\nUser: Hi, my order arrived damaged.\nAI: I'm sorry about that.\nUser: It's ok, "
    "just send a new one please.",
    "Called customer, left voicemail. Customer upset about late delivery.",
    "Customer very happy with install, wants a quote for the garage too.",
    "Complaint: mold in the bathroom after the renovation. Needs urgent visit.",
    "Met with the client, great meeting, they signed the contract!",
    "Client threatened to leave a bad review unless we refund the full amount.",
    "Follow-up call: issue resolved, customer satisfied.",
    "Missed appointment, customer annoyed, rebooked for Friday.",
    "Sent from my iPhone",
    "-- \nJohn Smith\nSmith Plumbing Ltd.\nThe best plumbers in town!",
    "> I hope you're happy with the result.\nI'm not, actually. The paint is peeling already.",
    "On Mon, Jan 5, 2026 at 9:14 AM Jane Doe <jane@example.com> wrote:\n> Great news!",
    "-----Original Message-----\nFrom: support\nSubject: Your terrible order",
    "Thank you for your business! Your invoice #1043 is attached. Payment is due within 30 days.",
    "URGENT!!! The heating is not working and we have a newborn at home. Please come ASAP!!!",
    "Hi there — loved the workshop on Saturday. The instructor was brilliant and super patient. "
    "Is there a follow-up session planned? I'd sign up in a heartbeat.",
    "I have been waiting three weeks for a callback. Three weeks! I am done with your company.",
    "The product works as described. Shipping was a bit slow.",
    "meh",
    "It's fine I guess",
    "Could be better, could be worse.",
    "Honestly the best customer service I've ever had. Kudos to Maria!",
    "Your app keeps crashing when I try to pay. Fix it please.",
    "We're thrilled with the results, the garden looks stunning. Thank you!!",
    "Why is my bill $200 higher than last month??? Nobody told me about any price increase!!!",
    "Can you confirm the appointment for tomorrow at 10am?",
    "Sorry for the late reply, I was away. Yes, Tuesday works.",
    "I regret choosing your company. Worst decision I made this year.",
    "Absolutely fantastic work, the kitchen looks brand new. Highly recommend!",
    "The team was polite but the job took twice as long as promised, and the final price was "
    "higher than the quote. I'm not sure I'd hire them again.",
    "Hi Tom,\n\nJust a quick note to say thanks for the fast turnaround on the brochures. They look "
    "fantastic and our clients love them.\n\nOne small thing: the phone number on page 2 has a typo. "
    "Could you fix it for the next print run?\n\nCheers,\nLiz\n\nSent from my iPhone",
    "Hello,\n\nI am writing to complain about the state of the apartment after the cleaning. "
    "The floors were still sticky, the bathroom smelled, and the windows were not touched at all. "
    "I paid for a deep clean and this is not acceptable.\n\nI expect a partial refund or a "
    "free re-clean this week.\n\nRegards,\nPaul Becker",
    "Thanks for reaching out! Unfortunately we're fully booked this weekend, but we'd be happy "
    "to fit you in on Monday morning. Let us know!",
    "I'm so grateful for your help with my tax return. You saved me a ton of stress :)",
    "The dog grooming was great, Max looks adorable. But he came home with a small cut on his ear, "
    "which worries me a bit.",
    "Everything was perfect, except the coffee was cold. Still, 5 stars!",
    "Never again. Rude staff, cold food, and they overcharged us.",
    "Not bad for the price, not great either.",
    "I don't usually write reviews, but this bakery deserves it. The sourdough is incredible!",
    "We had a problem with the first install, but Dave came back the next day and fixed "
    "everything. Great recovery, thanks!",
    "Please stop emailing me. Unsubscribe.",
    "Is this a scam? I never ordered anything from you.",
    "Lovely people, lovely service, lovely prices. What more can you ask for?",
    "My car is still making the same noise after the repair. I'm really not happy about paying "
    "for a fix that didn't fix anything.",
    "Wow. Just wow. The photos from the wedding are stunning. We cried when we saw them.",
    "The quote seems high. Can you explain the labor costs?",
    "Good morning! Confirming our 2pm meeting. Looking forward to it.",
    "Thanks, but no thanks.",
    "I love you guys!!! ❤️❤️❤️",
    "Meh. It was ok. Nothing special 🤷",
    "Very disappointed 😞 the flowers were wilted on arrival",
    "Had a great time at the spa 😊 will be back!",
    "not happy 😡😡 refund NOW",
]


def lexicon_words(analyzer):
    words = sorted(analyzer.lexicon)
    plain = [w for w in words if w.isalpha()]
    odd = [w for w in words if not w.isalpha()]
    return plain, odd


def random_rows(analyzer, rng):
    plain, odd = lexicon_words(analyzer)
    boosters = sorted(BOOSTER_DICT)
    negators = sorted(NEGATE) + ["no", "least", "at least", "very least", "never so",
                                 "never this", "without doubt", "without a doubt", "n't"]
    specials = sorted(SPECIAL_CASES) + ["kiss of", "of death", "die for", "the"]
    fillers = ["the", "a", "it", "was", "is", "I", "we", "you", "service", "order", "and", "or",
               "nor", "so", "this", "kind", "of", "at", "very", "but", "BUT", "to", "for", "no",
               "never", "without", "doubt", "least", "just", "enough", "sort", "really"]
    emojis = sorted(k for k in analyzer.emojis if len(k) == 1)
    multi_emojis = sorted(k for k in analyzer.emojis if len(k) > 1)
    common_pos = ["good", "great", "happy", "love", "nice", "excellent", "thanks", "helpful",
                  "perfect", "amazing", "fine", "ok", "okay", "recommend", "pleased", "glad"]
    common_neg = ["bad", "terrible", "awful", "hate", "slow", "rude", "broken", "angry", "sad",
                  "worst", "disappointed", "problem", "late", "wrong", "poor", "sorry"]
    punct_wraps = ["{}", "{}", "{}", "{}!", "{}!!", "{}?", "{}??", "{}.", "{},", "({})", "'{}'",
                   "\"{}\"", "{}...", "-{}-", "{}!?", "{}:", "*{}*", "{};"]

    def word():
        r = rng.random()
        if r < 0.22:
            return rng.choice(plain)
        if r < 0.30:
            return rng.choice(odd)
        if r < 0.45:
            return rng.choice(common_pos + common_neg)
        if r < 0.55:
            return rng.choice(boosters)
        if r < 0.65:
            return rng.choice(negators)
        if r < 0.70:
            return rng.choice(specials)
        if r < 0.74:
            return rng.choice(emojis)
        if r < 0.75:
            return rng.choice(multi_emojis)
        return rng.choice(fillers)

    def shape(w):
        r = rng.random()
        if r < 0.12:
            w = w.upper()
        elif r < 0.18:
            w = w.title()
        if rng.random() < 0.15:
            w = rng.choice(punct_wraps).format(w)
        return w

    rows = []
    for n in range(RANDOM_ROWS):
        kind = n % 6
        if kind == 0:
            # short rule-dense phrase: [negator] [booster] word
            parts = [rng.choice(negators + [""]), rng.choice(boosters + ["", ""]),
                     rng.choice(common_pos + common_neg + [rng.choice(plain)])]
            words = [p for p in " ".join(parts).split(" ") if p]
        elif kind == 1:
            # repeated values exercise the list.index() quirk of the "but" rule
            a, b = rng.choice(common_pos), rng.choice(common_neg)
            seq = [rng.choice([a, b, a, "the", "no"]) for _ in range(rng.randint(1, 6))]
            seq.insert(rng.randint(0, len(seq)), "but")
            if rng.random() < 0.3:
                seq.insert(rng.randint(0, len(seq)), "but")
            words = seq
        else:
            words = [word() for _ in range(rng.randint(1, 18))]
            words = " ".join(words).split(" ")
        words = [shape(w) for w in words]
        if rng.random() < 0.1:
            # glue an emoji to a neighbour
            i = rng.randrange(len(words))
            words[i] = words[i] + rng.choice(emojis)
        text = " ".join(words)
        r = rng.random()
        if r < 0.15:
            text += "!" * rng.randint(1, 6)
        elif r < 0.25:
            text += "?" * rng.randint(1, 5)
        elif r < 0.3:
            text += rng.choice(["?!", "!?!", "?!?!?", " :)", " :(", " lol", "."])
        rows.append(text)
    return rows


def main():
    version = importlib.metadata.version("vaderSentiment")
    if version != "3.3.2":
        sys.exit("need vaderSentiment==3.3.2, found %s" % version)
    if sys.version_info >= (3, 12):
        print("warning: Python >= 3.12 sums floats with compensation; the fixture was made "
              "with 3.11", file=sys.stderr)
    analyzer = SentimentIntensityAnalyzer()
    rng = random.Random(SEED)

    texts = []
    for group in (PACKAGE_EXAMPLES, NEGATIONS, BUT, CAPS, PUNCT, EMOJI, IDIOMS,
                  CONTRACTIONS_NUMBERS_URLS, ODD_INPUTS, CRM):
        texts.extend(group)
    # Long texts: whole multi-sentence CRM threads made of the lines above.
    crm_long = [t for t in CRM if len(t) > 40]
    for _ in range(60):
        k = rng.randint(3, 9)
        sep = rng.choice([" ", "\n", "\n\n", "  "])
        texts.append(sep.join(rng.sample(crm_long, k)))
    texts.extend(random_rows(analyzer, rng))

    seen = set()
    rows = []
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        s = analyzer.polarity_scores(text)
        rows.append("\t".join([escape(text), repr(s["neg"]), repr(s["neu"]), repr(s["pos"]),
                               repr(s["compound"])]))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("text\tneg\tneu\tpos\tcompound\n")
        for row in rows:
            f.write(row + "\n")
    print("wrote %d rows to %s" % (len(rows), os.path.relpath(OUT, ROOT)))


if __name__ == "__main__":
    main()
