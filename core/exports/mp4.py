"""Writing an MP4 with PyAV: H.264 picture (libx264, yuv420p) and AAC sound at 48 kHz, muxed as they come.

    writer = Mp4Writer(1024, 576, fps=24, channels=1)
    writer.add_sound(samples)                  # float32, shape (channels, n) or (n,); queued, muxed in time
    writer.add_pictures(pictures)              # Pictures drawn on a helper thread while the encoder works
    mp4_bytes = writer.finish()

    SoundEncoder(channels=2).encode(samples)   # the writer's sound encoding on its own: packets for a writer in
    writer.add_sound_packets(packets)          # another process to mux (core.exports.soundtrack)

One set of encoder settings for every clip and the film, so the benchmark times the same encoder. The muxer waits for
a packet of each stream before it writes (`max_interleave_delta` 0), so the file is the same bytes whichever order
the two streams' packets are handed to it in.
"""

from __future__ import annotations

import io
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import NamedTuple, Self

import av
import numpy as np

from core.exports.picture import Picture, video_frame

SAMPLE_RATE = 48_000
VIDEO_CODEC = "libx264"
# x264's veryfast with one sub-pixel refinement pass instead of two (subme=1, as its superfast does): on the
# animatic's moving pictures it takes about a quarter less time, for files about 5 % larger that look the same
# (0.2 dB PSNR). benchmarks/animatic.py --x264-params subme=2 shows the difference.
VIDEO_OPTIONS = {"preset": "veryfast", "crf": "23", "x264-params": "subme=1"}
# FFmpeg's AAC encoder searches its quantizers two loops deep by default, which costs a spoken line nearly a
# millisecond per video frame; its fast coder takes half that and follows the speech as closely (SNR 33 dB vs 26).
AUDIO_OPTIONS = {"aac_coder": "fast"}
_SMPTE170M, _TV_RANGE = 6, 1  # BT.601 matrix, limited range: what swscale's RGB -> YUV conversion produces
_AUDIO_CHUNK = 1024  # AAC's frame size
_CONTAINER_OPTIONS = {"max_interleave_delta": "0"}
_AHEAD = 8  # pictures drawn ahead of the encoder


class Mp4Writer:
    """An MP4 being written in memory: add pictures and sound in any order, then `finish()` for the bytes."""

    def __init__(self, width: int, height: int, fps: int = 24, *, channels: int = 1) -> None:
        self.width, self.height, self.fps, self.channels = width, height, fps, channels
        self._buffer = io.BytesIO()
        self._container = av.open(self._buffer, "w", format="mp4", container_options=dict(_CONTAINER_OPTIONS))
        self._video = self._container.add_stream(VIDEO_CODEC, rate=fps, options=dict(VIDEO_OPTIONS))
        self._video.width, self._video.height, self._video.pix_fmt = width, height, "yuv420p"
        self._video.codec_context.colorspace, self._video.codec_context.color_range = _SMPTE170M, _TV_RANGE
        self._audio = _sound_stream(self._container, channels)
        self._pending: deque[np.ndarray] = deque()
        self.frames = 0
        self.samples = 0

    def add_picture(self, picture: Picture | av.VideoFrame) -> None:
        """Encode one picture as the next frame, and the sound that plays up to it."""
        frame = picture if isinstance(picture, av.VideoFrame) else video_frame(picture)
        frame.pts = self.frames
        self._mux(self._video.encode(frame))
        self.frames += 1
        self._write_sound(until=round(self.frames * SAMPLE_RATE / self.fps))

    def add_pictures(self, pictures: Iterable[Picture | av.VideoFrame | np.ndarray],
                     sound: Callable[[], list[SoundPacket]] | None = None) -> None:
        """Encode pictures in order while a helper thread draws the next ones (PyAV and Pillow release the GIL).

        A sound block (an array) among them is queued with `add_sound` where it falls: a part's sound can
        travel with its pictures, so nothing has to hold the whole film's sound. `sound`, when given, hands over
        packets encoded elsewhere as they are ready; they are muxed between pictures.
        """
        for item in _drawn_ahead(pictures):
            if isinstance(item, np.ndarray):
                self.add_sound(item)
            else:
                self.add_picture(item)
                if sound is not None:
                    self.add_sound_packets(sound())

    def add_sound_packets(self, packets: Iterable[SoundPacket]) -> None:
        """Mux sound a `SoundEncoder` with this writer's channels encoded (in another process), in its order."""
        base = Fraction(1, SAMPLE_RATE)
        for data, pts, dts, duration in packets:
            packet = av.Packet(data)
            packet.pts, packet.dts, packet.duration, packet.time_base = pts, dts, duration, base
            packet.is_keyframe, packet.stream = True, self._audio
            self._container.mux(packet)

    def add_sound(self, samples: np.ndarray) -> None:
        """Queue sound after what is queued already: float32 in [-1, 1], shape (channels, n) or (n,)."""
        block = np.asarray(samples, dtype=np.float32)
        block = np.broadcast_to(block, (self.channels, block.shape[-1])) if block.ndim == 1 else block
        if block.shape[0] != self.channels:
            block = np.broadcast_to(block.mean(axis=0), (self.channels, block.shape[-1]))
        self._pending.append(np.ascontiguousarray(block))

    def finish(self) -> bytes:
        """Flush both encoders and close the file; the MP4's bytes."""
        self._write_sound(until=None)
        self._mux(self._video.encode())
        self._mux(self._audio.encode())
        self._container.close()
        return self._buffer.getvalue()

    def close(self) -> None:
        """Give up on the file (after an error): release the encoders."""
        try:
            self._container.close()
        except (av.FFmpegError, ValueError):
            pass  # a half-written file has nothing left worth saving

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is not None:
            self.close()

    def _write_sound(self, until: int | None) -> None:
        while self._pending and (until is None or self.samples < until):
            block = self._pending.popleft()
            room = block.shape[1] if until is None else min(block.shape[1], _AUDIO_CHUNK * 8)
            if room < block.shape[1]:
                self._pending.appendleft(block[:, room:])
            self._encode_sound(block[:, :room])

    def _encode_sound(self, block: np.ndarray) -> None:
        for frame in _sound_frames(block, self._audio.layout.name, self.samples):
            self.samples += frame.samples
            self._mux(self._audio.encode(frame))

    def _mux(self, packets) -> None:
        for packet in packets:
            self._container.mux(packet)


class SoundPacket(NamedTuple):
    """An AAC packet as plain values (it crosses between processes); times in samples at SAMPLE_RATE."""

    data: bytes
    pts: int
    dts: int
    duration: int


class SoundEncoder:
    """The writer's sound encoding on its own, with the same stream settings: blocks in, packets out, for an
    `Mp4Writer` with as many channels to mux with `add_sound_packets` (the same file as had it encoded them)."""

    def __init__(self, channels: int) -> None:
        self._container = av.open(io.BytesIO(), "w", format="mp4", container_options=dict(_CONTAINER_OPTIONS))
        self._stream = _sound_stream(self._container, channels)
        self.channels, self.samples = channels, 0

    def encode(self, block: np.ndarray) -> list[SoundPacket]:
        """Encode float32 samples shaped (channels, n), after those encoded already."""
        packets = []
        for frame in _sound_frames(np.asarray(block, dtype=np.float32), self._stream.layout.name, self.samples):
            self.samples += frame.samples
            packets += self._stream.encode(frame)
        return [_plain(packet) for packet in packets]

    def flush(self) -> list[SoundPacket]:
        """What the encoder still holds."""
        return [_plain(packet) for packet in self._stream.encode()]


def _plain(packet: av.Packet) -> SoundPacket:
    return SoundPacket(bytes(packet), packet.pts, packet.dts, packet.duration)


def _sound_stream(container: av.container.OutputContainer, channels: int) -> av.audio.stream.AudioStream:
    return container.add_stream("aac", rate=SAMPLE_RATE, layout="mono" if channels == 1 else "stereo",
                                options=dict(AUDIO_OPTIONS))


def _sound_frames(block: np.ndarray, layout: str, start: int) -> Iterator[av.AudioFrame]:
    """The block as AAC-sized frames, timed from sample `start`."""
    for offset in range(0, block.shape[1], _AUDIO_CHUNK):
        chunk = np.ascontiguousarray(block[:, offset:offset + _AUDIO_CHUNK])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate, frame.pts = SAMPLE_RATE, start + offset
        yield frame


def _drawn_ahead(pictures: Iterable) -> Iterator[av.VideoFrame | np.ndarray]:
    """The pictures as frames (sound blocks as they are), in order, drawn by a helper thread a few frames
    ahead; its errors are raised here."""
    ready: queue.Queue = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()
    done = object()

    def draw() -> None:
        last, frame = None, None
        try:
            for picture in pictures:
                if stop.is_set():
                    return
                if isinstance(picture, np.ndarray):
                    ready.put(picture)
                    continue
                if picture is not last:  # a held picture is converted once
                    last, frame = picture, picture if isinstance(picture, av.VideoFrame) else video_frame(picture)
                ready.put(frame)
            ready.put(done)
        except Exception as exc:  # noqa: BLE001 - handed to the encoding thread, which raises it
            ready.put(exc)

    helper = threading.Thread(target=draw, name="draw-ahead", daemon=True)
    helper.start()
    try:
        while (item := ready.get()) is not done:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        while helper.is_alive():  # unblock a helper waiting on a full queue
            try:
                ready.get(timeout=0.05)
            except queue.Empty:
                pass
        helper.join()
