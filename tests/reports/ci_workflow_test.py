#!/usr/bin/python3
"""The shell steps of docs/ci/policy-review.yml, run as the workflow runs them, in scratch git
repositories of two commits: the base branch's policy, then the pull request's.

The steps are read from the committed workflow file (the steps with an `id`), so the file
itself is what is tested. Each runs with `bash --noprofile --norc -eo pipefail`, as GitHub
Actions runs `shell: bash`, in the environment the workflow sets, with USEGATE naming the
program under test. Cases:

- July -> August (newly denied only): every step passes, the comment has the diff and the
  simulation, the HTML reports are written, the gate passes;
- May -> July (a region newly allowed): the gate fails, and passes with the approval label;
- a new policy: the gate fails (no base version: all it allows is new);
- a policy with an error: the check step fails.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import yaml

TESTED_STEPS = ["check", "test", "diff", "sim", "gate"]
STEP_SECONDS = 120


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def read_steps(workflow_path):
    with open(workflow_path, encoding="utf-8") as file:
        workflow = yaml.safe_load(file)
    steps = workflow["jobs"]["review"]["steps"]
    env = workflow["jobs"]["review"]["env"]
    scripts = {step["id"]: step["run"] for step in steps if "id" in step}
    if list(scripts) != TESTED_STEPS:
        fail("the workflow's steps with an id are {}, the test runs {}".format(list(scripts), TESTED_STEPS))
    for name, script in scripts.items():
        if "${{" in script:
            fail("step `{}` uses a GitHub expression; the steps read their inputs from the environment".format(name))
    return scripts, env


def git(repository, *arguments):
    subprocess.run(["git", "-C", repository] + list(arguments), check=True, capture_output=True, timeout=60)


def make_repository(root, name, base_files, head_files, source):
    """A repository whose first commit holds `base_files` and second `head_files` (path: source)."""
    repository = os.path.join(root, name)
    os.makedirs(repository)
    git(repository, "init", "-q", "-b", "main")
    git(repository, "config", "user.email", "review@example.invalid")
    git(repository, "config", "user.name", "Policy review test")
    commits = []
    for files in (base_files, head_files):
        for path in list(os.listdir(repository)):
            if path != ".git":
                shutil.rmtree(os.path.join(repository, path))
        for path, origin in files.items():
            target = os.path.join(repository, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.isabs(origin):
                shutil.copyfile(origin, target)
            else:
                with open(target, "w", encoding="utf-8") as out:
                    out.write(origin)
        git(repository, "add", "-A")
        git(repository, "commit", "-q", "-m", "policies", "--allow-empty")
        commits.append(subprocess.run(["git", "-C", repository, "rev-parse", "HEAD"], capture_output=True, text=True,
                                      check=True).stdout.strip())
    return repository, commits[0]


def run_step(repository, name, script, env):
    path = os.path.join(repository, "..", name + ".sh")
    with open(path, "w", encoding="utf-8") as out:
        out.write(script)
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], cwd=repository, env=env,
                            capture_output=True, text=True, timeout=STEP_SECONDS)
    return result


def run_workflow(repository, base, scripts, workflow_env, usegate, labels=""):
    """Runs the steps in order, stopping at the first that fails, as a job does. Returns the
    name of the failing step (or None) and every step's output."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LC_ALL": "C"}
    env.update({key: str(value) for key, value in workflow_env.items()})
    env.update({"USEGATE": usegate, "BASE_REF": base, "LABELS": labels})
    outputs = {}
    for name in TESTED_STEPS:
        result = run_step(repository, name, scripts[name], env)
        outputs[name] = result
        if result.returncode != 0:
            return name, outputs
    return None, outputs


def expect(condition, message, outputs=None):
    if not condition:
        if outputs:
            for name, result in outputs.items():
                print("--- step {} exited {}\n{}{}".format(name, result.returncode, result.stdout, result.stderr))
        fail(message)


def main():
    usegate, source = sys.argv[1], sys.argv[2]
    scripts, workflow_env = read_steps(os.path.join(source, "docs", "ci", "policy-review.yml"))
    policies = os.path.join(source, "policies")
    scenario = os.path.join(source, "tests", "golden", "sim-eu-posts-x-grok-2024-08", "eu.yaml")
    root = tempfile.mkdtemp(prefix="usegate-ci-")
    try:
        def policy(name):
            return os.path.join(policies, name + ".policy")

        # July -> August: newly denied regions only.
        repository, base = make_repository(
            root, "july-august",
            {"policies/x-grok.policy": policy("x-grok-2024-07"), "policies/scenarios/review.yaml": scenario},
            {"policies/x-grok.policy": policy("x-grok-2024-08"), "policies/scenarios/review.yaml": scenario}, source)
        failed, outputs = run_workflow(repository, base, scripts, workflow_env, usegate)
        expect(failed is None, "July -> August: step `{}` failed".format(failed), outputs)
        expect("no *.test.yaml under policies/" in outputs["test"].stdout, "the test step ran without tests", outputs)
        with open(os.path.join(repository, "policy-review", "comment.md"), encoding="utf-8") as file:
            comment = file.read()
        expect(comment.startswith("### usegate diff x_grok 2024-07-26 → 2024-08-08\n"), "the comment opens with the diff")
        expect("| newly denied | 3 |" in comment and "| newly allowed | 0 |" in comment,
               "the comment counts the rows")
        expect("### usegate sim: x_grok 2024-07-26 vs x_grok 2024-08-08" in comment, "the comment has the simulation")
        for report in ("x-grok-diff.html", "x-grok-sim.html"):
            path = os.path.join(repository, "policy-review", report)
            expect(os.path.getsize(path) > 1000, report + " is written")
        expect(outputs["gate"].stdout == "no region newly allowed\n", "the gate passes without newly allowed regions",
               outputs)

        # May -> July: a region newly allowed, which the label approves.
        repository, base = make_repository(root, "may-july", {"policies/x-grok.policy": policy("x-grok-2024-05")},
                                           {"policies/x-grok.policy": policy("x-grok-2024-07")}, source)
        failed, outputs = run_workflow(repository, base, scripts, workflow_env, usegate)
        expect(failed == "gate", "May -> July: the gate fails (failed: {})".format(failed), outputs)
        expect("::error file=policies/x-grok.policy::policies/x-grok.policy newly allows some region; add the label "
               "policy-change-approved to approve" in outputs["gate"].stdout, "the gate names the policy", outputs)
        expect("no scenario at policies/scenarios/review.yaml" in outputs["sim"].stdout, "sim without a scenario",
               outputs)
        failed, outputs = run_workflow(repository, base, scripts, workflow_env, usegate,
                                       labels="documentation,policy-change-approved")
        expect(failed is None, "May -> July with the label: step `{}` failed".format(failed), outputs)
        expect(outputs["gate"].stdout.startswith("newly allowed regions approved by the label policy-change-approved"),
               "the label approves", outputs)

        # A new policy: nothing to compare with.
        repository, base = make_repository(root, "new-policy", {"policies/x-grok.policy": policy("x-grok-2024-08")},
                                           {"policies/x-grok.policy": policy("x-grok-2024-08"),
                                            "policies/meta-ai.policy": policy("meta-ai-2024-06")}, source)
        failed, outputs = run_workflow(repository, base, scripts, workflow_env, usegate)
        expect(failed == "gate", "a new policy: the gate fails (failed: {})".format(failed), outputs)

        # A policy with an error stops the job at the check.
        repository, base = make_repository(root, "broken", {"policies/x-grok.policy": policy("x-grok-2024-08")},
                                           {"policies/x-grok.policy": "policy broken\n@@@\n"}, source)
        failed, outputs = run_workflow(repository, base, scripts, workflow_env, usegate)
        expect(failed == "check", "a broken policy: the check fails (failed: {})".format(failed), outputs)
        expect("error" in outputs["check"].stderr, "the check prints the error", outputs)
        print("ok: the workflow's steps pass, gate newly allowed regions, honour the label and stop a broken policy")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
