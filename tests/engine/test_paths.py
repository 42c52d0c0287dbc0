"""`procedure_paths` and `case_path`: the shortest run of actions to each stage, found from the procedure itself."""

from __future__ import annotations

import pytest

from plaint.engine import CaseEvent, Procedure, Step, case_path, decide, evaluate, load_directory, procedure_paths
from plaint.engine.paths import BASE_DAY, step_data, who_takes
from plaint.procedures import BUNDLED_DIR

PROCEDURES = load_directory(BUNDLED_DIR)


def _replay(procedure: Procedure, kind: str, steps: list[Step]):
    """Take the steps one by one, each by whoever may take it, and return the case's view after the last."""
    events = [CaseEvent("received", BASE_DAY, None, {"kind": kind, "facts": {"subject_role": [], "involved": []}})]
    for step in steps:
        view = evaluate(procedure, events, BASE_DAY)
        who = who_takes(view, step.event, procedure.roles)
        assert who is not None, f"nobody may take {step.event} in {view.stage}"
        decision = decide(procedure, events, step.event, (who,), BASE_DAY, step_data(step))
        assert decision.accepted and decision.event is not None, (step, decision.errors)
        events.append(decision.event)
    return evaluate(procedure, events, BASE_DAY)


@pytest.mark.parametrize("procedure_id", sorted(PROCEDURES.ids()))
def test_every_path_leads_where_it_says(procedure_id):
    # Given a bundled procedure, when the paths of each kind it accepts are searched
    procedure = PROCEDURES.latest(procedure_id)
    for kind in (spec.kind for spec in procedure.accepts.kinds):
        paths = procedure_paths(procedure, kind, procedure.roles, {"kind": kind, "subject_role": [], "involved": []})
        # then every stage is reached, and replaying a path puts the case in its stage and status
        assert paths, f"{procedure_id}: no path for {kind}"
        for (stage, status), steps in paths.items():
            view = _replay(procedure, kind, steps)
            assert view.stage == stage
            assert status in (view.status, f"closed-{view.outcome}")


def test_case_path_is_a_case_in_stage_factory():
    # Given the Workers Union's procedure, when a run to its board stage (after a formal decision) is asked for
    procedure = PROCEDURES.latest("workers-union")
    last = "board"
    steps = case_path(procedure, last)
    # then it is the shortest run: it brings a complaint there, and no prefix of it does
    assert _replay(procedure, "complaint", steps).stage == last
    assert all(_replay(procedure, "complaint", steps[:cut]).stage != last for cut in range(len(steps)))


def test_case_path_to_a_stage_the_procedure_lacks_is_refused():
    procedure = PROCEDURES.latest("workers-union")
    with pytest.raises(LookupError, match="no run of actions brings a complaint to nowhere"):
        case_path(procedure, "nowhere")
