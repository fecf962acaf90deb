"""decide_columns over a DataFrame of the August X policy, beside the same policy written by
hand as a vectorized pandas expression, in the same run (docs/performance.md, "The Python module on DataFrames").

    PYTHONPATH=build/python /usr/bin/python3 bench/python/decide_columns_bench.py [--rows N] [--repeat R]

Three layouts of the same rows: string (object) columns where equal values share one object
(as pyarrow's to_pandas gives them), the same with one string object per row (`distinct`),
and category columns; `ts` is a datetime64[ns, UTC] column in all three, as a DataFrame read
from Parquet holds it. The hand-written
expression is checked to give the same decisions (allowed or not) on every row before anything
is timed. Times are the best of R runs, in nanoseconds per row.
"""

import argparse
import json
import os
import subprocess
import time

import numpy as np
import pandas as pd

import usegate

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY = os.path.join(SOURCE_DIR, "policies", "x-grok-2024-08.policy")
NOW = "2024-09-01"

PURPOSES = ["training", "fine_tuning", "realtime_answers"]
CATEGORIES = ["post", "interaction", "input", "result", "direct_message"]
REGIONS = ["US", "EU", "UK", "other_region"]
VISIBILITIES = ["public", "protected"]


def pick(rng, values, weights, rows):
    """A column of `values` (None for missing, other text for unreadable) drawn with `weights`."""
    choices = np.array(values, dtype=object)
    return choices[rng.choice(len(values), size=rows, p=np.array(weights) / sum(weights))]


def make_frame(rows, seed=20240808):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-04-01", tz="UTC").value
    end = pd.Timestamp("2024-09-01", tz="UTC").value
    ts = rng.integers(start, end, size=rows, dtype=np.int64)
    ts[rng.random(rows) < 0.02] = np.iinfo(np.int64).min  # NaT
    return pd.DataFrame({
        "purpose": pick(rng, PURPOSES + [None], [5, 2, 2, 0.2], rows),
        "category": pick(rng, CATEGORIES + ["repost"], [6, 2, 1, 1, 1, 0.2], rows),
        "visibility": pick(rng, VISIBILITIES + [None], [8, 1, 0.2], rows),
        "region": pick(rng, REGIONS + [None, "eu"], [4, 3, 1, 1, 0.2, 0.1], rows),
        "ts": pd.Series(ts.view("datetime64[ns]")).dt.tz_localize("UTC"),
        "grok_sharing": pick(rng, ["on", "off", None], [1, 1, 8], rows),
    })


def handwritten(frame):
    """The August X policy by hand (now = 2024-09-01, after the suspension began): allowed when
    an allow rule matches and no deny rule or opt-out does."""
    purpose, category = frame["purpose"], frame["category"]
    training = purpose.isin(["training", "fine_tuning"])
    post = category == "post"
    public = frame["visibility"] == "public"
    region = frame["region"]
    ts = frame["ts"]
    allows = (((purpose == "realtime_answers") & post & public) | (training & post & public)
              | (training & category.isin(["interaction", "input", "result"])))
    in_window = (ts >= pd.Timestamp("2024-05-07", tz="UTC")) & (ts < pd.Timestamp("2024-08-01", tz="UTC"))
    region_known = region.isin(REGIONS)
    eu = region == "EU"
    denies = ((training & post & (frame["visibility"] == "protected")) | (category == "direct_message")
              | (training & post & eu & in_window)
              | (training & post & (~region_known | (eu & ts.isna()))))
    # grok_sharing: default on; a value other than on counts as off (the data holds on, off, missing).
    sharing = frame["grok_sharing"]
    opted_out = sharing.notna() & (sharing != "on")
    covered = training & category.isin(["post", "interaction", "input", "result"])
    return (allows & ~denies & ~(covered & opted_out)).to_numpy(dtype=bool)


def best_of(repeat, function):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="threads for decide_columns (the 1-thread figure is always taken)")
    parser.add_argument("--decide-benchmark", metavar="PROGRAM",
                        help="build/bench/decide_benchmark: run its C++ batch case (codes already encoded) for comparison")
    arguments = parser.parse_args()
    rows = arguments.rows
    policy = usegate.compile(POLICY)
    strings = make_frame(rows)
    text_columns = ("purpose", "category", "visibility", "region", "grok_sharing")
    categories = strings.astype({name: "category" for name in text_columns})
    # The same strings, each row its own object rather than one object per value.
    distinct = strings.copy()
    for name in text_columns:
        distinct[name] = np.array([None if value is None else value.encode().decode() for value in strings[name]],
                                  dtype=object)
    print(f"{rows:,} rows, best of {arguments.repeat}; nanoseconds per row")
    print(f"{'layout':<10} {'pandas expression':>20} {'decide_columns':>16} {'ratio':>7}")
    for layout, frame in (("strings", strings), ("distinct", distinct), ("category", categories)):
        decided = policy.decide_columns(frame, now=NOW)
        expected = handwritten(frame)
        mismatches = int(np.count_nonzero(decided.allowed != expected))
        if mismatches:
            raise SystemExit(f"{layout}: the pandas expression disagrees with the policy on {mismatches} rows")
        pandas_time, _ = best_of(arguments.repeat, lambda: handwritten(frame))
        module_time, _ = best_of(arguments.repeat, lambda: policy.decide_columns(frame, now=NOW))
        print(f"{layout:<10} {pandas_time / rows * 1e9:>17.1f} ns {module_time / rows * 1e9:>13.1f} ns "
              f"{pandas_time / module_time:>6.2f}x")
        if arguments.threads > 1:
            threaded_time, _ = best_of(arguments.repeat,
                                       lambda: policy.decide_columns(frame, now=NOW, threads=arguments.threads))
            print(f"{'':<10} {'':>20} {threaded_time / rows * 1e9:>13.1f} ns {pandas_time / threaded_time:>6.2f}x"
                  f"  ({arguments.threads} threads)")
    if arguments.decide_benchmark:
        result = subprocess.run([arguments.decide_benchmark, "--benchmark_filter=DecideBatch_Dense$",
                                 "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true",
                                 "--benchmark_format=json"], capture_output=True, text=True, check=True)
        for entry in json.loads(result.stdout)["benchmarks"]:
            if entry.get("aggregate_name") == "median":
                print(f"C++ batch (DecideBatch_Dense, pre-encoded codes): {entry['per_decision'] * 1e9:.1f} ns per row")
    allowed = int(np.count_nonzero(decided.allowed))
    print(f"allowed {allowed:,} of {rows:,} rows; reasons: "
          + ", ".join(f"{name} {count:,}" for name, count in
                      decided.reasons().value_counts().items() if count))


if __name__ == "__main__":
    main()
