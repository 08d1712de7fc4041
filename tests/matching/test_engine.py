"""Scoring, linking, deduplication and the interactive index on small constructed lists."""
import random

import pytest

from matching import CandidateIndex, Model, Record, dedupe, link, to_cyrillic

GIVEN = ("Rahul Rakesh Amit Sunil Anil Sanjay Vikas Deepak Manoj Ajay Vijay Ravi Suresh Ramesh Mahesh Dinesh "
         "Pooja Priya Neha Anjali Sunita Kavita Rekha Seema Anita Meena Gita Lata Usha Asha Arjun Rohit "
         "Mohit Nitin Sachin Gaurav Saurabh Ankit Ashish Manish").split()
FAMILY = ("Kumar Sharma Verma Gupta Yadav Patel Shah Mehta Joshi Mishra Pandey Tiwari Dubey Chauhan Rathore "
          "Reddy Nair Menon Das Ghosh Bose Sen Roy Mukherjee Banerjee Chatterjee Iyer Pillai Rao Naidu").split()


def background(n=400, seed=7, prefix="B"):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        name = f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)}"
        dob = f"{rnd.randint(1975, 2005)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        out.append(Record(id=f"{prefix}{i}", full_name=to_cyrillic(name).upper() if i % 2 else to_cyrillic(name),
                          date_of_birth=dob))
    return out


def host(*records):
    return background() + list(records)


def linked(left, right, **kw):
    return {(l.left_id, l.right_id): l for l in link(left, right, **kw).links}


def test_harpreet_across_scripts_and_order():
    right = host(Record("R1", "СИНГХ ХАРПРИТ", date_of_birth="1998-03-14"))
    for i, name in enumerate(["Harpreet Singh", "हरप्रीत सिंह", "ਹਰਪ੍ਰੀਤ ਸਿੰਘ", "HARPREET SINGH"]):
        res = linked([Record(f"L{i}", name, date_of_birth="1998")], right)
        assert (f"L{i}", "R1") in res, name


def test_initial_is_a_candidate_not_a_certainty():
    right = host(Record("R1", "СИНГХ ХАРПРИТ", date_of_birth="1998-03-14"),
                 Record("R2", "Сингх Хардип", date_of_birth="1998-07-01"))
    idx = CandidateIndex(right)
    cands = idx.candidates(Record("Q", "H. Singh", date_of_birth="1998"), threshold=0.0)
    top = {c.id for c in cands[:2]}
    assert top == {"R1", "R2"}
    assert all(c.match_probability < 0.5 for c in cands)   # two equally good: abstain


def test_two_kumars_born_the_same_year_are_not_linked():
    right = host(Record("R1", "Кумар Ракеш", date_of_birth="1990-05-01"))
    assert not linked([Record("L1", "Rahul Kumar", date_of_birth="1990")], right)


def test_ambiguous_initial_abstains():
    right = host(Record("R1", "Кумар Ракеш", date_of_birth="1990-05-01"),
                 Record("R2", "Кумар Рахул", date_of_birth="1990-08-11"))
    assert not linked([Record("L1", "R. Kumar", date_of_birth="1990")], right)


def test_same_name_same_year_abstains_but_full_date_decides():
    right = host(Record("R1", "Шарма Аджай", date_of_birth="1990-05-01"),
                 Record("R2", "Шарма Аджай", date_of_birth="1990-08-11"))
    assert not linked([Record("L1", "Ajay Sharma", date_of_birth="1990")], right)
    assert set(linked([Record("L1", "Ajay Sharma", date_of_birth="1990-08-11")], right)) == {("L1", "R2")}


@pytest.mark.parametrize("left_name, right_name", [
    ("Md. Rafi Ansari", "Мохаммед Рафи Ансари"),
    ("Mohd Rafi Ansari", "Muhammad Rafi Ansari"),
    ("Rafi Ansari", "Mohammed Rafi Ansari"),
    ("Hemamalini Iyer", "Хема Малини Айер"),
    ("Hema Malini Iyer", "Hemamalini Iyer"),
    ("Chaudhary Sukhdev", "Сукхдев Чоудхури"),
])
def test_variant_families_link(left_name, right_name):
    right = host(Record("R1", right_name, date_of_birth="1985-06-20"))
    assert ("L1", "R1") in linked([Record("L1", left_name, date_of_birth="1985-06-20")], right)


def test_ocr_passport_and_swapped_date():
    right = host(Record("R1", "Верма Сунил", date_of_birth="1992-04-03", passport_number="K12345O7"))
    res = linked([Record("L1", "Sunil Verma", date_of_birth="1992-03-04", passport_number="K1234507")], right)
    expl = res[("L1", "R1")].explanation
    assert expl["passport_number"].startswith("equal up to OCR")
    assert expl["date_of_birth"].startswith("day/month swapped")


def test_explanation_format_and_probability_range():
    right = host(Record("R1", "Сингх Харприт", date_of_birth="1998-03-14"))
    (l,) = link([Record("L1", "Harpreet Singh", date_of_birth="1998-03-14")], right).links
    assert 0.5 <= l.match_probability <= 1.0
    assert l.explanation["name"].startswith("exact token-set match (+")
    assert l.explanation["date_of_birth"].startswith("exact (+")


def test_common_token_is_weak_rare_token_is_strong():
    rare, common = Record("R1", "Мангукия Амит"), Record("R2", "Кумар Амит")
    right = host(rare, common)
    idx = CandidateIndex(right)
    # a match on the rare family name carries more weight than one on Kumar
    q_rare = idx.candidates(Record("Q1", "Mangukiya Sunil"), threshold=0.0)
    q_common = idx.candidates(Record("Q2", "Kumar Sunil"), threshold=0.0)
    assert max(c.match_probability for c in q_rare if c.id == "R1") > \
        max((c.match_probability for c in q_common if c.id == "R2"), default=0.0)


def test_interactive_equals_batch():
    right = background(300, seed=1)
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth[:4]) for i, r in
            enumerate(background(60, seed=1))] + background(40, seed=99, prefix="X")
    res = link(left, right, threshold=0.0, one_to_one=False)
    idx = CandidateIndex(right, model=res.model)
    batch = {(l.left_id, l.right_id): l.match_probability for l in res.links}
    assert batch
    for q in left:
        for c in idx.candidates(q, limit=1000, threshold=0.0):
            assert batch[(q.id, c.id)] == pytest.approx(c.match_probability, abs=1e-12)


def test_default_links_carry_the_interactive_probability():
    # contested records included: the one-to-one step drops claims, it does not re-weigh them
    right = background(300, seed=1) + [Record("R1", "Рохит Анну", date_of_birth="1981-01-17"),
                                       Record("R2", "Рохит Анну", date_of_birth="1981-04-07")]
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth[:4]) for i, r in
            enumerate(background(60, seed=1))] + [Record("A1", "Annu Rohit"),
                                                  Record("A2", "Annu Rohit", date_of_birth="1981-04-07")]
    res = link(left, right)
    idx = CandidateIndex(right, model=res.model)
    assert len(res.links) > 20
    for l in res.links:
        found = {c.id: c.match_probability for c in idx.candidates(next(q for q in left if q.id == l.left_id),
                                                                    limit=1000, threshold=0.0)}
        assert found[l.right_id] == pytest.approx(l.match_probability, abs=1e-12)


def test_index_add_makes_record_findable():
    idx = CandidateIndex(background(200))
    idx.add(Record("NEW", "Мангукия Харприт", date_of_birth="1999-01-01"))
    assert idx.candidates(Record("Q", "Harpreet Mangukiya", date_of_birth="1999"))[0].id == "NEW"


def test_one_to_one():
    right = host(Record("R1", "Сингх Харприт", date_of_birth="1998-03-14"))
    left = [Record("L1", "Harpreet Singh", date_of_birth="1998-03-14"),
            Record("L2", "Harpreet Singh", date_of_birth="1998")]
    assert [(l.left_id, l.right_id) for l in link(left, right).links] == [("L1", "R1")]


def test_one_to_one_abstains_when_two_left_records_claim_one_right_record_equally():
    right = host(Record("R1", "ПАНДИТ ПАТХАК", date_of_birth="1997"))
    left = [Record("L2", "Pandit Pathak", date_of_birth="1997"), Record("L1", "Mr. Pandit Pathak", date_of_birth="1997")]
    result = link(left, right)
    assert result.links == []
    # each claim on its own is strong: it is the tie that abstains
    assert {l.left_id for l in link(left, right, one_to_one=False).links if l.right_id == "R1"} == {"L1", "L2"}


def test_a_record_taken_by_a_stronger_claim_leaves_the_other_one():
    # two host records with one name; our dated case takes one, so the undated case is the other
    right = host(Record("R1", "Рохит Анну", date_of_birth="1981-01-17"),
                 Record("R2", "Рохит Анну", date_of_birth="1981-04-07"))
    left = [Record("L1", "Annu Rohit"), Record("L2", "Annu Rohit", date_of_birth="1981-04-07")]
    assert set(linked(left, right, joint=True)) == {("L2", "R2"), ("L1", "R1")}
    # each on its own (and so by default): the undated case cannot tell the two apart
    assert set(linked(left, right)) == {("L2", "R2")}


def test_joint_claims_keep_the_interactive_probability_of_uncontested_pairs():
    right = background(300, seed=1)
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth[:4]) for i, r in
            enumerate(background(60, seed=1))]
    res = link(left, right, threshold=0.0, one_to_one=False)
    claimed = {}
    for l in res.links:
        if l.match_probability >= 0.02:
            claimed.setdefault(l.right_id, set()).add(l.left_id)
    together = linked(left, right, model=res.model, joint=True)
    uncontested = [l for l in res.links if l.match_probability >= 0.5 and len(claimed[l.right_id]) == 1
                   and all(len(claimed[x.right_id]) == 1 for x in res.links
                           if x.left_id == l.left_id and x.match_probability >= 0.02)]
    assert len(uncontested) > 20
    for l in uncontested:
        assert together[(l.left_id, l.right_id)].match_probability == l.match_probability


@pytest.mark.parametrize("pairs, expected", [
    ([("L1", "R1", 0.9)], [0.9]),                                    # nothing to share
    ([("L1", "R1", 0.9), ("L2", "R2", 0.6)], [0.9, 0.6]),
    # R2 is taken: L1's odds on R1 against "not in the list" (0.45 / 0.1) stay, R2's go: 4.5 / 5.5
    ([("L1", "R1", 0.45), ("L1", "R2", 0.45), ("L2", "R2", 0.99)],
     [pytest.approx(0.81, abs=0.01), pytest.approx(0.01, abs=0.01), pytest.approx(0.99, abs=0.001)]),
    ([("L1", "R1", 0.9), ("L2", "R1", 0.9)],                         # twins: shared, still a tie
     [pytest.approx(0.718, abs=0.001)] * 2),
])
def test_exclusive_both_ways(pairs, expected):
    from matching.model import exclusive_both_ways
    assert exclusive_both_ways(pairs) == expected


def test_dedupe_clusters():
    recs = background(200, seed=3) + [
        Record("D1", "Harpreet Singh", date_of_birth="1998-03-14", passport_number="K1234567"),
        Record("D2", "СИНГХ ХАРПРИТ", date_of_birth="1998-03-14"),
        Record("D3", "हरप्रीत सिंह", date_of_birth="1998-03-14", passport_number="K1234567"),
        Record("D4", "Gurpreet Singh", date_of_birth="1998-03-14"),
    ]
    res = dedupe(recs)
    assert set(res.clusters) == {r.id for r in recs}
    assert res.clusters["D1"] == res.clusters["D2"] == res.clusters["D3"]
    assert res.clusters["D4"] != res.clusters["D1"]


def test_record_from_mapping():
    r = Record.from_mapping({"id": 5, "given_name": "Harpreet", "family_name": "Singh", "extra": "x",
                             "date_of_birth": None})
    assert r.id == "5" and r.full_name == "Harpreet Singh" and r.date_of_birth == ""


def test_empty_and_odd_inputs_do_not_crash():
    right = host(Record("R1", "", date_of_birth="1998"), Record("R2", "???", passport_number="--"))
    res = link([Record("L1", ""), Record("L2", "Harpreet Singh", date_of_birth="19xx")], right)
    assert isinstance(res.links, list)


def test_model_round_trips_through_json():
    import json

    m = Model()
    m.m["name"]["exact"] = 0.5
    again = Model.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again.m == m.m and again.prior == m.prior


def test_training_keeps_parameters_sane():
    right = background(300, seed=5)
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth) for i, r in enumerate(right[:80])]
    res = link(left, right)
    for group, levels in res.model.m.items():
        assert all(0 < v < 1 for v in levels.values()), group
    assert len(res.links) >= 70


def _reference_training(index, queries, iterations=4, strength=30.0):
    """The held-out-field EM of model.train written as plain loops, one query at a time."""
    import math

    from matching.model import DEFAULT_M, exclusive_probabilities
    model = Model()
    data = [[[w, [[g, lvl, wf] for _f, g, lvl, wf in parts]] for _i, w, parts in index.scored(q)]
            for q in queries]
    for _ in range(iterations):
        counts = {g: {lvl: 0.0 for lvl in levels} for g, levels in model.m.items()}
        for cands in filter(None, data):
            for g in {g for _w, parts in cands for g, _l, _wf in parts}:
                ws = [w - sum(wf for gg, _l, wf in parts if gg == g) for w, parts in cands]
                for p, (_w, parts) in zip(exclusive_probabilities(ws, len(index.records), model.prior), cands):
                    if p >= 0.95 and sum(1 for gg, _l, _wf in parts if gg != g) >= 2:
                        for gg, lvl, _wf in parts:
                            if gg == g:
                                counts[g][lvl] += p
        old = {g: dict(v) for g, v in model.m.items()}
        for g, levels in counts.items():
            for lvl in levels:
                model.m[g][lvl] = (levels[lvl] + strength * DEFAULT_M[g][lvl]) / (sum(levels.values()) + strength)
        for cands in data:
            for cand in cands:
                for part in cand[1]:
                    d = math.log2(model.m[part[0]][part[1]]) - math.log2(old[part[0]][part[1]])
                    part[2] += d
                    cand[0] += d
    return model


def test_training_learns_what_the_plain_per_query_loops_learn():
    from matching.model import DEFAULT_M, train
    from matching.records import prepare
    rnd = random.Random(3)
    right = background(300, seed=9)
    for r in right:
        r.passport_number = f"K{rnd.randrange(10**7):07d}"
        r.home_state = rnd.choice(["Punjab", "Bihar", "Kerala"])
        r.home_district = rnd.choice(["Amritsar", "Patna", "Kochi"])
    left = []
    for i, r in enumerate(right[:120]):
        dob = r.date_of_birth if i % 5 else r.date_of_birth[:4]            # some partial dates
        passport = r.passport_number if i % 7 else r.passport_number[:-1] + "0"   # some misread
        if i % 4 == 0:   # name and date only: one other field decides nothing (names-only lists)
            left.append(Record(f"L{i}", r.full_name, date_of_birth=dob))
        else:
            left.append(Record(f"L{i}", r.full_name, date_of_birth=dob, passport_number=passport,
                               home_state=r.home_state if i % 3 else "Bihar", home_district=r.home_district))
    index = CandidateIndex(right)
    queries = [prepare(r) for r in left]
    learnt, expected = train(index, queries), _reference_training(index, queries)
    assert learnt.m["passport"]["exact"] != DEFAULT_M["passport"]["exact"]   # the data moved it
    for group, levels in expected.m.items():
        for level, value in levels.items():
            assert learnt.m[group][level] == pytest.approx(value, rel=1e-9, abs=1e-12), (group, level)


def test_weak_candidates_are_scored_only_when_the_strong_ones_leave_the_query_undecided():
    from matching.index import SURE
    from matching.records import prepare
    index = CandidateIndex(background(200, seed=4) + [
        Record("R-same", "Сингх Харприт", date_of_birth="1998-03-14"),
        Record("R-cousin", "Сингх Гурприт", date_of_birth="1998-07-01")])   # one token and the year

    def ids(found):
        return {index.records[i].id for i in found}

    decided = prepare(Record("L1", "Harpreet Singh", date_of_birth="1998-03-14"))
    strong, weak = index.candidate_tiers(decided)
    assert ids(strong) == {"R-same"} and "R-cousin" in ids(weak)
    assert ids(index.candidate_indices(decided)) == ids(strong | weak)   # training and dedupe see all
    answer = index.query(decided)
    assert [index.records[i].id for i, _p, _parts in answer] == ["R-same"] and answer[0][1] >= SURE
    # a misspelt surname leaves no strong candidate: the weak tier finds the person
    misspelt = prepare(Record("L2", "Harpreet Sigh", date_of_birth="1998"))
    strong, weak = index.candidate_tiers(misspelt)
    assert not strong and "R-same" in ids(weak)
    assert index.records[index.query(misspelt)[0][0]].id == "R-same"


def test_a_dated_query_meets_an_undated_record_with_a_misspelt_name():
    """One token and the year reach a misspelt record only if it has a year. One without is reached
    through its tokens (n|), not through a common token's whole bucket, which is too big to search."""
    from matching.records import prepare
    singhs = [Record(f"S{i}", f"Сингх {to_cyrillic(g)}", date_of_birth=f"{1975 + i % 30}-01-01")
              for i, g in enumerate(GIVEN)]
    index = CandidateIndex(background(400, seed=5) + singhs + [Record("R-undated", "Сингх Харпрет")])
    assert len(index._single["1|sng"]) > 30
    query = prepare(Record("L1", "Harpreet Singh", date_of_birth="1998-03-14"))
    assert "R-undated" in {index.records[i].id for i in index.candidate_indices(query)}
    assert index.records[index.query(query)[0][0]].id == "R-undated"
    # the dated records are not filed there: a dated query meets them through the year
    assert {index.records[i].id for i in index._keys["n|sng"]} == {"R-undated"}


def test_interactive_equals_batch_with_shipped_parameters():
    right = background(200, seed=11)
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth) for i, r in enumerate(right[:30])]
    res = link(left, right, threshold=0.0, one_to_one=False, train=False)
    idx = CandidateIndex(right)
    for q in left:
        for c in idx.candidates(q, limit=1000, threshold=0.0):
            assert [l.match_probability for l in res.links if (l.left_id, l.right_id) == (q.id, c.id)] == \
                [pytest.approx(c.match_probability, abs=1e-12)]


def test_fields_may_be_dates_or_partial_dates():
    import datetime as dt

    from tabular import PartialDate
    right = host(Record("R1", "Сингх Харприт", date_of_birth=dt.date(1998, 3, 14)))
    left = [Record("L1", "Harpreet Singh", date_of_birth=PartialDate(1998, 3, 14)), Record("L2", None)]
    assert ("L1", "R1") in linked(left, right)
    assert Record.from_mapping({"id": 1, "full_name": "X", "date_of_birth": PartialDate(1998)}).date_of_birth == "1998"


def test_parallel_scoring_gives_the_same_links(monkeypatch):
    import matching.linkage as linkage
    right = background(200, seed=21)
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth) for i, r in enumerate(right[:60])]
    serial = link(left, right, train=False)
    monkeypatch.setattr(linkage, "PARALLEL_FROM", 10)
    monkeypatch.setattr(linkage, "CHUNK", 7)
    parallel = link(left, right, train=False, workers=2)
    assert [(l.left_id, l.right_id, l.match_probability, l.explanation) for l in serial.links] == \
        [(l.left_id, l.right_id, l.match_probability, l.explanation) for l in parallel.links]
    assert serial.candidate_pairs == parallel.candidate_pairs


def test_a_shared_name_cache_keeps_each_query_names_own_answers():
    from matching.model import score
    from matching.records import prepare

    index = CandidateIndex([Record(id="r1", full_name="Рахул Шарма", date_of_birth="1990-01-02")])
    registry_record = index.records[0]
    cache: dict = {}
    for text in ("Rahul Sharma", "Vikram Singh", "Rahul Sharma"):
        query = prepare(Record(id="q", full_name=text, date_of_birth="1990-01-02"))
        cached = score(query, registry_record, index.stats, index.model, cache)
        assert cached == score(query, registry_record, index.stats, index.model)


def test_progress_counts_every_row_of_each_phase(monkeypatch):
    import matching.index as index_module
    monkeypatch.setattr(index_module, "PROGRESS_STEP", 50)   # a partial last step as well as full ones
    right = background(120, seed=8)
    left = [Record(f"L{i}", r.full_name, date_of_birth=r.date_of_birth) for i, r in enumerate(right[:30])]
    ticks, stages = [], []
    link(left, right, progress=ticks.append, stage=stages.append)
    assert sum(ticks) == len(right) + len(left) and ticks[:3] == [50, 50, 20]
    assert stages == ["indexing", "preparing", "training", "linking"]
    ticks, stages = [], []
    dedupe(right, progress=ticks.append, stage=stages.append)
    assert sum(ticks) == 2 * len(right)
    assert stages == ["indexing", "training", "deduplicating"]
    stages = []
    link(left, right, model=Model(), stage=stages.append)   # a given model: nothing to train
    assert stages == ["indexing", "preparing", "linking"]


def test_an_older_russian_spelling_is_found_and_linked():
    # Only the older reading joins these: Роган and Rohan share no blocking key of their own
    host = [Record(id="1", full_name="РОГАН", date_of_birth="1997-04-02"),
            Record(id="2", full_name="Сагар", date_of_birth="1997-05-06"),
            Record(id="3", full_name="Якир Сарой")]
    cases = [Record(id="a", full_name="Rohan", date_of_birth="1997"),
             Record(id="b", full_name="Saroj Jakir")]
    links = {(k.left_id, k.right_id): k for k in link(cases, host, train=False).links}
    assert set(links) == {("a", "1"), ("b", "3")}
    assert links[("a", "1")].explanation["name"].startswith("phonetic")
    index = CandidateIndex(host)
    assert [c.id for c in index.candidates(Record(id="q", full_name="Rohan", date_of_birth="1997"))][:1] == ["1"]


def test_in_a_small_list_an_agreeing_passport_and_date_still_count_for_the_pair():
    """In a list of three, "one passport in one" is no sign that different people share passports."""
    right = [Record("R1", "Rahul Sharma", date_of_birth="1990-05-01", passport_number="K1234567", phone="9876543210"),
             Record("R2", "Rahul Sharma", date_of_birth="1990-05-01"),
             Record("R3", "Priya Das", date_of_birth="1985-02-03")]
    query = Record("Q", "Rahul Sharma", date_of_birth="1990-05-01", passport_number="K1234567", phone="9876543210")
    best = CandidateIndex(right).candidates(query)[0]
    assert best.id == "R1"
    assert all("(+" in best.explanation[f] for f in ("passport_number", "phone", "date_of_birth"))


def test_in_a_small_list_an_exact_date_outweighs_the_year_alone():
    """A date's frequency is read from the *other* records: r always has its own date, and in a list of
    three that made "one date in three" look so common that the year alone weighed more."""
    from matching.model import score
    from matching.records import prepare
    index = CandidateIndex([Record("R1", "Anil Verma", date_of_birth="1990-05-01"),
                            Record("R2", "Sunita Rao", date_of_birth="1984-11-20"),
                            Record("R3", "Priya Das", date_of_birth="1985-02-03")])

    def date_weight(dob):
        _total, parts = score(prepare(Record("Q", "Anil Verma", date_of_birth=dob)), index.records[0],
                              index.stats, index.model)
        return next(w for f, _g, _lvl, w in parts if f == "date_of_birth")

    assert date_weight("1990-05-01") > date_weight("1990") + 5


def test_a_date_every_record_shares_counts_for_little():
    """A placeholder date (everyone "born" 01.01.1990) is no evidence: the other records share it."""
    from matching.model import score
    from matching.records import prepare
    index = CandidateIndex([Record(f"R{i}", n, date_of_birth="1990-01-01")
                            for i, n in enumerate(["Anil Verma", "Sunita Rao", "Priya Das", "Ravi Kumar", "Meena Iyer"])])
    _total, parts = score(prepare(Record("Q", "Kavita Joshi", date_of_birth="1990-01-01")), index.records[0],
                          index.stats, index.model)
    assert next(w for f, _g, _lvl, w in parts if f == "date_of_birth") < 1
    assert index.candidates(Record("Q", "Kavita Joshi", date_of_birth="1990-01-01")) == []


@pytest.mark.parametrize("call, message", [
    (lambda: link([Record("1", "Rahul"), Record("1", "Priya")], [Record("a", "Rahul")]), "left records have the id '1'"),
    (lambda: link([Record("1", "Rahul")], [Record("a", "Rahul"), Record("a", "Priya")]), "right records have the id 'a'"),
    (lambda: dedupe([Record(None, "Rahul"), Record(None, "Rahul")]), "records have the id 'None'"),
    (lambda: link([Record("1", "Rahul")], [Record("a", "Rahul")], threshold=float("nan")), "between 0 and 1"),
    (lambda: link([Record("1", "Rahul")], [Record("a", "Rahul")], threshold=None), "between 0 and 1"),
])
def test_the_library_refuses_input_that_would_silently_lose_rows(call, message):
    with pytest.raises(ValueError, match=message):
        call()
