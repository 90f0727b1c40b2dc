"""Load test: N concurrent browser sessions on one ``streamlit run app.py`` (issue 10, item 5).

Starts the app on 127.0.0.1 (a free port, an empty temporary projects folder, the embedded Vihti data), then
drives N sessions at once from one headless Debian chromium (Playwright, one browser context per session, so
every session has its own websocket and Streamlit session). Each session

1. loads the Kartta page and waits until the headline shows the figure for 10 min by car and the map has
   drawn every place (*page load*);
2. moves the threshold slider ``--actions`` times by one minute with the keyboard (10 -> 9 -> ... and back),
   and after each key press waits until the app has re-run (the app's ``data-test-script-state`` went to
   ``running`` and back to ``notRunning``) and checks that the headline shows the figure of the new threshold
   (*action latency*: key press to finished rerun, measured with the page's own clock; includes the slider's
   client-side debounce and the map's redraw).

Printed: page-load and action latency (median / p95 / max), actions that failed or timed out, the server's
resident memory (``VmRSS`` of ``/proc/<pid>/status``) at start, after one warm-up session, with all N sessions
open and after they closed, memory per session ((with N open - after warm-up) / N), and the server's CPU time.

``--driver ws`` runs the same sessions without a browser, speaking Streamlit's websocket protocol (protobuf
``BackMsg``/``ForwardMsg``) directly: a session asks for the page's run, then for reruns with the slider's new
value, and each action is timed from the request to ``script_finished`` with the headline metric checked.
This is the server's own share: in the browser run, the N chromium pages share the machine's cores with the
server, so those latencies are an upper bound of what N users on their own computers would see.

Everything is loopback only and bounded: every wait has a time-out, the whole run has ``--budget`` seconds,
and the server and the browser are stopped at the end.

Run: ``.venv/bin/python benchmarks/load_sessions.py [--driver browser|ws] [--sessions 10] [--actions 6]
[--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from coverage.analysis.reach import analyze
from coverage.core import i18n
from coverage.core.model import Settings
from coverage.io.datasets import load_dataset
from coverage.outputs import webmap

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # appserver: the app start shared with the browser tests

import appserver  # noqa: E402
from appserver import CHROMIUM, start_app, stop_app  # noqa: E402

  # noqa: E402
  # noqa: E402
  # noqa: E402
  # noqa: E402

CHROMIUM_ARGS = [
    *appserver.CHROMIUM_ARGS,
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
METRIC = '[data-testid="stMetricValue"]'
START_MINUTES = 10

HEADLINE_SHOWS = """([sel, text]) => {
    const e = document.querySelector(sel);
    return e && e.textContent.includes(text);
}"""


class Wire:
    """The Streamlit messages of one page's websocket, decoded, with the time each was sent or received.

    A rerun the user asked for is a ``BackMsg.rerun_script`` sent by the browser; the server then starts the
    script (``ForwardMsg.new_session``) and ends with ``ForwardMsg.script_finished``. A run interrupted by a
    newer request ends ``FINISHED_EARLY_FOR_RERUN`` and is not counted.
    """

    def __init__(self, page) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._back, self._forward = BackMsg, ForwardMsg
        self.log: list[tuple[float, str, str, int]] = []  # (time, "sent"/"recv", message type, status)
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framesent", lambda payload: self._record("sent", payload))
            ws.on("framereceived", lambda payload: self._record("recv", payload))

    def _record(self, direction: str, payload) -> None:
        now = time.perf_counter()
        if isinstance(payload, str):
            return
        msg = (self._back if direction == "sent" else self._forward)()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a message we know
            return
        kind = msg.WhichOneof("type") or ""
        status = int(msg.script_finished) if kind == "script_finished" else -1
        self.log.append((now, direction, kind, status))

    def finished_run_after(self, start: int, *, requested: bool) -> float | None:
        """Time of the first successful script end after log entry ``start`` (after a rerun request sent
        after ``start`` when ``requested``), or None."""
        asked = not requested
        started = False
        for when, direction, kind, status in self.log[start:]:
            if direction == "sent" and kind == "rerun_script":
                asked, started = True, False
            elif asked and kind == "new_session":
                started = True
            elif started and kind == "script_finished" and status == 0:
                return when
        return None

    def requested_after(self, start: int) -> bool:
        return any(d == "sent" and k == "rerun_script" for _t, d, k, _s in self.log[start:])


async def wait_until(predicate, timeout: float, step: float = 0.02):
    """Poll ``predicate()`` until it returns something truthy; raise TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(step)


@dataclass
class SessionResult:
    """What one session measured."""

    load_s: float | None = None
    first_run_s: float | None = None
    actions_s: list[float] = field(default_factory=list)
    retries: int = 0
    errors: list[str] = field(default_factory=list)


def expected_headlines(minutes: list[int]) -> dict[int, str]:
    """The Kartta headline (children covered / total, Finnish formatting) for each threshold, by car."""
    project = load_dataset("vihti")
    out = {}
    for m in minutes:
        s = analyze(project, Settings(mode="car", threshold_minutes=float(m))).summary
        covered, total = (
            i18n.fmt_number(s[key], lang="fi") for key in ("children_covered", "children_total")
        )
        out[m] = f"{covered} / {total}"
    return out


def rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def open_session(browser, url: str, headline: str, n_places: int, timeout_ms: int):
    """A new context + page on the Kartta page, loaded.

    Returns (context, page, wire, seconds until the map shows every place, seconds until the server finished
    the first run).
    """
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    wire = Wire(page)
    start = time.perf_counter()
    await page.goto(url)
    await page.wait_for_function(HEADLINE_SHOWS, arg=[METRIC, headline])
    frame = page.frame_locator(MAP_IFRAME)
    places = frame.locator(f"path.{webmap.PLACE_CLASS}")
    deadline = time.monotonic() + timeout_ms / 1000
    while await places.count() != n_places:
        if time.monotonic() > deadline:
            raise TimeoutError("the map did not draw every place")
        await asyncio.sleep(0.05)
    loaded = time.perf_counter() - start
    first = wire.finished_run_after(0, requested=False)
    return context, page, wire, loaded, (first - start) if first else None


async def run_session(
    k: int,
    browser,
    url: str,
    plan: list[int],
    headlines: dict[int, str],
    n_places: int,
    timeout_ms: int,
    all_done: asyncio.Event,
    contexts: list,
    measured: list,
) -> SessionResult:
    """Load the page, make the threshold moves of ``plan``, then stay open until every session is done."""
    result = SessionResult()
    timeout = timeout_ms / 1000
    await asyncio.sleep(0.2 * k)  # users do not arrive in the same millisecond
    try:
        context, page, wire, result.load_s, result.first_run_s = await open_session(
            browser, url, headlines[START_MINUTES], n_places, timeout_ms
        )
        contexts.append(context)
        slider = page.get_by_role("slider").first
        value = START_MINUTES
        for target in plan:
            key = "ArrowLeft" if target < value else "ArrowRight"
            mark = len(wire.log)
            t0 = time.perf_counter()
            await slider.focus()
            await slider.press(key)
            try:
                # the key press reaches the server as a rerun request (after the slider's debounce); a press
                # that landed while the page re-rendered is pressed again
                for attempt in range(3):
                    try:
                        await wait_until(lambda m=mark: wire.requested_after(m), 5.0)
                        break
                    except TimeoutError:
                        if await slider.input_value() == str(target) or attempt == 2:
                            raise
                        result.retries += 1
                        await slider.focus()
                        await slider.press(key)
                t1 = await wait_until(lambda m=mark: wire.finished_run_after(m, requested=True), timeout)
            except TimeoutError:
                result.errors.append(f"session {k}: no finished rerun after {key} to {target}")
                break
            # the page shows the new threshold's figure
            await page.wait_for_function(HEADLINE_SHOWS, arg=[METRIC, headlines[target]])
            shown = await slider.input_value()
            if shown != str(target):
                result.errors.append(f"session {k}: slider shows {shown}, wanted {target}")
                break
            if await page.locator('[data-testid="stException"]').count():
                result.errors.append(f"session {k}: the app showed an exception")
                break
            result.actions_s.append(t1 - t0)
            value = target
            await asyncio.sleep(0.5)  # a user looks at the result before the next move
    except Exception as exc:  # noqa: BLE001
        result.errors.append(f"session {k}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    measured.append(k)
    await all_done.wait()  # stay connected until every session has measured (the memory figure)
    return result


class Protocol:
    """Streamlit's websocket protocol, spoken directly (``--driver ws``): no browser, only the server's work.

    A session connects to ``/_stcore/stream`` and asks for a run (``BackMsg.rerun_script``) as the browser
    does; it reads the ``ForwardMsg`` stream until ``script_finished``, noting the threshold slider's widget
    id and the headline metric. Moving the slider is a rerun request with the slider's new value.
    """

    def __init__(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.BackMsg, self.ForwardMsg = BackMsg, ForwardMsg
        self.slider_label = i18n.t("sidebar.threshold_minutes", "fi")
        self.metric_label = i18n.t("kartta.children_covered", "fi")

    def rerun(self, widgets: dict[str, float] | None = None) -> bytes:
        msg = self.BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = ""
        for wid, value in (widgets or {}).items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.double_array_value.data.append(float(value))
        return msg.SerializeToString()

    async def run(self, ws, timeout: float) -> tuple[float, str | None, str | None]:
        """Read until a successful ``script_finished``; return (time, slider id, headline)."""
        slider_id = headline = None
        deadline = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(ws.recv(), max(deadline - time.monotonic(), 0.01))
            if isinstance(raw, str):
                continue
            msg = self.ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "slider" and element.slider.label == self.slider_label:
                    slider_id = element.slider.id
                elif which == "metric" and element.metric.label == self.metric_label:
                    headline = element.metric.body
            elif kind == "script_finished" and msg.script_finished == 0:
                return time.perf_counter(), slider_id, headline


async def ws_session(
    k: int,
    url: str,
    plan: list[int],
    headlines: dict[int, str],
    timeout: float,
    all_done: asyncio.Event,
    measured: list,
) -> SessionResult:
    """One session over the websocket protocol: first run, then the threshold moves of ``plan``."""
    import websockets

    proto = Protocol()
    result = SessionResult()
    await asyncio.sleep(0.2 * k)
    uri = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(uri, subprotocols=["streamlit"], origin=url, max_size=None) as ws:
            t0 = time.perf_counter()
            await ws.send(proto.rerun())
            t1, slider_id, headline = await proto.run(ws, timeout)
            result.load_s = result.first_run_s = t1 - t0
            if slider_id is None or headline != headlines[START_MINUTES]:
                raise RuntimeError(f"first run: slider {slider_id!r}, headline {headline!r}")
            for target in plan:
                t0 = time.perf_counter()
                await ws.send(proto.rerun({slider_id: target}))
                t1, _sid, headline = await proto.run(ws, timeout)
                if headline != headlines[target]:
                    result.errors.append(f"session {k}: headline {headline!r}, wanted {headlines[target]!r}")
                    break
                result.actions_s.append(t1 - t0)
                await asyncio.sleep(0.5)
            measured.append(k)
            while not all_done.is_set():  # stay connected (and keep reading) for the memory figure
                try:
                    await asyncio.wait_for(ws.recv(), 0.5)
                except asyncio.TimeoutError:
                    pass
            return result
    except Exception as exc:  # noqa: BLE001 - a failed session is a result here
        result.errors.append(f"session {k}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    if k not in measured:
        measured.append(k)
    return result


def move_plan(actions: int) -> list[int]:
    """Thresholds to move to, one minute at a time: down from 10, then back up."""
    down = [START_MINUTES - i for i in range(1, actions // 2 + 1)]
    up = [down[-1] + i for i in range(1, actions - len(down) + 1)] if down else []
    return down + up


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"median {median:.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s (n={len(ordered)})"


async def load_phase(make_task, sessions: int, budget: float, pid: int, figures: dict) -> list[SessionResult]:
    """Start ``sessions`` tasks (``make_task(k, all_done, measured)``), wait until each has measured, note the
    server's memory and CPU with all of them connected, then let them close."""
    cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
    all_done = asyncio.Event()
    measured: list[int] = []
    tasks = [asyncio.create_task(make_task(k, all_done, measured)) for k in range(sessions)]
    deadline = time.monotonic() + budget
    while len(measured) < sessions and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
    figures["timed_out"] = len(measured) < sessions
    await asyncio.sleep(1)
    figures["rss_all_open_kib"] = rss_kib(pid)
    figures["server_cpu_s"] = cpu_seconds(pid) - cpu0
    figures["wall_s"] = time.perf_counter() - wall0
    all_done.set()
    if figures["timed_out"]:
        for task in tasks:
            task.cancel()
    done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 60)
    return [r if isinstance(r, SessionResult) else SessionResult(errors=[repr(r)]) for r in done]


async def main_async(args: argparse.Namespace) -> dict:
    plan = move_plan(args.actions)
    headlines = expected_headlines(sorted({START_MINUTES, *plan}))
    n_places = len(load_dataset("vihti").places)
    timeout_ms = int(args.action_timeout * 1000)
    figures: dict = {
        "driver": args.driver,
        "sessions": args.sessions,
        "actions_per_session": len(plan),
        "plan": plan,
        "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }
    with tempfile.TemporaryDirectory(prefix="katve-load-") as tmp:
        (Path(tmp) / "projects").mkdir()
        proc, url = start_app(Path(tmp) / "projects", Path(tmp) / "streamlit.log")
        try:
            figures["rss_start_kib"] = rss_kib(proc.pid)
            if args.driver == "ws":
                # warm-up: one session's first run (imports, data set, first analysis)
                warm = await ws_session(-1, url, [], headlines, args.action_timeout, _set_event(), [])
                if warm.errors:
                    raise RuntimeError(f"warm-up failed: {warm.errors}")
                figures["warmup_load_s"] = warm.load_s
                await asyncio.sleep(2)
                figures["rss_warm_kib"] = rss_kib(proc.pid)
                results = await load_phase(
                    lambda k, done, measured: ws_session(
                        k, url, plan, headlines, args.action_timeout, done, measured
                    ),
                    args.sessions,
                    args.budget,
                    proc.pid,
                    figures,
                )
            else:
                from playwright.async_api import async_playwright

                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                    try:
                        # warm-up: one session loads the page (imports, data set, first analysis, Leaflet)
                        context, _page, _wire, warm, _first = await open_session(
                            browser, url, headlines[START_MINUTES], n_places, timeout_ms
                        )
                        figures["warmup_load_s"] = warm
                        await context.close()
                        await asyncio.sleep(2)
                        figures["rss_warm_kib"] = rss_kib(proc.pid)
                        contexts: list = []
                        results = await load_phase(
                            lambda k, done, measured: run_session(
                                k,
                                browser,
                                url,
                                plan,
                                headlines,
                                n_places,
                                timeout_ms,
                                done,
                                contexts,
                                measured,
                            ),
                            args.sessions,
                            args.budget,
                            proc.pid,
                            figures,
                        )
                        for context in contexts:
                            await context.close()
                    finally:
                        await browser.close()
            await asyncio.sleep(5)
            figures["rss_after_close_kib"] = rss_kib(proc.pid)
        finally:
            stop_app(proc)
    figures.update(
        page_load_s=[r.load_s for r in results if r.load_s is not None],
        first_run_s=[r.first_run_s for r in results if r.first_run_s is not None],
        retries=sum(r.retries for r in results),
        action_s=[a for r in results for a in r.actions_s],
        errors=[e for r in results for e in r.errors],
        sessions_complete=sum(len(r.actions_s) == len(plan) and not r.errors for r in results),
    )
    return figures


def _set_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--actions", type=int, default=6, help="threshold moves per session")
    parser.add_argument(
        "--driver",
        choices=("browser", "ws"),
        default="browser",
        help="browser: chromium pages (default); ws: Streamlit's websocket protocol without a browser",
    )
    parser.add_argument("--action-timeout", type=float, default=90.0, help="seconds one wait may take")
    parser.add_argument("--budget", type=float, default=480.0, help="seconds for the whole load phase")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    if args.driver == "browser" and not CHROMIUM.exists():
        print(f"no {CHROMIUM}: apt-get install chromium (or use --driver ws)", file=sys.stderr)
        return 2
    figures = asyncio.run(main_async(args))
    n = args.sessions
    browser = args.driver == "browser"
    per_session = (figures["rss_all_open_kib"] - figures["rss_warm_kib"]) / n / 1024
    how = "chromium pages (Playwright)" if browser else "websocket clients (no browser)"
    print(
        f"Katve load test: {n} concurrent sessions on Vihti (Kartta page) as {how}, one server on 127.0.0.1"
    )
    print(f"  threshold moves per session: {figures['actions_per_session']} ({figures['plan']})")
    print(f"  warm-up (first session, cold caches): {figures['warmup_load_s']:.2f} s")
    arriving = f"{n} sessions arriving within {0.2 * (n - 1):.1f} s"
    if browser:
        print(f"  page load until the map shows every place, {arriving}: {stats(figures['page_load_s'])}")
        print(f"    of which until the server finished the first run: {stats(figures['first_run_s'])}")
        print(f"  action latency (key press -> server finished the rerun): {stats(figures['action_s'])}")
        print(
            "    (each action also checked: the page then shows the new threshold's headline; "
            f"{figures['retries']} key presses had to be repeated)"
        )
    else:
        print(f"  first run (request -> script finished), {arriving}: {stats(figures['first_run_s'])}")
        print(f"  action latency (rerun request -> script finished): {stats(figures['action_s'])}")
        print("    (each action also checked: the rerun's headline metric is the new threshold's figure)")
    print(f"  sessions that completed every action: {figures['sessions_complete']} / {n}")
    for error in figures["errors"]:
        print(f"    ! {error}")
    mib = {k: figures[f"rss_{k}_kib"] / 1024 for k in ("start", "warm", "all_open", "after_close")}
    print(
        f"  server RSS: start {mib['start']:.0f} MiB, after warm-up {mib['warm']:.0f} MiB, "
        f"{n} sessions open {mib['all_open']:.0f} MiB, after closing {mib['after_close']:.0f} MiB"
    )
    print(f"  memory per session: {per_session:.1f} MiB ((open - warm) / {n})")
    print(
        f"  server CPU during the load phase: {figures['server_cpu_s']:.1f} s in {figures['wall_s']:.1f} s "
        f"wall ({os.cpu_count()} cores{' shared with the browser' if browser else ''}; "
        f"load average before: {figures['loadavg']})"
    )
    if args.json:
        print(json.dumps(figures, indent=1))
    return 0 if figures["sessions_complete"] == n else 1


if __name__ == "__main__":
    sys.exit(main())
