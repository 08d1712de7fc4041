"""The dashboard's cached figures follow every write they read, not only new events."""

from datetime import date

from homeward.registry import agents, services
from homeward.reporting import selectors

from ..conftest import day

ON = date(2024, 6, 1)


def agent_rows():
    return selectors.dashboard_breakdown(selectors.dashboard(ON, None, None), "agent")


def test_linking_an_agent_without_an_event_refreshes_the_agent_breakdown(make_case, officer):
    case = make_case()
    assert list(agent_rows()) == ["(unknown)"]
    agents.link_agent(case, agents.AgentInput(name="Rakesh", agency="Sky Jobs"), report=None, by=officer)
    assert list(agent_rows()) == ["Rakesh · Sky Jobs"]


def test_a_new_case_and_a_new_event_refresh_the_figures(make_case, officer):
    case = make_case()
    assert selectors.dashboard(ON, None, None).now.counts["known"] == 1
    make_case("Ravi Kumar", home_state="Punjab")
    board = selectors.dashboard(ON, None, None)
    assert board.now.counts["known"] == 2 and "Punjab" in selectors.dashboard_breakdown(board, "state")
    services.record_event(case=case, kind="killed", occurred_on=day("2024-04-01"), recorded_by=officer)
    assert selectors.dashboard(ON, None, None).now.counts["killed"] == 1


def test_the_same_question_is_answered_from_the_cache(make_case, django_assert_max_num_queries):
    make_case()
    first = selectors.dashboard(ON, None, None).now
    first.breakdown("state")
    with django_assert_max_num_queries(1):  # the version only
        assert selectors.dashboard(ON, None, None).now is first
