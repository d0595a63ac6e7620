"""Any small message log gives the tie table that a direct reading of docs/email.md gives.

The reference below applies the rules to every recipient row of every message, in the order the
document lists them, with none of the engine's shortcuts (hashes, sums by address pair, grouping
again only when needed). The logs are drawn from a few addresses so that everything meets:
people named by address, by another spelling, by their id and by an old address (``--aliases``);
people of two outside firms; an automated sender; a message to oneself; the same recipient twice,
in To and in Cc; messages bigger than ``--max-recipients``; statuses that say delivered and
statuses that do not; days inside and outside ``--since``/``--until``. Every option that changes
the result is drawn too.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import ona
from ona.ingest.email import AUTOMATED_PATTERNS, EmailOptions, read_email

PEOPLE = [("A", "ann@org.example"), ("B", "bo@org.example"), ("C", "cy@org.example"), ("D", "di@org.example")]
ALIASES = {"ann.old@org.example": "A", "bo.lund@org.example": "B"}
OUTSIDE = ["x@firma.example", "y@firma.example", "z@other.example"]
RECIPIENTS = [m for _, m in PEOPLE] + list(ALIASES) + ["A", "C", "Ann@Org.example"] + OUTSIDE
SENDERS = [m for _, m in PEOPLE] + ["ann.old@org.example", "B", OUTSIDE[0], "noreply@org.example"]


def reference(messages, options: EmailOptions) -> tuple[dict, dict]:
    """(sender node, recipient node) -> (weight, messages), and the rows left out by reason."""
    people = {mail: pid for pid, mail in PEOPLE} | {pid.lower(): pid for pid, _ in PEOPLE} | ALIASES

    def address(text: str) -> str:
        return text.strip().lower()

    def person(text: str) -> str | None:
        return people.get(address(text))

    def node(text: str) -> str:  # whom a row's address stands for: a person, or the outsider's node
        if person(text):
            return person(text)
        return "@" + address(text).split("@")[1] if options.external == "domain" else address(text)

    left_out: dict[str, int] = defaultdict(int)
    kept: list[tuple[str, str, str, float]] = []
    for message, sender, rows, status, day in messages:
        if status and (not re.search("deliver|expand|send|resolve|transfer", status.lower())
                       or re.search("fail|drop|quarantin|spam|reject", status.lower())):
            left_out["not-delivered"] += len(rows)
            continue
        if (options.since and day < options.since) or (options.until and day >= options.until):
            left_out["outside-time-window"] += len(rows)
            continue
        first_kind: dict[str, str] = {}  # each recipient once; To wins over Cc
        for recipient, kind in rows:
            if address(recipient) == address(sender) or (person(recipient) and person(recipient) == person(sender)):
                left_out["self-mail"] += 1
            elif node(recipient) in first_kind:
                left_out["duplicate-recipient"] += 1
                if kind == "to":
                    first_kind[node(recipient)] = "to"
            else:
                first_kind[node(recipient)] = kind
        size = len(first_kind)  # distinct recipients other than the sender
        for recipient, kind in first_kind.items():
            if any(re.search(p, address(sender)) for p in AUTOMATED_PATTERNS):
                left_out["automated-sender"] += 1
            elif size > options.max_recipients:
                left_out["broadcast"] += 1
            elif options.external == "drop" and not (person(sender) and recipient in people.values()):
                left_out["external"] += 1
            else:
                weight = 1.0 if kind == "to" else options.cc_weight
                kept.append((message, node(sender), recipient, weight / size if options.weight == "split" else weight))
    pairs: dict[tuple[str, str], list] = defaultdict(lambda: [0.0, set()])
    for message, source, target, weight in kept:
        pairs[source, target][0] += weight
        pairs[source, target][1].add(message)
    ties = {pair: (weight, len(ids)) for pair, (weight, ids) in pairs.items()}
    k = options.min_messages
    enough = {pair: tie for pair, tie in ties.items() if tie[1] >= k}
    final = {(s, t): tie for (s, t), tie in enough.items()
             if not options.reciprocal or ties.get((t, s), (0, 0))[1] >= k}
    if options.reciprocal and len(enough) > len(final):
        left_out["not-reciprocal (pairs)"] = len(enough) - len(final)
    if len(ties) > len(enough):
        left_out[f"fewer than {k} messages (pairs)"] = len(ties) - len(enough)
    return final, dict(left_out)


MESSAGES = st.lists(st.tuples(
    st.sampled_from(SENDERS), st.lists(st.sampled_from(RECIPIENTS), min_size=1, max_size=4),  # To
    st.lists(st.sampled_from(RECIPIENTS), max_size=3),  # Cc
    st.sampled_from(["", "Delivered", "Failed", "Expanded", "Quarantined", "Pending"]),  # status
    st.integers(1, 28)), min_size=1, max_size=12)  # day of January 2024
OPTIONS = st.builds(EmailOptions, max_recipients=st.integers(1, 4), weight=st.sampled_from(["per-message", "split"]),
                    cc_weight=st.sampled_from([1.0, 0.5]), external=st.sampled_from(["drop", "domain", "keep"]),
                    min_messages=st.sampled_from([1, 2]), reciprocal=st.booleans(),
                    since=st.sampled_from([None, "2024-01-05"]), until=st.sampled_from([None, "2024-01-20"]))


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(messages=MESSAGES, options=OPTIONS)
def test_any_log_gives_the_ties_the_rules_give_row_by_row(tmp_path_factory, messages, options):
    folder = tmp_path_factory.mktemp("log")
    (folder / "roster.csv").write_text("id,name,email,department\n" + "".join(
        f"{pid},Person {pid},{mail},Unit {i % 2}\n" for i, (pid, mail) in enumerate(PEOPLE)), encoding="utf-8")
    (folder / "aliases.csv").write_text("old,new\n" + "".join(f"{old},{pid}\n" for old, pid in ALIASES.items()),
                                        encoding="utf-8")
    with open(folder / "log.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["MessageId", "From", "To", "Cc", "Date", "Status"])
        for i, (sender, to, cc, status, day) in enumerate(messages):
            out.writerow([f"m{i}", sender, "; ".join(to), "; ".join(cc), f"2024-01-{day:02d}", status])
    result = read_email([folder / "log.csv"], ona.read_roster(folder / "roster.csv"),
                        EmailOptions(**{**options.__dict__, "aliases": folder / "aliases.csv"}))
    t = result.ties.ties
    read = {(s, g): (round(float(w), 9), int(m)) for s, g, w, m in zip(t["source"], t["target"], t["weight"],
                                                                      t["messages"])}
    ties, left_out = reference([(f"m{i}", sender, [(r, "to") for r in to] + [(r, "cc") for r in cc], status,
                                 f"2024-01-{day:02d}") for i, (sender, to, cc, status, day) in enumerate(messages)],
                               options)
    note(f"read {read}, left out {result.excluded}\nrules {ties}, left out {left_out}")
    assert read == {pair: (round(w, 9), m) for pair, (w, m) in ties.items()}
    assert {reason: n for reason, n in result.excluded.items() if n} == left_out
