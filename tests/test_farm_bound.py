"""The render-farm benchmark's lower bound: the longest chain, the work per worker, the work per capped model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.farm_bound import GraphJob, longest_chain, lower_bound

VEO, IMAGES = "google:veo-3.1", "google:gemini-image"


def film(frames: int, clips_per_scene: int, scenes: int, frame_s: float, clip_s: float, film_s: float):
    """A render's graph as the farm queues it: one chain of frames across the scenes, a lock after each scene's
    frames, the scene's clips after its lock, the film after every clip."""
    jobs, previous, clips = [], None, []
    per_scene = frames // scenes
    for scene in range(scenes):
        mine = []
        for number in range(per_scene):
            job = GraphJob(f"f{scene}.{number}", "frame", (previous,) if previous else (), frame_s, IMAGES)
            jobs.append(job)
            mine.append(job.id)
            previous = job.id
        jobs.append(GraphJob(f"lock{scene}", "frames_lock", tuple(mine), 0.0))
        for number in range(clips_per_scene):
            clips.append(GraphJob(f"c{scene}.{number}", "farm_clip", (f"lock{scene}",), clip_s, VEO))
    return [*jobs, *clips, GraphJob("film", "film", tuple(c.id for c in clips), film_s)]


@pytest.mark.parametrize("workers, caps, bound, limited_by", [
    # 12 scenes, 84 frames of 0.5 s, 5 clips a scene of 5 s, a 3 s assembly: 42 + 300 + 3 = 345 s of work
    (1, {}, 345.0, "workers"),
    (4, {}, 86.25, "workers"),
    (8, {VEO: 4}, 75.0, VEO),  # 300 s of clips, 4 at a time
    (64, {}, 50.0, "chain"),  # every frame, then the last scene's clip, then the film
])
def test_the_bound_is_the_largest_of_chain_work_per_worker_and_work_per_capped_model(workers, caps, bound,
                                                                                      limited_by):
    graph = film(frames=84, clips_per_scene=5, scenes=12, frame_s=0.5, clip_s=5.0, film_s=3.0)
    found = lower_bound(graph, workers, caps)
    assert found.seconds == pytest.approx(bound) and found.limited_by == limited_by


@pytest.mark.parametrize("workers, caps, bound", [
    (4, {}, 3.0 + 342 / 4),  # the film's 3 s can't be shared: the other work, then the film
    (8, {VEO: 4}, 75.0 + 3.0),  # the clips 4 at a time, then the film
])
def test_a_job_that_waits_on_every_other_is_added_after_the_shared_work(workers, caps, bound):
    graph = film(frames=84, clips_per_scene=5, scenes=12, frame_s=0.5, clip_s=5.0, film_s=3.0)
    assert lower_bound(graph, workers, caps, last="film").seconds == pytest.approx(bound)
    assert lower_bound(graph, workers, caps).seconds < bound


def test_the_chain_follows_the_heaviest_path_not_the_longest_list():
    graph = [GraphJob("a", "frame", (), 1.0), GraphJob("b", "frame", ("a",), 1.0), GraphJob("c", "frame", ("b",), 1.0),
             GraphJob("slow", "farm_clip", (), 10.0), GraphJob("end", "film", ("c", "slow"), 2.0)]
    assert longest_chain(graph) == 12.0


def test_a_graph_waiting_on_a_job_it_does_not_hold_is_refused():
    with pytest.raises(ValueError, match="outside the graph"):
        lower_bound([GraphJob("clip", "farm_clip", ("lost lock",), 5.0)], 2, {})
    with pytest.raises(ValueError, match="at least one worker"):
        lower_bound([], 0, {})


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=30), st.integers(1, 16))
def test_no_bound_exceeds_one_worker_doing_everything_in_turn(seconds, workers):
    graph = [GraphJob(str(i), "frame", (str(i - 1),) if i and i % 3 else (), s, VEO) for i, s in enumerate(seconds)]
    found = lower_bound(graph, workers, {VEO: 2})
    assert found.seconds <= sum(seconds) + 1e-9
    assert found.seconds >= max(seconds) - 1e-9  # no job finishes faster than its own work
