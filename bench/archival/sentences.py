"""Varied English sentences built from word lists: text to embed with the real local model.

Ten templates (personal facts, work notes, events, preferences, how-tos, ...) filled from word
lists; with a fixed seed the same `n` sentences come back every time. Sentences repeat topics
and words across templates, so neighbours are near-paraphrases, near-topics and far misses, as in
an agent's archival memory, rather than uniform noise.
"""

from __future__ import annotations

import random
from pathlib import Path

NAMES = ["Shilpa", "Ann", "Marco", "Priya", "Tomás", "Yuki", "Fatima", "Oleg", "Grace", "Kwame", "Lena",
         "Diego", "Mei", "Samir", "Ingrid", "Noah", "Aisha", "Pavel", "Chloe", "Ravi", "Sofia", "Jonas",
         "Hana", "Luca", "Zara", "Ethan", "Nadia", "Kenji", "Olivia", "Mateo"]
RELATIONS = ["sister", "brother", "manager", "neighbour", "colleague", "best friend", "cousin", "landlord",
             "dentist", "mentor", "daughter", "son", "partner", "teammate", "grandmother"]
LIKES = ["machine learning", "dark chocolate", "Hersheys bars", "hiking in the Alps", "jazz piano", "sushi",
         "black coffee", "science fiction novels", "chess", "gardening", "marathon running", "oil painting",
         "board games", "Italian opera", "rock climbing", "baking sourdough bread", "vintage cars",
         "bird watching", "spicy ramen", "yoga", "photography", "sailing", "knitting", "salsa dancing",
         "green tea", "horror movies", "astronomy", "woodworking", "surfing", "poetry"]
VERBS_LIKE = ["loves", "enjoys", "cannot stand", "is allergic to", "recently got into", "gave up",
              "is obsessed with", "used to love", "is learning", "dislikes"]
PROJECTS = ["the billing migration", "the mobile app redesign", "the data warehouse", "the Q3 roadmap",
            "the onboarding flow", "the search ranking model", "the payments API", "the annual budget",
            "the security audit", "the customer survey", "the office move", "the hiring plan",
            "the vacation policy", "the expense reports", "the compliance training", "the product launch",
            "the load balancer upgrade", "the marketing campaign", "the support backlog", "the API gateway"]
STATUS = ["was delayed by two weeks", "shipped ahead of schedule", "is blocked on legal review",
          "needs another round of testing", "was cancelled", "went over budget", "is waiting for approval",
          "passed review", "was handed to a new team", "is on track for Friday", "caused an outage",
          "got positive feedback"]
PLACES = ["Berlin", "Tokyo", "the Lisbon office", "Nairobi", "São Paulo", "the lake house", "Toronto",
          "the downtown gym", "Bangalore", "the airport", "Reykjavik", "the farmers market", "Seoul",
          "the public library", "Mexico City", "the hospital", "Cape Town", "the coffee shop on Main Street",
          "Melbourne", "the conference centre"]
EVENTS = ["a birthday dinner", "a job interview", "a dentist appointment", "a team offsite", "a wedding",
          "a flight", "a piano recital", "a parent-teacher meeting", "a product demo", "a yoga class",
          "a football match", "a book club meeting", "a doctor's visit", "a hackathon", "a farewell party"]
TIMES = ["next Monday", "on Friday evening", "in March", "tomorrow morning", "last weekend", "in two weeks",
         "on the 14th", "every Tuesday", "at noon", "after the holidays", "in late autumn", "this Sunday"]
TOPICS = ["reset a forgotten password", "file an expense claim", "request parental leave",
          "book a meeting room", "set up the VPN", "report a security incident", "order new hardware",
          "change a direct deposit account", "submit a timesheet", "enrol in health insurance",
          "carry over unused vacation days", "get a parking permit", "update an emergency contact",
          "request a salary review", "work remotely from abroad"]
STEPS = ["open the internal portal", "email the HR team", "fill in the form on the wiki",
         "ask your manager for approval", "call the help desk", "use the self-service kiosk",
         "submit a ticket in the tracker", "talk to the office coordinator"]
ADJ = ["frustrated", "excited", "worried", "relieved", "tired", "curious", "proud", "nervous",
       "happy", "annoyed", "confident", "overwhelmed"]
THINGS = ["laptop", "bicycle", "passport", "car keys", "umbrella", "phone charger", "notebook",
          "headphones", "wallet", "camera", "guitar", "coffee grinder"]
FACTS = ["the capital of Australia is Canberra", "water boils at 100 degrees Celsius at sea level",
         "octopuses have three hearts", "the Great Wall is not visible from space with the naked eye",
         "honey never spoils", "bananas are berries but strawberries are not",
         "the Eiffel Tower grows taller in summer", "sharks existed before trees",
         "Venus rotates in the opposite direction to most planets", "a day on Mars lasts about 24.6 hours"]


def _sentence(r: random.Random) -> str:
    t = r.randrange(10)
    n, n2 = r.choice(NAMES), r.choice(NAMES)
    if t == 0:
        return f"{n} {r.choice(VERBS_LIKE)} {r.choice(LIKES)}."
    if t == 1:
        return (f"{n}'s {r.choice(RELATIONS)} {r.choice(VERBS_LIKE)} {r.choice(LIKES)} "
                f"and lives in {r.choice(PLACES)}.")
    if t == 2:
        return f"Status update: {r.choice(PROJECTS)} {r.choice(STATUS)}, according to {n}."
    if t == 3:
        return f"{n} has {r.choice(EVENTS)} in {r.choice(PLACES)} {r.choice(TIMES)}."
    if t == 4:
        return f"To {r.choice(TOPICS)}, {r.choice(STEPS)} and then {r.choice(STEPS)}."
    if t == 5:
        return f"{n} felt {r.choice(ADJ)} about {r.choice(PROJECTS)} after talking to {n2}."
    if t == 6:
        return f"{n} left the {r.choice(THINGS)} at {r.choice(PLACES)} {r.choice(TIMES)}."
    if t == 7:
        return f"{n} told me that {r.choice(FACTS)}."
    if t == 8:
        return (f"Reminder for {n}: {r.choice(EVENTS)} {r.choice(TIMES)}, bring the {r.choice(THINGS)} "
                f"and ask {n2} about {r.choice(PROJECTS)}.")
    return (f"{n} and {n2} argued about {r.choice(LIKES)} at {r.choice(PLACES)}; {n} was {r.choice(ADJ)} "
            f"but {n2} {r.choice(VERBS_LIKE)} it.")


def sentences(n: int, seed: int = 0) -> list[str]:
    """`n` sentences, deterministic for a seed, without exact duplicates."""
    r = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        s = _sentence(r)
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def docstring_sentences(n: int, seed: int = 0) -> list[str]:
    """`n` distinct real English sentences (6-40 words) from the docstrings of Python's standard
    library, shuffled: a second, less uniform corpus than the templates above."""
    import ast
    import re
    import sysconfig

    root = Path(sysconfig.get_paths()["stdlib"])
    seen: set[str] = set()
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if {"test", "tests", "idlelib", "site-packages", "dist-packages"} & set(path.parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node) or ""
                for s in re.split(r"(?<=[.!?])\s+", " ".join(doc.split())):
                    if 6 <= len(s.split()) <= 40 and s not in seen and not s.startswith(">>>"):
                        seen.add(s)
                        out.append(s)
    random.Random(seed).shuffle(out)
    if len(out) < n:
        raise ValueError(f"only {len(out)} docstring sentences available")
    return out[:n]
