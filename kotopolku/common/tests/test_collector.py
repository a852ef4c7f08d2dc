"""`common.collector.collector_paused`: the collector is resumed only by the last pause to end,
and only if it was running before."""

import gc

from kotopolku.common.collector import collector_paused


def test_pause_resumes_the_collector_after_the_outermost_pause():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pause_resumes_after_an_error():
    try:
        with collector_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_stopped_before_stays_stopped():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
