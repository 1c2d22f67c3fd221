#!/usr/bin/python3
# Turns docs/openapi.yaml (the API's contract, written as YAML for people) into the JSON the
# binary serves at /api/v1/openapi.json. Refuses a document that is not OpenAPI 3.1, whose
# version is not the project's, or with a $ref that points nowhere, so that a broken contract
# breaks the build rather than the clients.
#   openapi-to-json.py INPUT.yaml OUTPUT.json PROJECT_VERSION
import json
import sys

import yaml


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def resolves(document, ref):
    if not ref.startswith("#/"):
        return False
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def main():
    source, target, version = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    problems = []
    if not str(document.get("openapi", "")).startswith("3.1."):
        problems.append("openapi must be 3.1.x")
    if document.get("info", {}).get("version") != version:
        problems.append(f"info.version is {document.get('info', {}).get('version')!r}; the project is {version}")
    problems += [f"$ref {ref} points nowhere" for ref in sorted(set(refs(document))) if not resolves(document, ref)]
    if problems:
        for p in problems:
            print(f"{source}: {p}", file=sys.stderr)
        sys.exit(1)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, separators=(",", ":"))


main()
