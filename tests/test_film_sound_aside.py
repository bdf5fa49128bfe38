"""The film's sound encoded in a child process while the pictures are encoded in the job's own: the same film,
failures told plainly, and no process left behind."""

from __future__ import annotations

import io
import itertools
import os
import signal
import time

import av
import numpy as np
import pytest

from core.errors import InputRejected
from core.exports import film as film_module
from core.exports import soundtrack
from core.exports.film import FilmPart, assemble_film
from core.exports.mp4 import SAMPLE_RATE, Mp4Writer, SoundEncoder
from core.exports.picture import picture_of
from core.exports.probe import probe
from tests.media import clip, difference, frames, loudness, png, solid, sound

pytestmark = pytest.mark.skipif(not soundtrack.CAN_FORK, reason="processes can't be forked here")
RED, BLUE, GREY = (220, 30, 30), (30, 30, 220), (128, 128, 128)
FPS = 12


def parts() -> list[FilmPart]:
    return [FilmPart(clip=clip([RED] * 18, fps=FPS, tone=440), seconds=1.5, label="1A"),
            FilmPart(still=png(solid(GREY)), seconds=1.0, label="1B"),
            FilmPart(clip=clip([BLUE] * 24, fps=FPS, tone=660), seconds=2.0, label="2A")]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def same_film(one: bytes, other: bytes) -> bool:
    """The same sound packet for packet, and the same pictures (x264 may spend a byte differently on a frame)."""
    ours, theirs = frames(one), frames(other)
    return sound_packets(one) == sound_packets(other) and len(ours) == len(theirs) and all(
        difference(a, b) < 1.0 for a, b in zip(ours, theirs, strict=True))


def sound_packets(mp4: bytes) -> list[tuple[int, bytes]]:
    with av.open(io.BytesIO(mp4)) as container:
        return [(packet.pts, bytes(packet)) for packet in container.demux(audio=0) if packet.size]


@pytest.mark.parametrize("dissolve", [0.0, 0.5])
def test_the_film_is_the_same_whether_its_sound_is_encoded_aside_or_here(monkeypatch, dissolve):
    aside = assemble_film(parts(), fps=FPS, dissolve=dissolve)
    monkeypatch.setattr(soundtrack, "CAN_FORK", False)
    here = assemble_film(parts(), fps=FPS, dissolve=dissolve)
    assert same_film(aside, here)
    assert len(sound_packets(aside)) > 4.5 * 48_000 / 1024  # the whole film's sound, none lost at the joins
    heard = sound(aside)
    assert loudness(heard, 0.2, 1.3) > 0.1 and loudness(heard, 1.6, 2.4) < 0.01 and loudness(heard, 2.7, 4.3) > 0.1
    assert abs(probe(aside).audio_duration - 4.5) <= 2 / FPS


def test_packets_encoded_elsewhere_make_the_same_file_as_the_writers_own():
    tone = (0.3 * np.sin(2 * np.pi * 330 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
    own = Mp4Writer(32, 18, fps=FPS, channels=2)
    own.add_sound(np.stack([tone, tone]))
    encoder, other = SoundEncoder(channels=2), Mp4Writer(32, 18, fps=FPS, channels=2)
    packets = [*encoder.encode(np.stack([tone[:20_000], tone[:20_000]])),
               *encoder.encode(np.stack([tone[20_000:], tone[20_000:]])), *encoder.flush()]
    for writer in (own, other):
        for _ in range(FPS):
            writer.add_picture(picture_of(solid(GREY, (32, 18))))
    other.add_sound_packets(packets)
    assert own.finish() == other.finish()


def test_a_part_whose_sound_cant_be_read_is_refused_by_name_and_the_child_is_reaped():
    def blocks():
        yield np.zeros((2, SAMPLE_RATE), np.float32)
        raise InputRejected({"part 2 (1B)": "this clip's sound can't be read (InvalidDataError)"})

    with pytest.raises(InputRejected) as refused, soundtrack.encoded_aside(blocks, 2) as aside:
        pid = aside.pid
        aside.rest()
    assert refused.value.field_errors == {"part 2 (1B)": "this clip's sound can't be read (InvalidDataError)"}
    assert gone(pid)


def test_a_sound_encoder_that_dies_is_a_plain_error_not_a_hang():
    def blocks():
        yield np.zeros((2, SAMPLE_RATE), np.float32)
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        yield np.zeros((2, SAMPLE_RATE), np.float32)

    with pytest.raises(RuntimeError, match="stopped before it finished"), \
            soundtrack.encoded_aside(blocks, 2) as aside:
        pid = aside.pid
        aside.rest()
    assert gone(pid)


def test_a_film_given_up_halfway_stops_its_sound_encoder():
    def endless():
        return (np.zeros((2, SAMPLE_RATE), np.float32) for _ in itertools.count())

    with pytest.raises(KeyError), soundtrack.encoded_aside(endless, 2) as aside:
        pid = aside.pid
        aside.ready()
        raise KeyError("the pictures failed")
    assert gone(pid)


def test_a_stalled_sound_encoder_is_stopped_and_the_film_is_made_in_one_process(monkeypatch):
    parent, real = os.getpid(), film_module._sound

    def stalls_in_the_child(reel, fps):
        while os.getpid() != parent:
            time.sleep(1)  # a child stuck for good
        return real(reel, fps)

    monkeypatch.setattr(soundtrack, "STALL_SECONDS", 1.0)
    monkeypatch.setattr(film_module, "_sound", stalls_in_the_child)
    made = assemble_film(parts(), fps=FPS)
    monkeypatch.setattr(soundtrack, "CAN_FORK", False)
    assert same_film(made, assemble_film(parts(), fps=FPS))
