"""Search as you type in the workspace: per key, from the keypress to the frame that shows
the queue computed for the text typed, at 1,000 and 100,000 tickets with comments.

Run from the repository root: ``python benchmarks/bench_search_typing.py [--sizes
1000,100000] [--keep DIR] [--views open,all]`` (a few minutes). Each desk is a real
SQLite file built by ``search_desk.py`` (``--keep DIR`` shares them with
``bench_search.py``); the real app runs in-process and headless at 160×48, as ``ana``.

In each view (All open: the queue's order, most urgent first; Every ticket: best match
first), ``/`` opens the search box and each query of TYPED is typed a key at a time; a
key's time ends with the first frame after which the header names the text typed and the
queue shows its rows (a big result: its head, the first 100 in order, with the rest
following), then the next key is sent once the workers are done. The query of each key is
also timed alone (``Queue.numbers``, head and whole) to tell the store's part. Printed:
p50 / p95 / max per view and desk, the slowest keys, and the ratio of the 100k p95 to the
1k p95.

Target (issue 16): per key p95 <= 50 ms at 100k.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_desk  # noqa: E402
from bench_workspace import KEY_TIMEOUT, Frames, queue_of, settle, shown  # noqa: E402
from textual import events  # noqa: E402

from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.core.sla.defaults import default_rules  # noqa: E402
from deskline.storage.store import Store  # noqa: E402
from deskline.tui.workspace.app import DesklineApp  # noqa: E402
from deskline.tui.workspace.screen import WorkspaceScreen  # noqa: E402

SIZE = (160, 48)
HEAD = max(SIZE[1], 24)  # the rows a search typed shows first: a window's (WorkspaceScreen)
TYPED = ("printer floor", "打印机 退款", "vpn status:closed")
TARGET_P95 = 0.050


CHARACTERS = {"slash": "/", "space": " ", "colon": ":", "escape": "\x1b"}


def press(app: Any, key: str) -> None:
    """Send one key as ``pilot.press`` does, without its waits for the process to go idle."""
    event = events.Key(key, CHARACTERS.get(key, key))
    event.set_sender(app)
    app.post_message(event)


def calls(owner: Any, name: str) -> list[float]:
    """When each call of ``owner.name`` came, from now on (the method still runs)."""
    method = getattr(owner, name)
    stamps: list[float] = []

    def stamped(*args: Any, **kwargs: Any) -> Any:
        stamps.append(time.perf_counter())
        return method(*args, **kwargs)

    setattr(owner, name, stamped)
    return stamps


def keys_of(text: str) -> list[tuple[str, str]]:
    """(key, the text in the box after it) for each character typed."""
    names = {" ": "space", ":": "colon"}
    return [(names.get(c, c), text[: i + 1]) for i, c in enumerate(text)]


async def type_in(store: Store, view_name: str) -> list[tuple[str, float, float]]:
    """(text after the key, seconds to the frame showing its queue, CPU seconds of the
    process meanwhile: both threads) for every key typed."""
    desk = Desk(store, search_desk.ME, now=lambda: search_desk.NOW, rules=default_rules())
    app = DesklineApp(desk)
    frames = Frames(app)
    frames.until(lambda: shown(queue_of(app)))
    samples: list[tuple[str, float, float]] = []
    async with app.run_test(size=SIZE):
        await frames.wait(time.perf_counter())
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        await settle(app)
        shows = calls(screen, "show_queue")  # a freshly computed queue shown: one more
        view = queue_of(app)
        frames.until(lambda: len(shows) > 0 and shown(view))
        screen.view_name = view_name
        screen.load_queue(quick=True)
        await frames.wait(time.perf_counter())
        await settle(app)
        for typed in TYPED:
            press(app, "slash")
            await settle(app)
            began = time.perf_counter()
            while getattr(app.focused, "id", None) != "filter":  # typed into the box, not keys
                if time.perf_counter() - began > KEY_TIMEOUT:
                    raise TimeoutError("the search box did not take the keys")
                await asyncio.sleep(0.01)
            for key, text in keys_of(typed):
                before = len(shows)

                def answered(text: str = text.strip(), before: int = before) -> bool:
                    if screen.filter_text != text:
                        return False
                    if screen.search_error is not None:  # a query typed halfway: said
                        return True
                    return len(shows) > before and (shown(view) or not view.numbers)

                frames.until(answered)
                screen.search_error = None  # the last key's refusal is not this one's
                began, cpu = time.perf_counter(), time.process_time()
                press(app, key)
                try:
                    took = await frames.wait(began, KEY_TIMEOUT)
                except TimeoutError:
                    took = KEY_TIMEOUT
                samples.append((text, took, time.process_time() - cpu))
                await settle(app)
            press(app, "escape")  # the box emptied and closed: the view again
            await settle(app)
        await settle(app)
    return samples


def store_alone(store: Store, view_name: str) -> list[tuple[str, float, float, float]]:
    """(text, seconds for the head, seconds for the whole, seconds for the head read as the
    workspace reads it: words narrowing the view's rows held, ``Queue.narrowed``, where it
    can) of each key's query, in core."""
    app_desk = Desk(store, search_desk.ME, now=lambda: search_desk.NOW, rules=default_rules())
    from deskline.core.desk.queue import Queue
    from deskline.core.errors import DesklineError

    queue = Queue(app_desk)
    held = queue.numbers(view_name)
    found = []
    for typed in TYPED:
        for _, text in keys_of(typed):
            try:
                began = time.perf_counter()
                queue.numbers(view_name, text.strip(), limit=HEAD)
                head = time.perf_counter() - began
                began = time.perf_counter()
                queue.numbers(view_name, text.strip())
                whole = time.perf_counter() - began
                began = time.perf_counter()
                if queue.narrowed(view_name, held, text.strip(), limit=HEAD) is None:
                    queue.numbers(view_name, text.strip(), limit=HEAD)
                read = time.perf_counter() - began
            except DesklineError:
                head = whole = read = 0.0
            found.append((text, head, whole, read))
    return found


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f}"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95 + 0.5) - 1, 0)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--views", default="open,all")
    parser.add_argument("--keep", type=Path, help="keep the desks here (and reuse them)")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(n) for n in args.sizes.split(","))
    result: dict[tuple[int, str], float] = {}
    for tickets in sizes:
        store, built = search_desk.open_desk("sqlite", tickets, keep=args.keep, pg="")
        how = f"built in {built:.0f} s" if built else "kept from an earlier run"
        print(f"\n{tickets:,} tickets ({how}); typed: {', '.join(map(repr, TYPED))}")
        try:
            for view_name in args.views.split(","):
                samples = await type_in(store, view_name)
                times = [s for _, s, _ in samples]
                cpus = [c for _, _, c in samples]
                result[tickets, view_name] = p95(times)
                slow = sorted(samples, key=lambda s: -s[1])[:4]
                print(
                    f"  {view_name:5} per key ({len(times)} keys):"
                    f" p50 {ms(statistics.median(times))}"
                    f"  p95 {ms(p95(times))}  max {ms(max(times))} ms;  slowest: "
                    + ", ".join(f"{t!r} {ms(s).strip()}" for t, s, _ in slow)
                )
                print(
                    f"        CPU per key (both threads): p50 {ms(statistics.median(cpus))}"
                    f"  p95 {ms(p95(cpus))}  max {ms(max(cpus))} ms"
                )
                alone = store_alone(store, view_name)
                heads = [h for _, h, _, _ in alone]
                wholes = [w for _, _, w, _ in alone]
                reads = [r for _, _, _, r in alone]
                print(
                    f"        the query alone: head p95 {ms(p95(heads))}  max {ms(max(heads))};"
                    f"  whole p95 {ms(p95(wholes))}  max {ms(max(wholes))} ms;"
                    f"  as the workspace reads the head: p95 {ms(p95(reads))}"
                    f"  max {ms(max(reads))} ms"
                )
        finally:
            search_desk.discard(store, "sqlite", keep=args.keep, pg="")
    if len(sizes) > 1:
        small, big = sizes[0], sizes[-1]
        print(f"\nper key p95 at {big:,} against {small:,} (target <= 50 ms)")
        for view_name in args.views.split(","):
            a, b = result[small, view_name], result[big, view_name]
            verdict = "ok" if b <= TARGET_P95 else "MISSED"
            print(f"  {view_name:5} {ms(b)} ms  {b / a if a else float('inf'):5.1f}x  {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
