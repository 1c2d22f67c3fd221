#!/usr/bin/python3
# Checks every answer the tests received from the API (tests/support/response_log.cpp wrote
# them, one JSON line each) against docs/openapi.yaml: the status is one the operation lists
# (or an error any request may get: `default`), the content type is documented for it, and a
# JSON body validates against its schema (JSON Schema 2020-12, as OpenAPI 3.1 has it).
#   validate-responses.py OPENAPI.yaml LOG_DIR [--every-operation]
# --every-operation: also fail when an operation got no answer at all (a full run asks each,
# tests/integration/api_openapi_test.cpp). Debian's python3 with python3-jsonschema and
# python3-yaml (scripts/install-deps.sh).
import collections
import glob
import json
import re
import sys
from datetime import datetime

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))  # raises on 2026-13-45
    return True


def load_document(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def path_table(document):
    """(regex, template) for each path; literal segments rank before {parameters}."""
    table = []
    for template in document["paths"]:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        table.append((template.count("{"), re.compile(pattern), template))
    table.sort(key=lambda t: t[0])
    return [(regex, template) for _, regex, template in table]


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def main():
    source, log_dir = sys.argv[1], sys.argv[2]
    every_operation = "--every-operation" in sys.argv[3:]
    document = load_document(source)
    table = path_table(document)
    resolver = jsonschema.RefResolver.from_schema(document)
    formats = jsonschema.FormatChecker()
    formats.checks("date-time", raises=(ValueError,))(date_time)
    validators = {}

    checked = collections.Counter()
    unmatched = collections.Counter()
    failures = []
    files = sorted(glob.glob(f"{log_dir}/responses-*.jsonl"))
    for name in files:
        with open(name, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                try:
                    answer = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a test process that was killed
                method = answer["method"].lower()
                path = answer["target"].split("?", 1)[0]
                template = next((t for regex, t in table if regex.match(path)), None)
                operation = document["paths"][template].get(method) if template else None
                if operation is None:
                    unmatched[(method.upper(), path if template is None else template)] += 1
                    continue
                where = f"{answer['method']} {answer['target']} -> {answer['status']}"
                status = str(answer["status"])
                responses = operation["responses"]
                spec = responses.get(status) or responses.get(status[0] + "XX") or responses.get("default")
                if spec is None:
                    failures.append(f"{where}: status not documented for {method.upper()} {template}")
                    continue
                spec = resolve(document, spec)
                checked[(method.upper(), template)] += 1
                content = spec.get("content")
                media = answer["content_type"].split(";", 1)[0].strip()
                if not content:
                    continue
                if media not in content:
                    failures.append(f"{where}: content type {media!r} not documented (documented: {sorted(content)})")
                    continue
                if "body" not in answer or "schema" not in content[media]:
                    continue
                try:
                    body = json.loads(answer["body"])
                except json.JSONDecodeError as e:
                    failures.append(f"{where}: the body is not JSON ({e})")
                    continue
                key = (template, method, status, media)
                if key not in validators:
                    validators[key] = jsonschema.Draft202012Validator(
                        content[media]["schema"], resolver=resolver, format_checker=formats)
                for error in validators[key].iter_errors(body):
                    at = "/".join(str(p) for p in error.absolute_path) or "(the body)"
                    failures.append(f"{where}: at {at}: {error.message[:300]}")
                    break

    operations = [(m.upper(), p) for p, item in document["paths"].items() for m in item if m in METHODS]
    never = [op for op in operations if checked[op] == 0]
    print(f"validate-responses: {sum(checked.values())} answers from {len(files)} test processes checked "
          f"against {source}; {len(operations) - len(never)} of {len(operations)} operations answered")
    for (method, template), n in sorted(checked.items(), key=lambda kv: kv[0][1]):
        print(f"  {n:6d}  {method} {template}")
    if unmatched:
        print(f"  not API operations (other servers, unknown routes, wrong methods): {sum(unmatched.values())}")
    status = 0
    if failures:
        print(f"validate-responses: {len(failures)} answers do not match the document:", file=sys.stderr)
        for f in failures[:50]:
            print("  " + f, file=sys.stderr)
        status = 1
    if every_operation and never:
        print("validate-responses: operations no test asked: " + ", ".join(f"{m} {p}" for m, p in never), file=sys.stderr)
        status = 1
    if not checked:
        print("validate-responses: no answers were logged", file=sys.stderr)
        status = 1
    sys.exit(status)


main()
