"""The lexicon of the generated corpus: names, nouns, verbs and phrases, with their forms.

Nouns are ``(singular, plural)`` pairs, verbs ``(base, third person singular, past)``
triples, so that :mod:`~rnnlib.text.prose` can make subject and verb agree and keep a
paragraph in one tense.  About 640 distinct word forms, regular and irregular
(``carried``, ``wolves``, ``bought``).
"""

_NAMES_F = ["Anna", "Lena", "Clara", "Mira", "Ruth", "Ada", "Nora", "Greta", "Ida", "Maya",
            "Elsa", "Olga", "Rosa", "Vera", "Hanna"]
_NAMES_M = ["Tom", "Omar", "Felix", "Jonas", "Pablo", "Hugo", "Ivan", "Samuel", "Leo", "Emil",
            "Oscar", "Karl", "Max", "Victor", "Arthur"]

# (singular, plural)
_PEOPLE = [("farmer", "farmers"), ("baker", "bakers"), ("teacher", "teachers"),
           ("doctor", "doctors"), ("sailor", "sailors"), ("painter", "painters"),
           ("child", "children"), ("woman", "women"), ("man", "men"), ("girl", "girls"),
           ("boy", "boys"), ("king", "kings"), ("queen", "queens"),
           ("neighbour", "neighbours"), ("friend", "friends"), ("student", "students"),
           ("fisherman", "fishermen"), ("traveller", "travellers"), ("stranger", "strangers"),
           ("soldier", "soldiers"), ("miller", "millers"), ("shepherd", "shepherds"),
           ("gardener", "gardeners"), ("musician", "musicians"), ("writer", "writers"),
           ("merchant", "merchants"), ("old woman", "old women"), ("nurse", "nurses")]
_ANIMALS = [("cat", "cats"), ("dog", "dogs"), ("horse", "horses"), ("bird", "birds"),
            ("fox", "foxes"), ("wolf", "wolves"), ("mouse", "mice"), ("sheep", "sheep"),
            ("goose", "geese"), ("owl", "owls"), ("rabbit", "rabbits"), ("bear", "bears"),
            ("duck", "ducks"), ("cow", "cows"), ("goat", "goats"), ("deer", "deer")]
_THINGS = [("book", "books"), ("letter", "letters"), ("key", "keys"), ("lamp", "lamps"),
           ("basket", "baskets"), ("apple", "apples"), ("loaf", "loaves"),
           ("knife", "knives"), ("box", "boxes"), ("coat", "coats"), ("hat", "hats"),
           ("ring", "rings"), ("map", "maps"), ("candle", "candles"), ("cup", "cups"),
           ("bottle", "bottles"), ("stone", "stones"), ("flower", "flowers"),
           ("boat", "boats"), ("wheel", "wheels"), ("rope", "ropes"), ("coin", "coins"),
           ("bell", "bells"), ("chair", "chairs"), ("clock", "clocks"), ("glass", "glasses"),
           ("dish", "dishes"), ("brush", "brushes"), ("leaf", "leaves"), ("shelf", "shelves"),
           ("berry", "berries"), ("cherry", "cherries"), ("toy", "toys"),
           ("potato", "potatoes"), ("egg", "eggs"), ("umbrella", "umbrellas"),
           ("onion", "onions"), ("feather", "feathers"), ("blanket", "blankets"),
           ("pencil", "pencils"), ("needle", "needles"), ("jar", "jars"), ("net", "nets"),
           ("fish", "fish"), ("shell", "shells"), ("kettle", "kettles"), ("ladder", "ladders")]
_PLACES = ["garden", "river", "forest", "village", "market", "kitchen", "library", "harbour",
           "hill", "bridge", "field", "school", "church", "mill", "station", "square", "road",
           "valley", "cottage", "tower", "lake", "shore", "orchard", "barn", "castle", "inn",
           "meadow", "island", "well", "bakery"]
_PLACE_PREPS = ["in", "near", "behind", "beside", "across", "under", "above", "by", "along",
                "past", "towards", "around", "inside", "outside"]
_ADJECTIVES = ["old", "young", "small", "large", "quiet", "busy", "happy", "tired", "clever",
               "brave", "gentle", "strange", "bright", "dark", "heavy", "empty", "green", "red",
               "blue", "yellow", "golden", "wooden", "broken", "little", "tall", "warm", "cold",
               "wet", "ancient", "careful", "lazy", "curious", "patient", "noisy", "silver",
               "round", "hungry", "proud", "lonely", "early", "famous", "grey",
               "white", "black", "shy", "polite", "clean", "dusty", "odd", "enormous"]
_PERSON_ADJ = ["old", "young", "quiet", "busy", "happy", "tired", "clever", "brave", "gentle",
               "strange", "careful", "lazy", "curious", "patient", "noisy", "hungry", "proud",
               "lonely", "famous", "shy", "polite", "tall", "little"]
# (base, third person singular, past)
_INTRANSITIVE = [("sleep", "sleeps", "slept"), ("wait", "waits", "waited"),
                 ("laugh", "laughs", "laughed"), ("sing", "sings", "sang"),
                 ("dance", "dances", "danced"), ("run", "runs", "ran"),
                 ("walk", "walks", "walked"), ("smile", "smiles", "smiled"),
                 ("cry", "cries", "cried"), ("rest", "rests", "rested"),
                 ("listen", "listens", "listened"), ("work", "works", "worked"),
                 ("hurry", "hurries", "hurried"), ("swim", "swims", "swam"),
                 ("sit", "sits", "sat"), ("stay", "stays", "stayed"),
                 ("travel", "travels", "travelled"), ("shout", "shouts", "shouted"),
                 ("whisper", "whispers", "whispered"), ("wander", "wanders", "wandered"),
                 ("arrive", "arrives", "arrived"), ("fall", "falls", "fell"),
                 ("hide", "hides", "hid"), ("dream", "dreams", "dreamed"),
                 ("think", "thinks", "thought"), ("stand", "stands", "stood")]
_TRANS_THING = [("carry", "carries", "carried"), ("find", "finds", "found"),
                ("see", "sees", "saw"), ("hold", "holds", "held"), ("open", "opens", "opened"),
                ("paint", "paints", "painted"), ("mend", "mends", "mended"),
                ("sell", "sells", "sold"), ("buy", "buys", "bought"),
                ("bring", "brings", "brought"), ("lose", "loses", "lost"),
                ("keep", "keeps", "kept"), ("drop", "drops", "dropped"),
                ("fill", "fills", "filled"), ("clean", "cleans", "cleaned"),
                ("hide", "hides", "hid"), ("take", "takes", "took"),
                ("wash", "washes", "washed"), ("count", "counts", "counted"),
                ("polish", "polishes", "polished"), ("break", "breaks", "broke"),
                ("catch", "catches", "caught"), ("throw", "throws", "threw"),
                ("want", "wants", "wanted"), ("make", "makes", "made"),
                ("forget", "forgets", "forgot"), ("need", "needs", "needed")]
_TRANS_BEING = [("meet", "meets", "met"), ("follow", "follows", "followed"),
                ("help", "helps", "helped"), ("call", "calls", "called"),
                ("watch", "watches", "watched"), ("teach", "teaches", "taught"),
                ("feed", "feeds", "fed"), ("visit", "visits", "visited"),
                ("greet", "greets", "greeted"), ("thank", "thanks", "thanked"),
                ("wake", "wakes", "woke"), ("chase", "chases", "chased"),
                ("remember", "remembers", "remembered"), ("ask", "asks", "asked")]
_GIVE = [("give", "gives", "gave"), ("show", "shows", "showed"), ("send", "sends", "sent"),
         ("lend", "lends", "lent"), ("offer", "offers", "offered")]
_ADVERBS = ["slowly", "quickly", "quietly", "carefully", "happily", "gladly", "loudly",
            "softly", "patiently", "proudly", "politely", "silently", "at once", "again",
            "for a while", "all day", "without a word"]
_FREQ = ["often", "never", "always", "sometimes", "rarely", "usually"]
_TIMES = ["in the morning", "at night", "every day", "on Sunday", "after dinner",
          "before dawn", "at noon", "in the evening", "in winter", "in spring",
          "after the rain", "on Monday", "at sunset", "before breakfast"]
_PAST_TIMES = ["yesterday", "one day", "last winter", "long ago", "that evening",
               "the next morning", "a year later", "later"]
_STARTERS_PAST = ["Suddenly", "Then", "After that", "Soon", "At last", "Meanwhile", "Later"]
_STARTERS_PRES = ["Every morning", "Usually", "Sometimes", "Each year", "Most days",
                  "In the summer", "On cold days"]
_NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]
_SPEECH = [("said", "says"), ("whispered", "whispers"), ("shouted", "shouts"),
           ("replied", "replies")]
_IMPERATIVES = ["Close the door", "Come here", "Wait for me", "Look at the sky",
                "Bring the lamp", "Sit down", "Listen", "Follow me", "Open the window",
                "Hurry up", "Be careful", "Do not forget the key", "Give me the basket",
                "Take the map", "Stay here"]
_EXCLAIM = ["What a lovely day", "How strange", "What a noise", "How kind of you",
            "What a surprise", "How cold it is", "What a long road", "Oh no"]
_WH = ["Where", "Why", "When", "How"]
