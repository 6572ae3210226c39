"""OpenCV's process-wide thread setting survives an interrupt at any moment.

The engine switches OpenCV's own thread pool off while it warps with threads of
its own or images of OpenCV's stripe size, and must put the user's setting back
however the call ends (issue 11, item 12: 1 random interrupt in 1,713 left OpenCV
single-threaded for the rest of the process).

Random interrupts find such holes by luck. Here the interrupt is placed, in turn,
at every point of a call where CPython can deliver one: CPython raises an
asynchronous exception (``KeyboardInterrupt`` from a signal or from
``_thread.interrupt_main``) only at its "eval breaker" checks, which are at the
start of a function or of a generator's resumption, after a call to a C function
returns, and at a backward jump. A profiler sees C calls return and functions
start; a tracer sees each instruction, so it places the interrupt at backward jumps
and right after a generator resumes (the same ``try`` block as the ``RESUME``
instruction CPython checks at). An interrupt at a return or a yield, which CPython
never delivers, is not simulated (the profiler would unwind the frame without
running its ``finally``, something no signal can do).
"""

import dis
import functools
import os
import sys

import cv2
import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter

ENGINE_FILES = {"_kernels.py", "_plan.py"}
CO_GENERATOR = 0x20
# CPython 3.11+; on 3.10 the profiler's points (calls) are the ones tried.
JUMP_BACKWARD = dis.opmap.get("JUMP_BACKWARD")
RESUME = dis.opmap.get("RESUME")


def _in_engine(frame):
    return (frame is not None
            and os.path.basename(frame.f_code.co_filename) in ENGINE_FILES)


@functools.cache
def _after_resume(code):
    """Offsets of the instructions that follow a ``RESUME`` CPython checks at."""
    instructions = list(dis.get_instructions(code))
    return frozenset(following.offset for here, following
                     in zip(instructions, instructions[1:])
                     if here.opcode == RESUME and here.arg < 2)


class Interrupter:
    """Raise ``KeyboardInterrupt`` at the ``k``-th point of the engine's code where
    CPython can deliver one; count the points otherwise."""

    def __init__(self, k):
        self.k = k
        self.count = 0
        self.where = None

    def _point(self, frame, what):
        if self.where is not None:
            return
        self.count += 1
        if self.count == self.k:
            self.where = f"{what} in {frame.f_code.co_name}, line {frame.f_lineno}"
            raise KeyboardInterrupt(self.where)

    def _profile(self, frame, event, arg):
        if event == "c_return" and _in_engine(frame):
            self._point(frame, f"after {getattr(arg, '__qualname__', arg)}()")
        elif (event == "call" and not frame.f_code.co_flags & CO_GENERATOR
              and (_in_engine(frame) or _in_engine(frame.f_back))):
            self._point(frame, "at the start")

    def _trace(self, frame, event, arg):
        if not _in_engine(frame):
            return None
        frame.f_trace_opcodes = True
        return self._opcode

    def _opcode(self, frame, event, arg):
        if event == "opcode":
            code = frame.f_code
            if code.co_code[frame.f_lasti] == JUMP_BACKWARD:
                self._point(frame, "at a backward jump")
            elif (code.co_flags & CO_GENERATOR
                  and frame.f_lasti in _after_resume(code)):
                self._point(frame, "as the generator resumes")
        return self._opcode

    def run(self, work):
        """Call ``work`` with the interrupt armed. An interrupt raised in a
        callback that CPython runs during a deallocation (a weakref callback) is
        reported as unraisable, never propagated: recorded in ``swallowed``."""
        self.swallowed = False
        hook = sys.unraisablehook

        def record(unraisable):
            if isinstance(unraisable.exc_value, KeyboardInterrupt):
                self.swallowed = True
            else:
                hook(unraisable)

        sys.unraisablehook = record
        sys.settrace(self._trace)
        sys.setprofile(self._profile)
        try:
            return work()
        finally:
            sys.setprofile(None)
            sys.settrace(None)
            sys.unraisablehook = hook


@pytest.fixture
def opencv_threads():
    original = cv2.getNumThreads()
    yield
    cv2.setNumThreads(original)


def _warp_spy(monkeypatch):
    seen = []
    original = cv2.warpAffine

    def spy(*args, **kwargs):
        seen.append(cv2.getNumThreads())
        return original(*args, **kwargs)

    monkeypatch.setattr(cv2, "warpAffine", spy)
    return seen


@pytest.mark.skipif(sys.gettrace() is not None,
                    reason="a tracer (coverage, debugger) is already installed")
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_an_interrupt_at_any_point_restores_opencv_thread_setting(
        n_jobs, opencv_threads, monkeypatch):
    """For every point where CPython can raise KeyboardInterrupt in a call that
    switches OpenCV's pool off, the user's setting is back once the interrupt has
    propagated, and the next call switches the pool off and restores again (no
    stale saved value: a user's new setting is the one restored)."""
    X = np.random.default_rng(0).random((2, 256, 256, 1)).astype(np.float32)
    augmenter = ArrayAugmenter(rotation_range=10, random_state=0, n_jobs=n_jobs)
    expected = augmenter.augment(X)
    k, interrupted, swallowed = 0, 0, 0
    while True:
        k += 1
        cv2.setNumThreads(3)
        interrupter = Interrupter(k)
        try:
            interrupter.run(lambda: augmenter.augment(X))
        except KeyboardInterrupt:
            interrupted += 1
        swallowed += interrupter.swallowed
        where = interrupter.where
        assert cv2.getNumThreads() == 3, f"interrupt {where}: setting not restored"

        cv2.setNumThreads(5)
        with monkeypatch.context() as patch:
            seen = _warp_spy(patch)
            np.testing.assert_array_equal(augmenter.augment(X), expected)
        assert seen and set(seen) == {1}, f"after an interrupt {where}"
        assert cv2.getNumThreads() == 5, f"after an interrupt {where}"
        if where is None:  # the k-th point was never reached: all were tried
            break
    assert interrupted + swallowed == k - 1 and interrupted > 50
