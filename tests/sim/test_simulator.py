"""The decision engine and the outbox against generated timelines (see machine.py); 200 examples in CI.

`DTN_SIM_EXAMPLES` sets the number; bench/simulate.py runs thousands and prints the report.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.sim.machine import Timeline


@pytest.mark.timeout(3600)
def test_generated_timelines_alert_every_fact_once_and_nothing_else() -> None:
    run_state_machine_as_test(
        Timeline,
        settings=settings(
            max_examples=int(os.environ.get("DTN_SIM_EXAMPLES", "200")), stateful_step_count=20, deadline=None,
            database=None, suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        ),
    )
