"""English translations of the demo's main pages, keyed by their path under the home
page ("" is the home page). Pages not listed stay untranslated aliases and say so."""

from django.conf import settings

from .blocks import text

HOME = {
    "title": "Home",
    "hero_title": "Learn fire safety, keep Jiangyin safe",
    "hero_text": (
        "The Wuxing Park fire-safety theme park, fire experience rooms in neighbourhoods "
        "and malls, the summer fire camp, safety guides and campaigns: all in one place."
    ),
    "intro": (
        "<p>This is the public education site of the Jiangyin Fire and Rescue Brigade. "
        "Schools and companies book visits, camp places and fire-safety talks online; "
        "parents enter their children's drawings and essays in the contest; and the "
        "number of people each campaign reaches is published here.</p>"
    ),
    "search_description": (
        "Jiangyin fire-safety education: theme park, experience rooms, summer camp, "
        "safety guides and campaigns."
    ),
}

THEME_PARK = {
    "title": "Wuxing Park Fire-Safety Theme Park",
    "summary": (
        "Learn fire safety on a walk in the park: see fire engines and hydrants, practise "
        "escaping through smoke. Free to visit."
    ),
    "address": "Wuxing Park, Chengjiang Middle Road, Jiangyin",
    "access": (
        "<ul><li>Bus to the Wuxing Park stop, then a three-minute walk</li>"
        "<li>The park's paths are level and wheelchair accessible</li>"
        "<li>An accessible toilet is beside the east gate</li></ul>"
    ),
    "body": [
        text(
            "<p>The theme park was built by the Jiangyin Fire and Rescue Brigade during its "
            "100-day campaign as a free place to learn about fire safety. It has several "
            "themed zones: anyone may walk round on their own, and groups can book a "
            "guided tour.</p>"
        ),
        (
            "steps",
            {
                "heading": "The zones",
                "steps": [
                    "Fire equipment: see a fire engine, hoses and breathing apparatus up close",
                    "Safe at home: spot the fire hazards in a model living room",
                    "Escape: practise crawling low through a smoke tunnel",
                    "Call 119: practise reporting a fire on the phone",
                ],
            },
        ),
        (
            "hours",
            {
                "rows": [
                    {"days": "Every day", "hours": "6:00–21:00 (outdoor areas)"},
                    {"days": "Tuesday to Sunday", "hours": "9:00–17:00 (guided tours)"},
                ],
                "note": "Guided tours are booked in advance; open on public holidays.",
            },
        ),
        (
            "map",
            {
                "name": "Wuxing Park Fire-Safety Theme Park",
                "address": "Wuxing Park, Chengjiang Middle Road, Jiangyin",
                "latitude": "31.909800",
                "longitude": "120.274500",
                "directions": (
                    "Enter by the north gate and walk about 200 m east along the main path."
                ),
            },
        ),
        (
            "faq",
            {
                "items": [
                    {
                        "question": "Does it cost anything?",
                        "answer": "<p>No. Guided tours for groups are free too.</p>",
                    },
                    {
                        "question": "Can I bring children?",
                        "answer": (
                            "<p>Yes, they are welcome. Children under six should try the "
                            "smoke tunnel with a parent.</p>"
                        ),
                    },
                ]
            },
        ),
    ],
}

CENTERS_INDEX = {
    "title": "Fire experience rooms",
    "summary": (
        "Small fire-safety rooms in malls, neighbourhoods and companies: practise "
        "putting out a fire and escaping, close to home."
    ),
    "intro": (
        "<p>Jiangyin has two fire experience rooms open, at the Red Star Macalline mall "
        "and in Yangshi community, and six more being built. Filter by status and town "
        "to find the one nearest you.</p>"
    ),
}

CENTERS = {
    "hongxing-meikailong": {
        "title": "Red Star Macalline fire experience room",
        "summary": (
            "A room inside a furniture mall: find the hazards in a model living room and "
            "practise with a fire extinguisher."
        ),
        "host": "Red Star Macalline Jiangyin",
        "address": "3rd floor, Red Star Macalline, Hongqiao North Road, Jiangyin",
        "hours": "Saturday and Sunday 10:00–16:00",
        "practises": (
            "Finding the fire hazards in a model living room\n"
            "Using a dry-powder extinguisher and a fire blanket\n"
            "Crawling low through a smoke tunnel"
        ),
    },
    "yangshi-community": {
        "title": "Yangshi community fire experience room",
        "summary": (
            "A room in the community centre, good for older people and children: safe "
            "e-bike charging and practising a 119 call."
        ),
        "host": "Yangshi residents' committee",
        "address": "Ground floor, Yangshi community service centre, Yuecheng, Jiangyin",
        "hours": "Tuesday to Friday 9:00–11:30 and 14:00–16:30",
        "practises": (
            "Charging an e-bike safely\nPractising a 119 call\nPlanning a home escape route"
        ),
    },
}

CAMP = {
    "title": "Summer fire camp",
    "summary": (
        "Spend a few summer days as a firefighter at the fire education centre: visits, "
        "hands-on practice and drills."
    ),
    "how_to_join": (
        "Schools enrol their pupils and book a batch; parents and pupils cannot enrol on their own."
    ),
    "partners": "Jiangyin Committee of the Communist Youth League",
    "venue": "Jiangyin Fire Education Centre",
    "ages": "Primary year 3 to junior secondary year 2",
    "programme": [
        text(
            "<p>The camp is run by the fire brigade with the Youth League: ten batches of "
            "sixty pupils each.</p>"
        ),
        (
            "steps",
            {
                "heading": "A day at camp",
                "steps": [
                    "Morning: visit a fire station and its engines and equipment",
                    "Lunch with the firefighters",
                    "Afternoon: smoke escape, using an extinguisher, a 119 drill",
                    "At the end each pupil takes home a family escape plan",
                ],
            },
        ),
    ],
    "rules": (
        "<ul><li>Wear trainers and clothes you can move in</li>"
        "<li>Follow the instructors and stay with your group</li>"
        "<li>Tell us in advance about asthma or other conditions</li></ul>"
    ),
}

GUIDES_INDEX = {
    "title": "Safety guides",
    "summary": (
        "E-bikes, kitchens, high-rise homes, older people and children: the fire-safety "
        "basics every home and workplace needs."
    ),
    "intro": (
        "<p>Every guide prints on one A4 page to put up at home; some come with a "
        "leaflet to download.</p>"
    ),
}

# The five guides read most (the demo's first five by priority).
GUIDES = {
    "e-bike-charging": {
        "title": "Preventing e-bike fires: eight rules for safe charging",
        "summary": (
            "Most e-bike fires start while charging at night. Remember these rules and "
            "keep the danger out of stairwells and homes."
        ),
        "body": [
            text(
                "<p>When an e-bike's lithium battery overheats it can throw out flames and "
                "toxic smoke within seconds. Stairwells and entrance halls are the way "
                "out in a fire: parking or charging there blocks the exit.</p>"
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Charge at your estate's charging point or a smart charging post",
                        "Use the original charger and unplug when the battery is full",
                        "Stop using a battery that swells, gets hot or smells",
                        "Buy bikes and batteries with the 3C certification mark",
                    ],
                    "dont": [
                        "Park or charge in stairwells, halls or by fire exits",
                        "Carry the battery home to charge it, least of all in a bedroom",
                        "Run a cable out of a window to charge in the street",
                        "Modify the battery or fit a bigger one",
                    ],
                },
            ),
            (
                "steps",
                {
                    "heading": "If an e-bike catches fire",
                    "steps": [
                        "Get away at once: do not try to unplug it or beat the flames",
                        "Shout to warn people nearby and close doors behind you",
                        "Call 119: give the address, what is burning and whether anyone is trapped",
                        "Only if the fire is small and you are safe, cool the area with water "
                        "or an extinguisher",
                    ],
                },
            ),
            (
                "callout",
                {
                    "tone": "danger",
                    "heading": "How long to charge",
                    "text": (
                        "<p>Charge for no more than eight hours, and never overnight with "
                        "no one awake.</p>"
                    ),
                },
            ),
        ],
    },
    "home-escape-plan": {
        "title": "A home escape plan: everyone out in two minutes",
        "summary": (
            "Draw a plan of your home, mark two ways out and a meeting point outside, "
            "and practise twice a year."
        ),
        "body": [
            text(
                "<p>In a fire there are often only two or three minutes to get out. "
                "Agreeing on a plan beforehand beats panicking on the night.</p>"
            ),
            (
                "steps",
                {
                    "heading": "Make your plan",
                    "steps": [
                        "Draw a floor plan with every door and window",
                        "Find two ways out of every room",
                        "Agree on a meeting point outside, such as the street lamp downstairs",
                        "Make sure children know 119 and the home address",
                        "Practise as a family at least twice a year, once at night",
                    ],
                },
            ),
            (
                "checklist",
                {
                    "heading": "When you escape",
                    "items": [
                        "Cover your nose and mouth with a wet towel and stay low",
                        "Feel the door handle with the back of your hand before opening",
                        "Never use the lift",
                        "Once out, do not go back for belongings",
                    ],
                },
            ),
        ],
    },
    "fire-extinguisher": {
        "title": "Choosing and using a home fire extinguisher",
        "summary": (
            "A 2 kg dry-powder extinguisher puts out most small fires. Learn the four "
            "moves: lift, pull, aim, squeeze."
        ),
        "body": [
            text(
                "<p>For a home, an ABC dry-powder extinguisher is best. Keep it near the "
                "kitchen where it is easy to reach, not locked in a cupboard.</p>"
            ),
            (
                "steps",
                {
                    "heading": "Four steps",
                    "steps": [
                        "Lift the extinguisher",
                        "Pull out the safety pin",
                        "Aim the hose at the base of the flames",
                        "Squeeze the handle firmly",
                    ],
                },
            ),
            (
                "checklist",
                {
                    "heading": "Check it every month",
                    "items": [
                        "The gauge needle is in the green",
                        "No rust on the cylinder, no damage to the hose",
                        "It is within its expiry date",
                    ],
                },
            ),
            (
                "callout",
                {
                    "tone": "warning",
                    "heading": "Take care",
                    "text": (
                        "<p>Stand upwind, two or three metres from the flames. Leave at "
                        "once if the fire grows.</p>"
                    ),
                },
            ),
        ],
    },
    "kitchen-fire": {
        "title": "Kitchen fires: never throw water on burning oil",
        "summary": (
            "If a pan of oil catches fire, put the lid on and turn off the heat; never "
            "use water. If you smell gas, close the valve and open the windows."
        ),
        "body": [
            text(
                "<p>Stay by the stove while cooking. If the oil starts to smoke, turn off "
                "the heat; do not pour cold water into the pan.</p>"
            ),
            (
                "do_dont",
                {
                    "do": [
                        "Put the lid on a burning pan at once and turn off the heat",
                        "Smother it with a fire blanket",
                        "Check the gas hose regularly",
                    ],
                    "dont": [
                        "Throw water on a burning pan of oil",
                        "Switch electrical things on or off when gas is leaking",
                        "Keep paper towels and plastic bags by the stove",
                    ],
                },
            ),
            (
                "steps",
                {
                    "heading": "If you smell gas",
                    "steps": [
                        "Close the main gas valve",
                        "Open doors and windows",
                        "Do not switch on lights or make calls; report it from outside",
                    ],
                },
            ),
        ],
    },
    "smoke-alarm": {
        "title": "Smoke alarms: the cheapest life-saver",
        "summary": (
            "A stand-alone smoke alarm wakes you while you sleep. Fit one on the landing "
            "outside bedrooms and in the living room, and test it every month."
        ),
        "body": [
            text(
                "<p>Many fatal fires happen at night, when sleeping people cannot smell "
                "smoke. During its 100-day campaign Jiangyin helped residents fit more than "
                "nine hundred stand-alone smoke alarms.</p>"
            ),
            (
                "checklist",
                {
                    "heading": "Fitting and care",
                    "items": [
                        "Fit it in the middle of the ceiling, at least half a metre from walls",
                        "Not in kitchens or bathrooms",
                        "Press the test button every month",
                        "Change the battery as soon as it chirps",
                    ],
                },
            ),
        ],
    },
}

PRIVACY = {
    "title": "Privacy",
    "summary": "What we collect, why, and how long we keep it.",
    "body": [
        text(
            "<p>You do not need to log in to read this site, search it or use the home "
            "fire check, and we do not keep your answers. When you book or enter the "
            "contest we collect only the contact details needed for it, keep them under "
            "China's Personal Information Protection Law, and delete them when they are "
            "no longer needed. A child's entry needs a guardian's consent.</p>"
            "<p>A group booking's contact name, mobile number, email and notes are erased "
            f"{settings.BOOKING_RETENTION_DAYS} days after the visit; only counts such as the "
            "organisation, party size and attendance stay. A contest guardian's name and "
            "mobile number are erased when the contest's retention period ends. Call the "
            "service hotline to see, export or erase what this site holds about your mobile "
            "number or email.</p>"
            "<h2>Scanning a QR code on our material</h2>"
            "<p>The QR codes on leaflets, posters, screens and publicity trucks pass through "
            "this site on their way to the page they show. For each piece of material we "
            "count scans per day, to learn what the material did, and nothing else: no "
            "cookie, no IP address, no browser or phone model, no device identifier is "
            "kept. So that one phone scanning twice within 30 minutes counts once, the "
            "address and browser are turned into a code that cannot be reversed, with a "
            "random key made each day and discarded the next; the code lives in the cache "
            "for 30 minutes and neither it nor the key is ever written to the database or "
            "a log. Link previews and search-engine crawlers are not counted.</p>"
        )
    ],
}

CAMPAIGNS = {
    "campaigns": {
        "title": "Campaigns",
        "intro": (
            "<p>What each fire-safety campaign did and how many people it reached, "
            "published here once the figures are approved.</p>"
        ),
    },
    "campaigns/winter-fire-prevention": {
        "title": "Winter and spring fire prevention",
        "theme": "Safe e-bike charging, fire and electricity at home, clear stairwells",
        "body": (
            "<p>Winter and spring are dry and people use more heating and electricity: the "
            "season with the most fires. For these hundred days the brigade puts safe e-bike "
            "charging, fire and electricity at home and clear stairwells first, on buses and "
            "big screens, with the publicity truck in every town and old neighbourhood, at "
            "malls and squares, and with smoke alarms and charging points fitted in the "
            "communities.</p><p>The figures are recorded every day and published once a "
            "week, after review.</p>"
        ),
    },
    "campaigns/100-day-campaign": {
        "title": "The 100-day fire-safety campaign of 2020",
        "theme": "Fixing fire hazards and taking fire safety to streets, schools and companies",
        "body": (
            "<p>In the summer and autumn of 2020 the Jiangyin brigade spent a hundred days "
            "fixing fire hazards and bringing fire safety close to home: reminders on buses, "
            "big screens and building TVs, the publicity truck in every town, firefighters "
            "at malls and squares, a first fire-safety lesson in schools, and 600 pupils at "
            "the summer camp in 10 batches.</p><p>The figures below come from the daily "
            "records and were published after review.</p>"
        ),
    },
}

NEWS = {  # the home page features this one
    "winter-e-bike-charging": {
        "title": "Winter peak: charge e-bikes at the shared charging points",
        "summary": (
            "E-bikes charge for longer in the cold, and so do the risks of charging in "
            "stairwells and over trailing cables. Firefighters went door to door."
        ),
        "body": [
            text(
                "<p>Since the start of winter, Jiangyin firefighters and the street offices "
                "have visited older housing estates, checking stairwells for parked e-bikes "
                "and cables run from windows, explaining how a lithium battery overheats, and "
                "showing residents the estate's shared charging points.</p>"
            )
        ],
    },
}

PAGES = {
    "": HOME,
    "theme-park": THEME_PARK,
    "experience-centers": CENTERS_INDEX,
    **{f"experience-centers/{slug}": fields for slug, fields in CENTERS.items()},
    "summer-camp": CAMP,
    "safety-guides": GUIDES_INDEX,
    **{f"safety-guides/{slug}": fields for slug, fields in GUIDES.items()},
    "privacy": PRIVACY,
    **{f"news/{slug}": fields for slug, fields in NEWS.items()},
    **CAMPAIGNS,
}
