"""Issue 17: fill_mismatch compares a batch size with its units × fill."""

from __future__ import annotations

from configurator.engine.batch import fill_mismatch
from configurator.engine.formula import Batch


def test_a_batch_far_above_its_units_is_reported_with_the_numbers():
    why = fill_mismatch(Batch("50 kg", 1000, "30 mL"), 1.0)
    assert why is not None
    assert "the units need about 30 kg" in why and "50 kg would fill 1666 units" in why


def test_a_batch_below_its_units_is_reported():
    why = fill_mismatch(Batch("20 kg", 1000, "30 g"), 1.0)
    assert why is not None and "fills only 666 units" in why


def test_a_matching_batch_and_one_without_all_three_pass():
    assert fill_mismatch(Batch("31 kg", 1000, "30 mL"), 1.0) is None  # within the allowance
    assert fill_mismatch(Batch("30 L", 1000, "30 mL"), 0.95) is None  # volumes at the density
    assert fill_mismatch(Batch("50 kg", None, None), 1.0) is None
    assert fill_mismatch(Batch(None, 1000, "30 mL"), 1.0) is None
