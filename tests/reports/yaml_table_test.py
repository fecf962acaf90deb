#!/usr/bin/python3
"""`usegate table --format yaml` read back by a YAML 1.1 reader (PyYAML, Debian's python3-yaml)
gives exactly the document of `usegate table --format json`, for every bundled policy: no
setting's `on` read as a boolean, no version read as a date, no value read as a number."""

import glob
import json
import os
import subprocess
import sys

import yaml


def main():
    usegate, source = sys.argv[1], sys.argv[2]
    policies = sorted(glob.glob(os.path.join(source, "policies", "*.policy")))
    if not policies:
        print("FAIL: no policy under " + source)
        sys.exit(1)
    for policy in policies:
        outputs = {}
        for format in ("yaml", "json"):
            result = subprocess.run([usegate, "table", "--format", format, policy], capture_output=True, text=True,
                                    timeout=60)
            if result.returncode != 0:
                print("FAIL: table --format {} {} exited {}: {}".format(format, policy, result.returncode,
                                                                     result.stderr))
                sys.exit(1)
            outputs[format] = result.stdout
        from_yaml = yaml.safe_load(outputs["yaml"])
        from_json = json.loads(outputs["json"])
        if from_yaml != from_json:
            for index, (a, b) in enumerate(zip(from_yaml.get("rows", []), from_json.get("rows", []))):
                if a != b:
                    print("row {}: YAML reads {!r}, JSON {!r}".format(index + 1, a, b))
                    break
            print("FAIL: {}: the YAML reads differently from the JSON (version {!r} vs {!r})".format(
                policy, from_yaml.get("version"), from_json.get("version")))
            sys.exit(1)
        print("ok: {}: {} rows read alike".format(os.path.basename(policy), len(from_json["rows"])))


if __name__ == "__main__":
    main()
