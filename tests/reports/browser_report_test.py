#!/usr/bin/python3
"""The HTML reports of `usegate sim` and `usegate diff`, opened in headless Chromium.

For one report (the case named on the command line) the test writes the report as HTML and
as JSON, then runs Chromium twice on the HTML file: once for a screenshot (with a network log)
and once to dump the page's DOM. It checks that

- the screenshot is neither blank nor cut off: it has content, and its last rows and right
  columns are background, so the whole page fitted the window (png_stats reads the PNG);
- the text of the page carries the figures of the JSON report, table by table, cell by cell;
- the page asked for nothing over the network: the network log holds no request made for
  the page (Chromium's own background requests are not the page's).

The case `network-canary` runs the network check on a page that does load a URL, and expects
the check to catch it. Screenshots are left in the work folder of the build tree.
"""

import argparse
import html.parser
import json
import os
import shutil
import signal
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_SECONDS = 60


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run_usegate(usegate, arguments, cwd):
    result = subprocess.run([usegate] + arguments, cwd=cwd, capture_output=True, text=True, timeout=120)
    if result.returncode not in (0, 1):
        fail("usegate {} exited {}: {}".format(" ".join(arguments), result.returncode, result.stderr))
    return result


def run_chromium(work, name, arguments):
    """Runs Chromium headless in its own process group, killed with the group on a time-out."""
    profile = os.path.join(work, name + "-profile")
    shutil.rmtree(profile, ignore_errors=True)
    command = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-default-apps", "--hide-scrollbars", "--force-device-scale-factor=1",
               "--host-resolver-rules=MAP * ~NOTFOUND"] + arguments
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=CHROMIUM_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        fail("chromium did not finish within {} s: {}".format(CHROMIUM_SECONDS, " ".join(arguments)))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if process.returncode != 0:
        fail("chromium exited {}".format(process.returncode))
    return out.decode("utf-8")


def page_requests(net_log_path):
    """The URLs the page asked for: requests whose isolation key is the file:// page's."""
    with open(net_log_path, encoding="utf-8") as log:
        text = log.read()
    try:
        events = json.loads(text)
    except json.JSONDecodeError:
        # A log Chromium did not close: its event list ends with a comma.
        events = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {code: name for name, code in events["constants"]["logEventTypes"].items()}
    urls = []
    for event in events["events"]:
        params = event.get("params", {})
        if names.get(event["type"]) != "URL_REQUEST_START_JOB":
            continue
        if "file://" in params.get("network_isolation_key", "") or "file://" in params.get("site_for_cookies", ""):
            urls.append(params.get("url", ""))
    return urls


class Tables(html.parser.HTMLParser):
    """Every <table id=…> of a page: its header cells and the text of each body row's cells."""

    def __init__(self):
        super().__init__()
        self.tables = {}
        self.current = None
        self.row = None
        self.cell = None
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.current = attributes.get("id", "")
            self.tables[self.current] = {"header": [], "rows": []}
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            table = self.tables[self.current]
            if self.in_head:
                table["header"] = self.row
            else:
                table["rows"].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def percent(part, whole):
    return "{:.2f}%".format(100.0 * (part / whole if whole else 0.0))


def points(a, b):
    text = "{:+.2f} pp".format(100.0 * (b - a))
    return "0.00 pp" if text in ("+0.00 pp", "-0.00 pp") else text


def share(part, whole):
    return part / whole if whole else 0.0


def row_named(tables, table_id, first_cell):
    if table_id not in tables:
        fail("the page has no table `{}`".format(table_id))
    for row in tables[table_id]["rows"]:
        if row and row[0] == first_cell:
            return row
    fail("table `{}` has no row `{}`".format(table_id, first_cell))


def expect(actual, expected, where):
    if actual != expected:
        fail("{}: the page shows {!r}, the JSON report gives {!r}".format(where, actual, expected))


def check_sim(tables, report):
    """The sim page against `sim --format json`: every purpose, breakdown, denial and setting."""
    policies = report["policies"]
    compared = len(policies) > 1
    checked = 0
    for p, purpose in enumerate(policies[0]["purposes"]):
        name = purpose["purpose"]
        row = row_named(tables, "usable", name)
        expect(row[1], str(purpose["records"]), "usable/" + name + "/records")
        for i, policy in enumerate(policies):
            mine = policy["purposes"][p]
            expect(row[2 + 2 * i], str(mine["usable"]), "usable/{}/{}".format(name, policy["label"]))
            expect(row[3 + 2 * i], percent(mine["usable"], mine["records"]), "usable/{}/share".format(name))
            checked += 2
        if compared:
            a, b = policies[0]["purposes"][p], policies[1]["purposes"][p]
            expect(row[-1], points(share(a["usable"], a["records"]), share(b["usable"], b["records"])),
                   "usable/{}/change".format(name))
        for f, breakdown in enumerate(purpose["breakdowns"]):
            table_id = "{}-{}".format(name, breakdown["field"])
            expect(len(tables[table_id]["rows"]), len(breakdown["values"]), table_id + " rows")
            for v, value in enumerate(breakdown["values"]):
                row = row_named(tables, table_id, value["value"])
                expect(row[1], str(value["records"]), "{}/{}/records".format(table_id, value["value"]))
                for i, policy in enumerate(policies):
                    mine = policy["purposes"][p]["breakdowns"][f]["values"][v]
                    expect(row[2 + 2 * i], str(mine["usable"]), "{}/{}/usable".format(table_id, value["value"]))
                    expect(row[3 + 2 * i], percent(mine["usable"], mine["records"]),
                           "{}/{}/share".format(table_id, value["value"]))
                    checked += 2
                if compared:
                    a = policies[0]["purposes"][p]["breakdowns"][f]["values"][v]
                    b = policies[1]["purposes"][p]["breakdowns"][f]["values"][v]
                    expect(row[-1], points(share(a["usable"], a["records"]), share(b["usable"], b["records"])),
                           "{}/{}/change".format(table_id, value["value"]))
        for i, policy in enumerate(policies):
            mine = policy["purposes"][p]
            for reason in mine["reasons"]:
                if reason["effect"] != "deny":
                    continue
                row = row_named(tables, name + "-denials", reason["reason"])
                expect(row[2 + 2 * i], str(reason["records"]), "denials/{}/{}".format(name, reason["reason"]))
                expect(row[3 + 2 * i], percent(reason["records"], mine["records"]),
                       "denials/{}/{}/share".format(name, reason["reason"]))
                checked += 2
    for i, policy in enumerate(policies):
        decisions = policy["records"] * len(policy["purposes"])
        for setting in policy["settings"]:
            if "users_reached" in setting:
                users = policy["users"]
                reached = setting["users_reached"]
                expected = [setting["default"], "{} ({})".format(reached, percent(reached, users)),
                            "{} ({})".format(users - reached, percent(users - reached, users)),
                            "{} ({})".format(setting["users_switched_off"],
                                             percent(setting["users_switched_off"], users))]
            else:
                expected = [setting["default"]]
                if report["records"]["consent"] is not None:
                    expected += [str(setting["subjects_switched_off"]), str(setting["changes_rejected"])]
            expected.append("{} ({})".format(setting["records_removed"],
                                             percent(setting["records_removed"], decisions)))
            # The setting's rows: its name on the first (one per measure).
            rows = tables["settings"]["rows"]
            first = [row[0] for row in rows].index(setting["setting"])
            cells = [row[2 + i] for row in rows[first:first + len(expected)]]
            expect(cells, expected, "settings/{}/{}".format(policy["label"], setting["setting"]))
            checked += len(expected)
            for pattern in setting.get("reach_by_platforms", []):
                row = row_named(tables, "reach-" + setting["setting"], pattern["platforms"])
                users, reached = pattern["users"], pattern["reached"]
                expect(row[1:2] + row[2 + 2 * i: 4 + 2 * i],
                       [str(users), "{} ({})".format(reached, percent(reached, users)),
                        "{} ({})".format(users - reached, percent(users - reached, users))],
                       "reach/{}/{}/{}".format(policy["label"], setting["setting"], pattern["platforms"]))
                checked += 3
    return checked


def check_diff(tables, report):
    """The diff page against `diff --format json`: every structural change, row and record pair."""
    checked = 0
    structural = report["structural_changes"] or []
    if structural:
        expect([row[2] for row in tables["structural"]["rows"]], [change["text"] for change in structural],
               "structural changes")
        checked += len(structural)
    outcome = lambda o: "{} ({})".format(o["decision"], o["reason"])
    expected_rows = []
    for direction in ("newly_denied", "newly_allowed", "reason_only"):
        for row in report["rows"]:
            if row["direction"] == direction:
                expected_rows.append([direction.replace("_", " "), row["condition"], outcome(row["old"]),
                                      outcome(row["new"])])
    expect(tables["rows"]["rows"] if expected_rows else [], expected_rows, "changed regions")
    checked += 4 * len(expected_rows)
    summary = {row[0]: row[1:] for row in tables["summary"]["rows"]}
    records = report.get("records")
    for direction in ("newly_denied", "newly_allowed", "reason_only"):
        expected = [str(sum(1 for row in report["rows"] if row["direction"] == direction))]
        if records:
            expected.append(str(records[direction]))
        expect(summary[direction.replace("_", " ")], expected, "summary/" + direction)
        checked += len(expected)
    if records:
        expect(tables["record-totals"]["rows"],
               [[str(records["read"]), str(records["changed"]), str(records["unchanged"]), str(records["rejected"])]],
               "record totals")
        expected_pairs = []
        for direction in ("newly_denied", "newly_allowed", "reason_only"):
            for pair in records["pairs"]:
                if pair["direction"] == direction:
                    expected_pairs.append([direction.replace("_", " "), outcome(pair["old"]), outcome(pair["new"]),
                                           str(pair["records"]), ", ".join(str(n) for n in pair["first_lines"])])
        expect(tables["record-pairs"]["rows"], expected_pairs, "record pairs")
        checked += 4 + 5 * len(expected_pairs)
    return checked


def check_screenshot(png_stats, path, window):
    output = subprocess.run([png_stats, path], capture_output=True, text=True, timeout=60)
    if output.returncode != 0:
        fail("png_stats: " + output.stderr)
    stats = {}
    for line in output.stdout.splitlines():
        key, value = line.split(" ", 1)
        stats[key] = value
    width, height = int(stats["width"]), int(stats["height"])
    expect((width, height), window, "screenshot size")
    if float(stats["differing_share"]) < 0.01:
        fail("the screenshot is blank: {} of its pixels differ from the background".format(stats["differing_share"]))
    if int(stats["first_row"]) > 100 or int(stats["last_row"]) < 300:
        fail("the screenshot shows content only in rows {}..{}".format(stats["first_row"], stats["last_row"]))
    # The page ended inside the window, and nothing ran past its right edge.
    if int(stats["last_row"]) >= height - 40:
        fail("the page is cut off at the bottom: content in row {} of {}".format(stats["last_row"], height))
    if int(stats["last_column"]) >= width - 16:
        fail("the page is cut off at the right: content in column {} of {}".format(stats["last_column"], width))
    return stats


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--usegate", required=True)
    parser.add_argument("--png-stats", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("case")
    options = parser.parse_args()
    os.makedirs(options.work, exist_ok=True)
    work = os.path.abspath(options.work)
    source = options.source

    if options.case == "network-canary":
        page = os.path.join(work, "canary.html")
        with open(page, "w", encoding="utf-8") as out:
            out.write('<!DOCTYPE html><html><body><p>canary</p><img src="http://canary.example/pixel.png">'
                      '<link rel="stylesheet" href="https://fonts.example/font.css"></body></html>\n')
        net_log = os.path.join(work, "canary-net.json")
        run_chromium(work, "canary", ["--log-net-log=" + net_log, "--dump-dom", "file://" + page])
        requests = page_requests(net_log)
        expect(sorted(requests), ["http://canary.example/pixel.png", "https://fonts.example/font.css"],
               "requests caught by the network check")
        print("ok: the network check caught the canary page's 2 requests")
        return

    policies = os.path.join(source, "policies")
    cases = {
        "sim-vs": (["sim", os.path.join(policies, "x-grok-2024-07.policy"), "--vs",
                    os.path.join(policies, "x-grok-2024-08.policy"), "--scenario",
                    os.path.join(policies, "scenarios", "x-grok-2024-08-15.yaml")], (1280, 9000), check_sim),
        "sim-records": (["sim", os.path.join(policies, "x-grok-2024-08.policy"), "--records",
                         os.path.join(source, "tests", "golden", "sim-records-x-grok-2024-08", "records.jsonl"),
                         "--now", "2024-09-01"], (1280, 9000), check_sim),
        "diff-records": (["diff", os.path.join(policies, "x-grok-2024-07.policy"),
                          os.path.join(policies, "x-grok-2024-08.policy"), "--records",
                          os.path.join(source, "tests", "golden", "diff-records-x-grok-2024-07-to-08",
                                       "records.jsonl"), "--now", "2024-09-01"], (1280, 3000), check_diff),
    }
    arguments, window, check = cases[options.case]
    page = os.path.join(work, options.case + ".html")
    report = json.loads(run_usegate(options.usegate, arguments + ["--format", "json"], work).stdout)
    run_usegate(options.usegate, arguments + ["--format", "html", "-o", page], work)
    with open(page, encoding="utf-8") as text:
        if "<script" in text.read().lower():
            fail("the page holds a script")

    screenshot = os.path.join(work, options.case + ".png")
    net_log = os.path.join(work, options.case + "-net.json")
    if os.path.exists(screenshot):
        os.remove(screenshot)
    run_chromium(work, options.case + "-shot", ["--screenshot=" + screenshot, "--window-size={},{}".format(*window),
                                                "--log-net-log=" + net_log, "file://" + page])
    stats = check_screenshot(options.png_stats, screenshot, window)
    requests = page_requests(net_log)
    if requests:
        fail("the page made network requests: " + ", ".join(requests))

    tables = Tables()
    tables.feed(run_chromium(work, options.case + "-dom", ["--dump-dom", "file://" + page]))
    checked = check(tables.tables, report)
    print("ok: {} figures of the JSON report on the page; screenshot {} ({}x{}, content to row {}, {} of pixels "
          "not background); no network request".format(checked, screenshot, stats["width"], stats["height"],
                                                         stats["last_row"], stats["differing_share"]))


if __name__ == "__main__":
    main()
