"""What the module refuses, and how: broken policies (PolicyError with positions and the text
`usegate check` prints), damaged artifacts, bad bindings and purposes, columns it cannot read
(errors naming the column); and every column layout decided as `usegate eval` decides the same
records written as JSON Lines."""

import datetime
import json
import os
import subprocess
import unittest

import numpy as np
import pandas as pd

import usegate
from support import TemporaryDirectory, column_decisions, eval_decisions, run, write_lines

SOURCE_DIR = os.environ["USEGATE_SOURCE_DIR"]
X_AUGUST = os.path.join(SOURCE_DIR, "policies", "x-grok-2024-08.policy")
NOW = 1725148800  # 2024-09-01

BROKEN = 'policy p "t"\nenum a { b, c }\nallow r when a == d\nallow s when z == b\n'

# Every kind of attribute, for the column layouts.
KINDS = """policy kinds "every kind of attribute"
enum color { red, green }
number size
bool flag
time ts
allow big when size >= 10 and flag and color == red
allow recent when ts >= 2024-06-01T12:00:00Z and not flag
deny unread when not size is known or not ts is known or not color is known
default deny
"""


class PolicyErrors(unittest.TestCase):
    def test_broken_policy_file_raises_what_usegate_check_prints(self):
        with TemporaryDirectory() as directory:
            path = os.path.join(directory, "bad.policy")
            with open(path, "w") as file:
                file.write(BROKEN)
            check = run(["check", path], check=False)
            self.assertEqual(check.returncode, 1)
            with self.assertRaises(usegate.PolicyError) as raised:
                usegate.compile(path)
        rendered = check.stderr.decode().rsplit("2 errors", 1)[0]
        self.assertEqual(str(raised.exception), rendered)
        self.assertEqual(raised.exception.diagnostics, [
            usegate.Diagnostic(path, 3, 19, "error", "`d` is not a value of `a`", "did you mean `b`?"),
            usegate.Diagnostic(path, 4, 14, "error", "unknown attribute `z`", "did you mean `a`?"),
        ])

    def test_policy_text_is_named_string(self):
        with self.assertRaises(usegate.PolicyError) as raised:
            usegate.compile(BROKEN)
        self.assertTrue(str(raised.exception).startswith(
            "<string>:3:19: error: `d` is not a value of `a`\n 3 | allow r when a == d\n   |                   ^\n"))
        self.assertEqual([(d.line, d.column) for d in raised.exception.diagnostics], [(3, 19), (4, 14)])

    def test_a_path_that_names_no_file(self):
        with self.assertRaisesRegex(FileNotFoundError, "no policy file `policies/x-grok-2024-13.policy`"):
            usegate.compile("policies/x-grok-2024-13.policy")

    def test_artifacts_load_from_path_and_bytes_and_damage_is_refused(self):
        with TemporaryDirectory() as directory:
            artifact = os.path.join(directory, "x.ugt")
            run(["build", X_AUGUST, "-o", artifact])
            with open(artifact, "rb") as file:
                data = file.read()
            record = {"purpose": "training", "category": "post", "visibility": "public", "region": "US",
                      "ts": "2024-06-01"}
            for policy in (usegate.load(artifact), usegate.load(data), usegate.compile(artifact)):
                self.assertEqual(policy.decide(record, now=NOW), usegate.Decision(True, "allow", "train_on_posts"))
            damaged = bytearray(data)
            damaged[len(damaged) // 2] ^= 0xFF
            with self.assertRaises(usegate.PolicyError) as raised:
                usegate.load(bytes(damaged))
            self.assertTrue(str(raised.exception).startswith("artifact: error: "), str(raised.exception))
            self.assertEqual(raised.exception.diagnostics[0].line, 0)
            with self.assertRaises(usegate.PolicyError):
                usegate.load(b"USEGATE\0 short")

    def test_bad_bindings_point_at_the_yaml_node(self):
        policy = usegate.compile(X_AUGUST)
        with self.assertRaises(usegate.PolicyError) as raised:
            policy.decide({}, now=NOW, bindings="attributes:\n  regoin: geo.region\n")
        self.assertEqual(raised.exception.diagnostics[0][:5],
                         ("bindings", 2, 3, "error", "unknown attribute `regoin`"))
        self.assertIn("did you mean `region`?", str(raised.exception))

    def test_unknown_purpose_and_bad_options(self):
        policy = usegate.compile(X_AUGUST)
        with self.assertRaisesRegex(ValueError, "the policy declares no purpose `training_x`"):
            policy.decide({}, now=NOW, purpose="training_x")
        with self.assertRaisesRegex(ValueError, "`now` `tomorrow` is not a time"):
            policy.decide({}, now="tomorrow")
        with self.assertRaisesRegex(ValueError, "`threads` is a number of threads from 1 to 256"):
            policy.decide_columns({}, now=NOW, threads=0)
        with self.assertRaisesRegex(TypeError, "decide takes a record as a dict"):
            policy.decide([("purpose", "training")], now=NOW)


class Columns(unittest.TestCase):
    def setUp(self):
        self.policy = usegate.compile(KINDS)
        self.directory_context = TemporaryDirectory()
        self.directory = self.directory_context.__enter__()
        self.policy_path = os.path.join(self.directory, "kinds.policy")
        with open(self.policy_path, "w") as file:
            file.write(KINDS)

    def tearDown(self):
        self.directory_context.__exit__(None, None, None)

    def assert_like_eval(self, frame, records, expected_reasons=None):
        """The frame decides as `usegate eval` decides `records` (its rows as JSON)."""
        path = write_lines(self.directory, "records.jsonl", [json.dumps(record) for record in records])
        expected = eval_decisions(self.policy_path, path, NOW)
        got = column_decisions(self.policy.decide_columns(frame, now=NOW))
        self.assertEqual(got, expected)
        if expected_reasons is not None:
            self.assertEqual([reason for _, reason in got], expected_reasons)

    def test_nullable_integers_floats_booleans_and_categories(self):
        frame = pd.DataFrame({
            "color": pd.Categorical(["red", "red", None, "green", "blue", "red"], categories=["red", "green", "blue",
                                                                                              "unused"]),
            "size": pd.array([10, None, 12, 3, 10, 9], dtype="Int64"),
            "flag": pd.array([True, True, None, False, True, True], dtype="boolean"),
            "ts": pd.array([1.7e9, None, 1.7e9, 1717243200.5, 1.7e9, 1.7e9], dtype="Float64"),
        })
        records = [
            {"color": "red", "size": 10, "flag": True, "ts": 1.7e9},
            {"color": "red", "size": None, "flag": True, "ts": None},
            {"color": None, "size": 12, "flag": None, "ts": 1.7e9},
            {"color": "green", "size": 3, "flag": False, "ts": 1717243200.5},
            {"color": "blue", "size": 10, "flag": True, "ts": 1.7e9},
            {"color": "red", "size": 9, "flag": True, "ts": 1.7e9},
        ]
        self.assert_like_eval(frame, records, ["big", "unread", "unread", "recent", "unread", "default"])

    def test_datetimes_with_and_without_time_zone_and_epoch_numbers(self):
        instants = ["2024-06-01T12:00:00Z", "2024-06-01T11:59:59.999Z", "2024-06-01T12:00:00.000000001Z", None]
        naive = pd.to_datetime([None if t is None else t[:-1] for t in instants])
        zoned = pd.to_datetime(instants, utc=True).tz_convert("Europe/Paris")
        base = {"color": ["green"] * 4, "size": [1] * 4, "flag": [False] * 4}
        records = [{"color": "green", "size": 1, "flag": False, "ts": t} for t in instants]
        expected = ["recent", "default", "recent", "unread"]
        self.assert_like_eval(pd.DataFrame({**base, "ts": naive}), records, expected)
        self.assert_like_eval(pd.DataFrame({**base, "ts": zoned}), records, expected)
        self.assert_like_eval({**base, "ts": np.array(naive.values)}, records, expected)
        self.assert_like_eval(pd.DataFrame({**base, "ts": pd.Categorical(zoned)}), records, expected)
        objects = np.array([datetime.datetime(2024, 6, 1, 14, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
                            pd.Timestamp("2024-06-01T11:59:59.999Z"), np.datetime64("2024-06-01T12:00:00.000000001"),
                            pd.NaT], dtype=object)
        self.assert_like_eval({**base, "ts": objects}, records, expected)
        epochs = [1717243200, 1717243199, None, None]
        self.assert_like_eval(pd.DataFrame({**base, "ts": pd.array(epochs, dtype="Int64")}),
                              [{**record, "ts": epoch} for record, epoch in zip(records, epochs)],
                              ["recent", "default", "unread", "unread"])

    def test_strings_numbers_and_unreadable_values_in_object_columns(self):
        values = {"color": np.array(["red", "RED", 3, {"a": 1}, None, float("nan"), pd.NA, "red"], dtype=object),
                  "size": np.array([10, "10", 10.0, 10, 10, 10, 10, 2**62], dtype=object),
                  "flag": np.array([True, "true", True, True, True, True, True, np.bool_(True)], dtype=object),
                  "ts": np.array(["2024-06-01"] * 8, dtype=object)}
        records = [{"color": c, "size": s, "flag": f, "ts": "2024-06-01"} for c, s, f in zip(
            ["red", "RED", 3, {"a": 1}, None, None, None, "red"], [10, "10", 10.0, 10, 10, 10, 10, 2**62],
            [True, "true", True, True, True, True, True, True])]
        self.assert_like_eval(values, records, ["big", "unread", "unread", "unread", "unread", "unread", "unread",
                                                "big"])
        self.assert_like_eval(pd.DataFrame(values).astype({"color": "string"}).assign(
            color=lambda frame: frame.color.where(frame.color.isin(["red", "RED"]))),
            [{**record, "color": record["color"] if record["color"] in ("red", "RED") else None} for record in records])

    def test_missing_columns_are_missing_fields_and_extra_columns_are_ignored(self):
        frame = pd.DataFrame({"color": ["red", "green"], "flag": [False, False], "other": [object(), object()]})
        self.assert_like_eval(frame, [{"color": "red", "flag": False}, {"color": "green", "flag": False}],
                              ["unread", "unread"])

    def test_empty_frames(self):
        for empty in (pd.DataFrame(), pd.DataFrame({"color": pd.Series([], dtype=object)}), {}, {"size": []}):
            result = self.policy.decide_columns(empty, now=NOW)
            self.assertEqual((result.allowed.dtype, result.allowed.shape), (np.dtype(bool), (0,)))
            self.assertEqual((result.reason.dtype, result.reason.shape), (np.dtype(np.uint16), (0,)))

    def test_reasons_as_a_categorical(self):
        result = self.policy.decide_columns({"color": ["red"], "size": [11], "flag": [True], "ts": [0]}, now=NOW)
        self.assertEqual(list(result.reasons()), ["big"])
        self.assertEqual(result.reason_names, ("default", "big", "recent", "unread", "invalid_input"))

    def test_columns_it_cannot_read_are_named(self):
        cases = [
            ({"size": np.array([1 + 2j])}, TypeError, "column `size` holds complex128 values"),
            ({"color": np.array([{1, 2}], dtype=object)}, TypeError, "column `color`, row 0: a value of type `set`"),
            ({"size": np.array([1, 2**70], dtype=object)}, ValueError, "column `size`, row 1: the integer does not fit"),
            ({"size": np.array([[1, 2]])}, ValueError, "column `size` is not one-dimensional"),
            ({"size": [1, 2], "flag": [True]}, ValueError, "the columns differ in length: `size` 2, `flag` 1"),
            ({"ts": pd.Series(pd.to_timedelta([1], unit="s"))}, TypeError, "column `ts` holds timedelta64"),
            ({"color": np.array(["\ud800"], dtype=object)}, ValueError, "column `color`, row 0: the text is not valid"),
        ]
        for columns, error, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(error, message.replace("(", r"\(")):
                    self.policy.decide_columns(columns, now=NOW)
        with self.assertRaisesRegex(TypeError, "a pandas DataFrame or a mapping"):
            self.policy.decide_columns([1, 2], now=NOW)

    def test_arrays_of_another_layout_are_refused_by_the_native_part(self):
        run = self.policy._run(NOW, None, None, None)
        cases = [("object", np.array([1, 2]), None), ("float", np.array([1, 2]), None),
                 ("int", np.array([1.0, 2.0]), None), ("category", np.array([0.0, 1.0]), np.array(["a"], dtype=object)),
                 ("bool", np.array([True, False]), np.array([1, 2])), ("float", np.array([1.0, 2.0, 3.0]), None)]
        for layout, data, extra in cases:
            with self.subTest(layout=layout):
                with self.assertRaisesRegex(ValueError, "column `size` is not a flat array of 2 values of its layout"):
                    run.decide_columns([("size", layout, data, extra)], 2, 1)

    def test_threads_split_rows_and_agree(self):
        rng = np.random.default_rng(7)
        rows = 100_000
        frame = pd.DataFrame({"color": pd.Categorical(rng.choice(["red", "green", "blue"], rows)),
                              "size": rng.integers(0, 20, rows), "flag": rng.integers(0, 2, rows).astype(bool),
                              "ts": rng.integers(1.71e9, 1.72e9, rows)})
        one = self.policy.decide_columns(frame, now=NOW)
        for threads in (2, 4):
            many = self.policy.decide_columns(frame, now=NOW, threads=threads)
            self.assertTrue(np.array_equal(one.allowed, many.allowed))
            self.assertTrue(np.array_equal(one.reason, many.reason))
        self.assertEqual(set(one.reason.tolist()), {0, 1, 2, 3})


if __name__ == "__main__":
    unittest.main()
