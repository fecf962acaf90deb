"""The bundled policies: the module decides records as `usegate eval` does — through decide,
decide_columns and filter_jsonl — with random records aimed at each policy's values and
dates, for several purposes, with consent changes (as a file, a list and a DataFrame) and with
bindings (nested fields, value maps, a constant, epoch milliseconds)."""

import filecmp
import json
import os
import re
import subprocess
import unittest

import pandas as pd

import usegate
from support import (BUNDLED, CAPI_DATA, USEGATE, TemporaryDirectory, as_categories, column_decisions,
                     eval_decisions, object_columns, read_lines, reduced_scale, seeded_random, write_lines)

NOW = 1725148800  # 2024-09-01
X_AUGUST = os.path.join(os.environ["USEGATE_SOURCE_DIR"], "policies", "x-grok-2024-08.policy")
CONSENT = os.path.join(CAPI_DATA, "consent.jsonl")


def vocabulary(text):
    """The attributes and settings a policy declares, and the dates and numbers it names."""
    enums = {name: [value.strip() for value in values.split(",")]
             for name, values in re.findall(r"^enum\s+(\w+)\s*\{([^}]*)\}", text, re.MULTILINE)}
    typed = dict((name, kind) for kind, name in re.findall(r"^(time|number|bool)\s+(\w+)", text, re.MULTILINE))
    settings = re.findall(r"^setting\s+(\w+)", text, re.MULTILINE)
    formerly = re.findall(r"formerly\s+([\w, ]+)", text)
    dates = sorted(set(re.findall(r"\b(\d{4}-\d{2}-\d{2})\b", text)))
    numbers = sorted({int(number) for number in re.findall(r"[<>=]=?\s*(\d+)\b", text)})
    return enums, typed, settings + [name.strip() for names in formerly for name in names.split(",")], dates, numbers


def random_records(text, rng, count):
    enums, typed, settings, dates, numbers = vocabulary(text)
    odd = [None, 7, {"nested": [1]}, [1, 2], "", True]
    users = ["a", "b", "c", "d", "u1", 42, 42.0, "42", "9007199254740993", None, {"id": 1}]
    records = []
    for _ in range(count):
        record = {}
        if rng.random() < 0.9:
            record["user"] = rng.choice(users)
        for name, values in enums.items():
            roll = rng.random()
            if roll < 0.75:
                record[name] = rng.choice(values)
            elif roll < 0.85:
                record[name] = rng.choice(odd + ["not_a_value", values[0].upper()])
        for name, kind in typed.items():
            roll = rng.random()
            if roll > 0.9:
                continue
            if kind == "time":
                day = rng.choice(dates) if dates else "2024-06-01"
                record[name] = rng.choice([
                    day, day + "T00:00:00Z", day + "T00:00:00.5Z", day + "T23:59:59Z", day + "T01:00:00+02:00",
                    int(pd.Timestamp(day, tz="UTC").timestamp()) + rng.choice([-1, 0, 1]), "2024-13-01", "yesterday",
                    None, 1.5e9, True])
            elif kind == "number":
                value = rng.choice(numbers) if numbers else 10
                record[name] = rng.choice([value, value - 1, value + 1, value - 0.5, float(value), str(value), None,
                                           -value, 1e300, "many"])
            else:
                record[name] = rng.choice([True, False, "true", None, 0])
        for name in settings:
            if rng.random() < 0.4:
                record[name] = rng.choice(["on", "off", True, False, None, "OFF", 1, "maybe"])
        records.append(record)
    return records


def frames(records):
    columns = object_columns(records)
    return (("object arrays", columns), ("inferred frame", pd.DataFrame.from_records(records)),
            ("categories", as_categories(columns)))


class BundledPolicies(unittest.TestCase):
    def setUp(self):
        self.directory_context = TemporaryDirectory()
        self.directory = self.directory_context.__enter__()

    def tearDown(self):
        self.directory_context.__exit__(None, None, None)

    def check_everything(self, policy_path, records_path, records, cli_options=(), **options):
        """decide, decide_columns and filter_jsonl against `usegate eval` and `usegate filter`."""
        policy = usegate.compile(policy_path)
        expected = eval_decisions(policy_path, records_path, NOW, cli_options)
        self.assertEqual(len(expected), len(records))
        for number, (record, wanted) in enumerate(zip(records, expected), 1):
            decision = policy.decide(record, now=NOW, **options)
            self.assertEqual((decision.decision, decision.reason), wanted, f"record {number}: {json.dumps(record)}")
        for layout, data in frames(records):
            for threads in (1, 2):
                got = column_decisions(policy.decide_columns(data, now=NOW, threads=threads, **options))
                self.assertEqual(got, expected, f"{policy_path} {cli_options} as {layout}")
        cli = {kind: os.path.join(self.directory, "cli_" + kind) for kind in ("allowed", "denied", "summary")}
        with open(cli["allowed"], "wb") as allowed:
            subprocess.run([USEGATE, "filter", "--policy", policy_path, "--now", str(NOW), *cli_options, "--denied",
                            cli["denied"], "--summary", cli["summary"], records_path],
                           stdout=allowed, stderr=subprocess.DEVNULL, check=True)
        module = {kind: os.path.join(self.directory, "module_" + kind) for kind in ("allowed", "denied")}
        with open(module["denied"], "wb") as denied:  # a file object as well as a path
            summary = policy.filter_jsonl(records_path, module["allowed"], denied=denied, now=NOW, **options)
        for kind in ("allowed", "denied"):
            self.assertTrue(filecmp.cmp(cli[kind], module[kind], shallow=False), f"{policy_path}: {kind}")
        with open(cli["summary"]) as file:
            self.assertEqual(summary, json.load(file))
        return expected

    def test_every_bundled_policy(self):
        rng = seeded_random("bundled policies")
        count = 60 if reduced_scale() else 400
        for policy_path in BUNDLED:
            with open(policy_path) as file:
                text = file.read()
            records = random_records(text, rng, count)
            records_path = write_lines(self.directory, "records.jsonl", records)
            with self.subTest(policy=os.path.basename(policy_path)):
                expected = self.check_everything(policy_path, records_path, records)
                self.assertGreater(len({reason for _, reason in expected}), 2)
                purposes = vocabulary(text)[0].get("purpose", [])[:2]
                self.check_everything(policy_path, records_path, records, ("--purpose", ",".join(purposes)),
                                      purpose=purposes)

    def test_consent_changes_from_a_file_a_list_and_a_frame(self):
        rng = seeded_random("consent")
        with open(X_AUGUST) as file:
            records = random_records(file.read(), rng, 40 if reduced_scale() else 200)
        records_path = write_lines(self.directory, "records.jsonl", records)
        changes = read_lines(CONSENT)
        for consent in (CONSENT, changes, pd.DataFrame.from_records(changes)):
            with self.assertWarnsRegex(usegate.ConsentWarning,
                                       r"line 2: rejected: .*\[unavailable\]"):
                usegate.compile(X_AUGUST).decide({}, now=NOW, consent=consent)
            expected = self.check_everything(X_AUGUST, records_path, records, ("--consent", CONSENT), consent=consent)
            self.assertIn(("deny", "optout_grok_sharing"), expected)
            self.assertIn("allow", {decision for decision, _ in expected})

    def test_bindings_nested_fields_value_maps_constant_epoch_milliseconds(self):
        records_path = os.path.join(CAPI_DATA, "nested.jsonl")
        bindings_path = os.path.join(CAPI_DATA, "nested.bindings.yaml")
        records = read_lines(records_path)
        policy = usegate.compile(X_AUGUST)
        options = ("--bindings", bindings_path, "--consent", CONSENT, "--purpose", "realtime_answers,training")
        expected = eval_decisions(X_AUGUST, records_path, NOW, options)
        # Lines with a key twice are rejected by eval; a dict cannot hold them.
        kept = [index for index, (decision, _) in enumerate(expected) if decision != "reject"]
        self.assertEqual(len(kept), len(expected) - 2)
        records = [records[index] for index in kept]
        expected = [expected[index] for index in kept]
        as_dict = {"user": "author.id",
                   "attributes": {"region": "geo.region", "purpose": {"constant": "training"},
                                  "category": {"field": "type",
                                               "values": {"tweet": "post", "reply": "post", "dm": "direct_message"}},
                                  "visibility": {"field": "author.protected",
                                                 "values": {"true": "protected", "false": "public"}},
                                  "ts": {"field": "created_ms", "time": "epoch_milliseconds"}},
                   "settings": {"grok_sharing": {"field": "prefs.grok"}}}
        for bindings in (bindings_path, as_dict):
            kwargs = dict(now=NOW, bindings=bindings, consent=CONSENT, purpose=["realtime_answers", "training"])
            self.assertEqual([(d.decision, d.reason) for d in (policy.decide(r, **kwargs) for r in records)], expected)
            flat = pd.json_normalize(records)  # nested fields as dotted column names
            self.assertIn("author.protected", flat.columns)
            self.assertEqual(column_decisions(policy.decide_columns(flat, **kwargs)), expected)
        self.assertGreater(len(set(expected)), 2)


if __name__ == "__main__":
    unittest.main()
