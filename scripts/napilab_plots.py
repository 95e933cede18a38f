"""napilab's charts, drawn from data with matplotlib (headless: Agg).

Each chart function takes plain data (lists and dicts as the tools' --json and
scripts/napilab_report.py give them) and the paths to write, one per format
(.png, .svg); nothing here measures or judges. The checks on the input are
pure functions (timeline_series) so that bad input is refused before any file
is written.
"""
import json
import math
import os
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

NAN = float("nan")
SIZE = (9.0, 5.0)  # inches; 100 dpi PNGs are 900 x 500
UMASK = os.umask(0)
os.umask(UMASK)


class PlotInputError(ValueError):
    """The data cannot be drawn; the message says which row and why."""


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_jsonl(path):
    """The JSON objects of a file with one per line (blank lines skipped)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise PlotInputError(f"{path}:{lineno}: not JSON: {e}") from None
            if not isinstance(row, dict):
                raise PlotInputError(f"{path}:{lineno}: not a JSON object")
            rows.append(row)
    return rows


def _optional_rate(row, key):
    """A driver counter's rate, else the BPF observer's, else NaN; and its source."""
    if _number(row.get(key)):
        return float(row[key]), "driver"
    bpf = row.get("bpf")
    if isinstance(bpf, dict) and _number(bpf.get(key)):
        return float(bpf[key]), "bpf"
    return NAN, None


def timeline_series(rows):
    """napitop --json rows as series over measured time.

    Each row is one interval ending at `t` seconds after napitop's first
    sample and lasting `seconds` (both measured by napitop). Returns
    {"start": [...], "end": [...], "rx_pps", "tx_pps", "irqs_per_s",
    "polls_per_s", "budget_exhausted_pct": [...], "mode": [...],
    "sources": {"polls_per_s": "driver"|"bpf"|None, ...}}.
    Raises PlotInputError naming the first bad row.
    """
    if not rows:
        raise PlotInputError("no rows: nothing to draw")
    series = {k: [] for k in ("start", "end", "rx_pps", "tx_pps", "irqs_per_s", "polls_per_s",
                              "budget_exhausted_pct", "mode")}
    sources = {"polls_per_s": set(), "budget_exhausted_pct": set()}
    previous_end = -math.inf
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise PlotInputError(f"row {i}: not a JSON object")
        t, seconds = row.get("t"), row.get("seconds")
        if not _number(t) or not _number(seconds) or seconds <= 0:
            raise PlotInputError(f"row {i}: needs the measured interval: numbers 't' and 'seconds' > 0 "
                                 f"(napitop --json writes both), got t={t!r} seconds={seconds!r}")
        if t <= previous_end:
            raise PlotInputError(f"row {i}: t={t} does not come after the previous row's {previous_end}")
        for key in ("rx_pps", "irqs_per_s"):
            if not _number(row.get(key)):
                raise PlotInputError(f"row {i}: '{key}' is missing or not a number")
        previous_end = t
        series["start"].append(t - seconds)
        series["end"].append(float(t))
        series["rx_pps"].append(float(row["rx_pps"]))
        series["tx_pps"].append(float(row["tx_pps"]) if _number(row.get("tx_pps")) else NAN)
        series["irqs_per_s"].append(float(row["irqs_per_s"]))
        for key in ("polls_per_s", "budget_exhausted_pct"):
            value, source = _optional_rate(row, key)
            series[key].append(value)
            if source:
                sources[key].add(source)
        series["mode"].append(row.get("mode") if isinstance(row.get("mode"), str) else "")
    series["sources"] = {k: "+".join(sorted(v)) or None for k, v in sources.items()}
    return series


def _steps(ax, series, key, **style):
    """One value per measured interval, drawn flat across it."""
    xs = [series["start"][0]] + series["end"]
    ys = [series[key][0]] + series[key]
    return ax.step(xs, ys, where="pre", **style)


def save(fig, paths):
    """Write the figure to every path (format from the extension), each
    through a temporary file in the same folder, so a failure leaves no
    half-written chart behind."""
    formats = []
    for path in paths:
        ext = os.path.splitext(path)[1].lstrip(".").lower()
        if ext not in ("png", "svg", "pdf"):
            plt.close(fig)
            raise PlotInputError(f"{path}: unknown image format '.{ext}' (png, svg or pdf)")
        formats.append(ext)
    try:
        for path, ext in zip(paths, formats):
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix="." + ext)
            os.close(fd)
            os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp's 0600 would hide the chart from others
            try:
                fig.savefig(tmp, format=ext, dpi=100)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
    finally:
        plt.close(fig)


def timeline(rows, paths, title=None):
    """Draw timeline_figure(rows, title) to every path."""
    save(timeline_figure(rows, title), paths)


def timeline_figure(rows, title=None):
    """The NAPI timeline of napitop --json rows: packets/s, IRQ/s, polls/s
    (log scale) above, the share of budget-exhausted polls below; the
    first line drawn is the received packets/s."""
    s = timeline_series(rows)
    fig, (rates, share) = plt.subplots(2, 1, sharex=True, figsize=SIZE,
                                       gridspec_kw={"height_ratios": [2.2, 1]})
    _steps(rates, s, "rx_pps", lw=2, label="received packets/s")
    if any(not math.isnan(v) for v in s["tx_pps"]):
        _steps(rates, s, "tx_pps", lw=1, ls=":", label="sent packets/s")
    _steps(rates, s, "irqs_per_s", lw=3.5, alpha=0.6, label="interrupts/s")
    polls_source = s["sources"]["polls_per_s"]
    if polls_source:
        _steps(rates, s, "polls_per_s", lw=1.5, ls="--", label=f"NAPI polls/s ({polls_source})")
    rates.set_yscale("symlog", linthresh=10)
    rates.set_ylim(bottom=0)
    rates.set_ylabel("per second (log above 10)")
    rates.grid(True, which="major", alpha=0.4)
    rates.legend(loc="upper left", fontsize="small", ncol=2)

    budget_source = s["sources"]["budget_exhausted_pct"]
    if budget_source:
        _steps(share, s, "budget_exhausted_pct", lw=2, color="tab:red",
               label=f"polls that used the whole budget ({budget_source})")
        share.legend(loc="upper left", fontsize="small")
    else:
        share.text(0.5, 0.5, "no poll counters in these rows (driver or BPF)", ha="center",
                   va="center", transform=share.transAxes, color="gray")
    for start, end, mode in zip(s["start"], s["end"], s["mode"]):
        if mode == "polling":
            share.axvspan(start, end, color="tab:red", alpha=0.08, lw=0)
    share.set_ylim(0, 100)
    share.set_ylabel("% of polls")
    share.set_xlabel("time since the first sample (s, measured)")
    share.grid(True, alpha=0.4)
    intervals = sorted(e - b for b, e in zip(s["start"], s["end"]))
    median = intervals[len(intervals) // 2]
    iface = rows[0].get("iface")
    fig.suptitle(title or (f"NAPI over time, {iface}" if isinstance(iface, str) else "NAPI over time"))
    rates.set_title(f"{len(intervals)} measured intervals of {median:.2f} s (median); "
                    "shaded: napitop's mode 'polling'", fontsize="small")
    fig.tight_layout()
    return fig


def livelock(curves, mlfrr, paths, title):
    """Delivered vs offered rate per driver: curves = {driver: [(offered,
    delivered median, min, max), ...]}, mlfrr = {driver: pps or None}."""
    fig, ax = plt.subplots(figsize=SIZE)
    top = 1.0
    for i, (driver, points) in enumerate(curves.items()):
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        err = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
        line = ax.errorbar(xs, ys, yerr=err, marker="o", capsize=3, label=driver)
        top = max(top, max(p[3] for p in points))
        if mlfrr.get(driver):
            ax.axvline(mlfrr[driver], ls="--", lw=1, color=line[0].get_color())
            ax.annotate(f"MLFRR {driver}", (mlfrr[driver], 0.95 - 0.07 * i), xycoords=("data", "axes fraction"),
                        xytext=(4, 0), textcoords="offset points", fontsize="small")
    xs = [p[0] for points in curves.values() for p in points] or [1]
    ax.plot([min(xs), max(xs)], [min(xs), max(xs)], ls=":", color="gray", label="delivered = offered")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.3 * top)
    ax.set_xlabel("offered load (packets/s, measured at the sender; log scale)")
    ax.set_ylabel("delivered to the application (packets/s)")
    ax.set_title(title, fontsize="medium")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    save(fig, paths)


def grouped_bars(groups, series, paths, title, ylabel):
    """Bars per group (x) and series (legend): series = {label: {group:
    {"median", "min", "max"} or None}}; a missing value is written as such."""
    fig, ax = plt.subplots(figsize=SIZE)
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        for g, group in enumerate(groups):
            x = g + (i - (len(series) - 1) / 2) * width
            s = values.get(group)
            if not s:
                ax.text(x, 0, "not\nmeasured", ha="center", va="bottom", fontsize="x-small", color="gray")
                continue
            ax.bar(x, s["median"], width, color=f"C{i}",
                   yerr=[[s["median"] - s["min"]], [s["max"] - s["median"]]], capsize=4)
    handles = [plt.Rectangle((0, 0), 1, 1, color=f"C{i}") for i in range(len(series))]
    ax.legend(handles, list(series), loc="upper left", fontsize="small")
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize="medium")
    ax.grid(True, axis="y", alpha=0.4)
    fig.tight_layout()
    save(fig, paths)


def poll_epoll(by_n, by_ready, paths, title):
    """Wait cost per call: by_n = {label: [(n, median, min, max)]} (fixed
    ready count, n grows), by_ready = {label: [(ready, median, min, max)]}."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(SIZE[0] + 2, SIZE[1]), sharey=True)
    for ax, data, xlabel in ((left, by_n, "watched file descriptors n"),
                             (right, by_ready, "ready file descriptors")):
        for i, (label, points) in enumerate(data.items()):
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            err = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
            ax.errorbar(xs, ys, yerr=err, marker="o", ms=4, capsize=2, label=label,
                        ls="--" if label.startswith("poll") else "-", color=f"C{i}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="upper left", fontsize="x-small")
    left.set_ylabel("time per wait call (ns, median; bars min-max)")
    left.set_title("ready count fixed, n grows", fontsize="small")
    right.set_title("n fixed, ready count grows", fontsize="small")
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    save(fig, paths)


def strategies(points, paths, title):
    """p99 latency against guest CPU busy, one point per strategy: points =
    [(strategy, driver, busy {"median", "min", "max"}, p99 {...})], bars
    min-max; one marker and colour per driver, each point labelled with its
    strategy."""
    if not points:
        raise PlotInputError("no strategy with both p99 and CPU measured")
    fig, ax = plt.subplots(figsize=SIZE)
    drivers = list(dict.fromkeys(d for _, d, _, _ in points))
    markers = "osD^v<>"
    for i, driver in enumerate(drivers):
        mine = [p for p in points if p[1] == driver]
        xs = [b["median"] for _, _, b, _ in mine]
        ys = [q["median"] for _, _, _, q in mine]
        xerr = [[b["median"] - b["min"] for _, _, b, _ in mine], [b["max"] - b["median"] for _, _, b, _ in mine]]
        yerr = [[q["median"] - q["min"] for _, _, _, q in mine], [q["max"] - q["median"] for _, _, _, q in mine]]
        ax.errorbar(xs, ys, xerr=xerr, yerr=yerr, ls="none", marker=markers[i % len(markers)], ms=6,
                    capsize=2, color=f"C{i}", label=driver)
        for (name, _, b, q) in mine:
            ax.annotate(name, (b["median"], q["median"]), xytext=(4, 3), textcoords="offset points",
                        fontsize="x-small", color=f"C{i}")
    ax.set_yscale("log")
    ax.set_xlim(left=0)
    ax.set_xlabel("guest CPU busy (%, 100 - idle, over the ping-pong; median, bars min-max)")
    ax.set_ylabel("ping-pong p99 RTT (µs, log scale)")
    ax.set_title(title, fontsize="medium")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    save(fig, paths)
