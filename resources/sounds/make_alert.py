"""Writes notification.wav, the alert a new CPD notification plays (run once; the WAV is kept).

A two-note rising chime, played twice: 0.8 s, 22.05 kHz mono 16-bit PCM, the one format every
platform player reads (winsound, afplay, paplay, pw-play, aplay). Each note starts softly and
decays, so it is clear over street noise without a click at either end.

    python resources/sounds/make_alert.py
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
NOTES = ((880.0, 0.16), (1318.5, 0.22), (0.0, 0.06), (880.0, 0.16), (1318.5, 0.22))  # A5, E6
PEAK = 0.7 * 32_767


def samples() -> list[int]:
    out: list[int] = []
    for freq, seconds in NOTES:
        n = int(RATE * seconds)
        for i in range(n):
            t = i / RATE
            attack = min(1.0, i / (0.01 * RATE))  # 10 ms fade in: no click
            decay = math.exp(-4.0 * t / seconds)
            tone = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            out.append(int(PEAK * attack * decay * tone / 1.3) if freq else 0)
    return out


def write(path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", s) for s in samples()))
    return path


if __name__ == "__main__":
    print(write(Path(__file__).with_name("notification.wav")))
