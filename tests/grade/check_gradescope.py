#!/usr/bin/env python3
"""Checks files against Gradescope's documented results.json format (the
autograder specification: top-level score/execution_time/output/visibility/
stdout_visibility/tests; per test score, max_score, status, name, number,
output, visibility, extra_data). Exits 1 naming the first problem.

Usage: check_gradescope.py RESULTS.json..."""
import json
import sys

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
       "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
        "visibility", "extra_data"}


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check(path):
    doc = json.load(open(path))
    if not isinstance(doc, dict):
        return "not a JSON object"
    extra = set(doc) - TOP
    if extra:
        return f"unknown top-level keys {sorted(extra)}"
    tests = doc.get("tests")
    if "score" not in doc and not isinstance(tests, list):
        return "neither a top-level score nor tests"
    if "score" in doc and not number(doc["score"]):
        return "score is not a number"
    if "execution_time" in doc and not isinstance(doc["execution_time"], int):
        return "execution_time is not whole seconds"
    for key in ("visibility", "stdout_visibility"):
        if key in doc and doc[key] not in VISIBILITY:
            return f"{key} '{doc[key]}' is not one of {sorted(VISIBILITY)}"
    if "output" in doc and not isinstance(doc["output"], str):
        return "output is not a string"
    if tests is None:
        return None
    if not isinstance(tests, list):
        return "tests is not a list"
    total = 0
    for i, t in enumerate(tests):
        if not isinstance(t, dict):
            return f"tests[{i}] is not an object"
        extra = set(t) - TEST
        if extra:
            return f"tests[{i}]: unknown keys {sorted(extra)}"
        if "score" not in t and "status" not in t:
            return f"tests[{i}]: neither score nor status"
        for key in ("score", "max_score"):
            if key in t and not number(t[key]):
                return f"tests[{i}]: {key} is not a number"
        if "status" in t and t["status"] not in ("passed", "failed"):
            return f"tests[{i}]: status '{t['status']}'"
        for key in ("name", "number", "output"):
            if key in t and not isinstance(t[key], str):
                return f"tests[{i}]: {key} is not a string"
        if "visibility" in t and t["visibility"] not in VISIBILITY:
            return f"tests[{i}]: visibility '{t['visibility']}'"
        if "extra_data" in t and not isinstance(t["extra_data"], dict):
            return f"tests[{i}]: extra_data is not an object"
        total += t.get("score", 0)
    if "score" in doc and abs(total - doc["score"]) > 0.01 * max(1, len(tests)):
        return f"score {doc['score']} is not the sum of the tests' scores {total}"
    return None


def main():
    bad = 0
    for path in sys.argv[1:]:
        problem = check(path)
        if problem:
            print(f"{path}: not Gradescope's results.json format: {problem}", file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
