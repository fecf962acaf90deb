"""Random policies from the differential generator (tests/python/random_cases.cpp): the module
decides every record as `usegate eval` does, through decide, decide_columns and filter_jsonl."""

import filecmp
import json
import os
import subprocess
import unittest

import pandas as pd

import usegate
from support import (USEGATE, TemporaryDirectory, as_categories, column_decisions, eval_decisions, object_columns,
                     read_lines, reduced_scale, run)

RANDOM_CASES = os.environ["USEGATE_RANDOM_CASES"]
NOW = 1725148800  # 2024-09-01


class RandomPolicies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory_context = TemporaryDirectory()
        cls.directory = cls.directory_context.__enter__()
        count, records = ("6", "40") if reduced_scale() else ("30", "200")
        result = subprocess.run([RANDOM_CASES, cls.directory, count, records], capture_output=True, text=True)
        print(result.stdout, end="", flush=True)
        if result.returncode != 0:
            raise AssertionError(result.stderr)
        cls.cases = sorted(int(name[len("policy_"):-len(".policy")]) for name in os.listdir(cls.directory)
                           if name.startswith("policy_"))

    @classmethod
    def tearDownClass(cls):
        cls.directory_context.__exit__(None, None, None)

    def paths(self, index):
        return (os.path.join(self.directory, f"policy_{index}.policy"),
                os.path.join(self.directory, f"records_{index}.jsonl"))

    def test_decide_equals_eval(self):
        for index in self.cases:
            policy_path, records_path = self.paths(index)
            policy = usegate.compile(policy_path)
            expected = eval_decisions(policy_path, records_path, NOW)
            for number, (record, wanted) in enumerate(zip(read_lines(records_path), expected), 1):
                decision = policy.decide(record, now=NOW)
                self.assertEqual((decision.decision, decision.reason), wanted,
                                 f"{policy_path} record {number}: {json.dumps(record)}")
                self.assertEqual(decision.allowed, wanted[0] == "allow")

    def test_decide_columns_equals_eval(self):
        for index in self.cases:
            policy_path, records_path = self.paths(index)
            policy = usegate.compile(policy_path)
            records = read_lines(records_path)
            expected = eval_decisions(policy_path, records_path, NOW)
            self.assertNotIn("reject", [decision for decision, _ in expected])
            columns = object_columns(records)
            for layout, data in (("object arrays", columns), ("inferred frame", pd.DataFrame.from_records(records)),
                                 ("categories", as_categories(columns))):
                for threads in (1, 3):
                    got = column_decisions(policy.decide_columns(data, now=NOW, threads=threads))
                    for number, (record, wanted, decided) in enumerate(zip(records, expected, got), 1):
                        self.assertEqual(decided, wanted,
                                         f"{policy_path} record {number} ({layout}): {json.dumps(record)}")
                    self.assertEqual(len(got), len(expected))

    def test_filter_jsonl_equals_filter(self):
        for index in self.cases:
            policy_path, records_path = self.paths(index)
            policy = usegate.compile(policy_path)
            outputs = {}
            for who in ("cli", "module"):
                outputs[who] = {kind: os.path.join(self.directory, f"{who}_{kind}_{index}")
                                for kind in ("allowed", "denied", "rejects", "summary")}
            paths = outputs["cli"]
            with open(paths["allowed"], "wb") as allowed:
                subprocess.run([USEGATE, "filter", "--policy", policy_path, "--now", str(NOW), "--denied",
                                paths["denied"], "--rejects", paths["rejects"], "--summary", paths["summary"],
                                records_path], stdout=allowed, stderr=subprocess.DEVNULL, check=True)
            paths = outputs["module"]
            summary = policy.filter_jsonl(records_path, paths["allowed"], denied=paths["denied"],
                                          rejects=paths["rejects"], now=NOW, threads=1 + index % 3)
            for kind in ("allowed", "denied", "rejects"):
                self.assertTrue(filecmp.cmp(outputs["cli"][kind], paths[kind], shallow=False), f"{policy_path}: {kind}")
            with open(outputs["cli"]["summary"]) as file:
                self.assertEqual(summary, json.load(file), policy_path)


if __name__ == "__main__":
    unittest.main()
