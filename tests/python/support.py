"""What the Python module's tests share: the built program, `usegate eval` and `usegate
filter` run as subprocesses, records as frames, and the seed of randomized tests."""

import json
import os
import random
import subprocess
import tempfile

import numpy as np
import pandas as pd

SOURCE_DIR = os.environ["USEGATE_SOURCE_DIR"]
USEGATE = os.environ["USEGATE"]
POLICIES = os.path.join(SOURCE_DIR, "policies")
BUNDLED = sorted(os.path.join(POLICIES, name) for name in os.listdir(POLICIES) if name.endswith(".policy"))
CAPI_DATA = os.path.join(SOURCE_DIR, "tests", "capi", "data")


def reduced_scale() -> bool:
    return bool(os.environ.get("USEGATE_TEST_SCALE"))


def seeded_random(name: str) -> random.Random:
    """A generator with the base seed (USEGATE_SEED replays it), printed for the log."""
    text = os.environ.get("USEGATE_SEED", "")
    seed = random.SystemRandom().getrandbits(48) if text == "random" else int(text or "20240726", 0)
    print(f"{name}: seed {seed} (replay with USEGATE_SEED={seed})", flush=True)
    return random.Random(seed)


def run(arguments, check=True):
    result = subprocess.run([USEGATE, *arguments], capture_output=True)
    if check and result.returncode != 0:
        raise AssertionError(f"usegate {' '.join(arguments)} exited {result.returncode}: {result.stderr.decode()}")
    return result


def eval_decisions(policy, records_path, now, extra=()):
    """`usegate eval`'s (decision, reason) per record, in order."""
    result = run(["eval", "--policy", policy, "--now", str(now), *extra, records_path])
    return [(entry["decision"], entry["reason"])
            for entry in (json.loads(line) for line in result.stdout.decode().splitlines())]


def write_lines(directory, name, records):
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as file:
        for record in records:
            file.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
    return path


def read_lines(path):
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def object_columns(records):
    """Records as a mapping of object arrays, a field absent from a record None in its row."""
    names = []
    for record in records:
        for name in record:
            if name not in names:
                names.append(name)
    return {name: np.array([record.get(name) for record in records] + [None], dtype=object)[:-1] for name in names}


def as_categories(columns):
    """The same columns as pandas categories where every value is text or missing (categories
    of mixed types would merge True with 1, as pandas hashes them alike)."""
    frame = {}
    for name, values in columns.items():
        if all(value is None or isinstance(value, str) for value in values):
            frame[name] = pd.Categorical(values)
        else:
            frame[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(frame)


def column_decisions(result):
    return [("allow" if allowed else "deny", result.reason_names[reason])
            for allowed, reason in zip(result.allowed.tolist(), result.reason.tolist())]


class TemporaryDirectory:
    def __enter__(self):
        self._directory = tempfile.TemporaryDirectory(prefix="usegate-python-")
        return self._directory.name

    def __exit__(self, *exc):
        self._directory.cleanup()
