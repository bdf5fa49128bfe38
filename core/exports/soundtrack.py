"""A film's sound encoded in a process of its own while this one draws and encodes the pictures.

    with encoded_aside(blocks, channels=2) as sound:       # blocks(): the sound, block by block, in film order
        if sound is None:                                  # no fork here (Windows): encode it in-process
            ...
        writer.add_pictures(pictures, sound=sound.ready)   # packets muxed between pictures as they come
        writer.add_sound_packets(sound.rest())             # the rest, once the pictures are done

Two threads of one Python barely overlap on this work: FFmpeg's AAC encoder is called once per 1024 samples and each
call ends with a wait for the GIL, so a thread encoding sound beside one encoding pictures made the film no faster.
A forked child has its own interpreter: it computes the sound from the same parts (inherited, nothing is copied
over), encodes it with the writer's settings (`SoundEncoder`) and streams the packets back through a pipe. The
sound is packet for packet what one process encodes (tests/test_film_sound_aside.py); the film takes about half
the time on two cores (benchmarks/render_farm.py, the film job).

A clip whose sound can't be read is refused as in-process (InputRejected naming the part); a child that dies is a
RuntimeError; one that sends nothing for STALL_SECONDS is killed (SoundStalled: the caller makes the film in one
process instead); the child is killed and reaped whenever the block is left early. The child never frees what it
inherited (its garbage collector is off): an FFmpeg object of the parent's, freed there, would wait forever for
threads that only exist in the parent.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import warnings
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import Pipe
from multiprocessing.connection import Connection

import numpy as np

from core.errors import InputRejected
from core.exports.mp4 import SoundEncoder, SoundPacket

CAN_FORK = hasattr(os, "fork")
STALL_SECONDS = 60.0  # a block of sound takes well under a second to encode


class SoundStalled(RuntimeError):
    """The child sent nothing for STALL_SECONDS and was stopped."""


class SoundAside:
    """The child encoding the sound, seen from the parent: its packets as they arrive."""

    def __init__(self, pid: int, reader: Connection) -> None:
        self.pid = pid
        self._reader = reader
        self._finished = False

    def ready(self) -> list[SoundPacket]:
        """The packets that have arrived, without waiting for more."""
        packets: list[SoundPacket] = []
        while not self._finished and self._reader.poll():
            packets += self._receive()
        return packets

    def rest(self) -> list[SoundPacket]:
        """Every packet still to come, waiting for the child to finish."""
        packets: list[SoundPacket] = []
        while not self._finished:
            if not self._reader.poll(STALL_SECONDS):
                self.close()
                raise SoundStalled(f"The film's sound encoder sent nothing for {STALL_SECONDS:g} s and was stopped.")
            packets += self._receive()
        return packets

    def close(self) -> None:
        """Reap the child (killed first if it is still at work: the film was given up)."""
        if self._reader.closed:
            return
        if not self._finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._finished = True
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self._reader.close()

    def _receive(self) -> list[SoundPacket]:
        try:
            kind, value = self._reader.recv()
        except EOFError:
            self._finished = True
            raise RuntimeError("The film's sound encoder stopped before it finished; assemble the film again.") from None
        if kind == "packets":
            return [SoundPacket(*packet) for packet in value]
        self._finished = True
        if kind == "rejected":
            raise InputRejected(value)
        if kind == "failed":
            raise RuntimeError(f"The film's sound couldn't be encoded: {value}")
        return []


@contextlib.contextmanager
def encoded_aside(blocks: Callable[[], Iterable[np.ndarray]] | None, channels: int) -> Iterator[SoundAside | None]:
    """A child process encoding `blocks()` (float32, (channels, n) each); None where processes can't be forked (or
    no `blocks` are given)."""
    if blocks is None or not CAN_FORK:
        yield None
        return
    reader, writer = Pipe(duplex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12 on forking beside threads: the child only encodes
        pid = os.fork()
    if pid == 0:  # the child: encode, report, and leave without running the parent's exit handlers
        gc.disable()
        code = 1
        try:
            reader.close()
            code = _encode(blocks, channels, writer)
        finally:
            os._exit(code)
    writer.close()
    aside = SoundAside(pid, reader)
    try:
        yield aside
    finally:
        aside.close()


def _encode(blocks: Callable[[], Iterable[np.ndarray]], channels: int, out: Connection) -> int:
    """In the child: every block's packets sent as they are encoded, then "done" (or what went wrong)."""
    try:
        encoder = SoundEncoder(channels)
        for block in blocks():
            out.send(("packets", [tuple(packet) for packet in encoder.encode(block)]))
        out.send(("packets", [tuple(packet) for packet in encoder.flush()]))
        out.send(("done", None))
        return 0
    except InputRejected as exc:
        return _report(out, "rejected", exc.field_errors)
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which raises it
        return _report(out, "failed", f"{type(exc).__name__}: {exc}")


def _report(out: Connection, kind: str, value: object) -> int:
    with contextlib.suppress(OSError):  # the parent gave up already
        out.send((kind, value))
    return 1
