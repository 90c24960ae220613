from kinerja.common.progress import percent


def test_a_running_job_never_shows_done_and_a_finished_one_always_does():
    assert percent(0, 0, finished=False) == 0
    assert percent(1, 3, finished=False) == 33
    assert percent(3, 3, finished=False) == 99  # written but not yet committed: not done
    assert percent(0, 0, finished=True) == 100
    assert percent(1, 3, finished=True) == 100
