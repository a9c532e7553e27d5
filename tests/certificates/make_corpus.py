"""Regenerate tests/certificates/{invalid,malformed}/ from the valid corpus.

Each file is ONE targeted edit of a valid certificate, named after what it breaks; run
``python -m tests.certificates.make_corpus`` from the repository root after changing the format.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from certificates.certify import dumps_certificate
from certificates.checker import spec_sha256

HERE = Path(__file__).parent


def load(name):
    return json.loads((HERE / "valid" / f"{name}.json").read_text())


def rehash(doc):
    doc["network"]["sha256"] = spec_sha256(doc["network"]["spec"])
    return doc


def invalid() -> dict:
    out = {}
    d = load("format-example"); d["network"]["sha256"] = "0" * 64
    out["hash-mismatch"] = d
    d = load("matrix-product"); d["claims"][0]["value"] = 5
    out["rank-value-too-high"] = d
    d = load("sparse-rational"); d["claims"][0]["witness"]["minor"]["cols"] = [[0, 0], [1, 0], [2, 0], [2, 1]]
    out["singular-minor"] = d
    d = load("format-example"); d["claims"][0]["witness"]["kernel"]["vectors"][0][0][1] = "-2"
    out["kernel-vector-not-in-kernel"] = d
    d = load("sparse-rational"); v = d["claims"][0]["witness"]["kernel"]["vectors"]
    v[1] = [[e[0], {"-1/2": "-1", "1": "2"}[e[1]]] for e in v[0]]
    out["kernel-vectors-dependent"] = d
    d = load("sparse-rational"); d["claims"][0]["witness"]["kernel"]["vectors"][0].append([[2, 0], "1"])
    out["kernel-vector-too-long"] = d
    d = load("left-kernel"); d["claims"][0]["witness"]["kernel"]["vectors"][0] = [[0, "1"]]
    out["left-kernel-not-orthogonal"] = d
    d = load("left-kernel"); d["claims"][0]["witness"]["kernel"]["vectors"].pop()
    out["left-kernel-too-few-vectors"] = d
    d = load("matrix-product"); d["claims"][1]["witness"]["h"][1][3] = "5"
    out["witness-different-action"] = d
    d = load("matrix-product"); d["claims"][1]["witness"]["g"] = [["2", "0", "0", "2"], ["1/2", "1", "3/2", "2"]]
    out["witness-equivalent-parameters"] = d
    d = load("sparse-rational"); d["claims"][1] = {
        "id": "identifiable", "status": "proved", "statement": "Identifiable.", "relies_on": ["lifting-rank"],
        "value": True, "witness": {"from_claim": "lifting-rank"}}
    out["identifiable-without-full-rank"] = d
    d = load("matrix-product"); d["claims"][1]["value"] = True
    out["identifiable-value-contradicts-status"] = d
    d = load("format-example"); d["claims"][0]["status"] = "refuted"
    out["rank-claim-refuted"] = d
    d = load("matrix-product"); d["claims"][2]["witness"]["from_claim"] = "identifiable"; d["claims"][1]["witness"]["h"][0][0] = "2"
    out["stable-rests-on-failed-claim"] = d
    d = load("matrix-product"); d["network"]["spec"]["layers"][1]["entries"][0][3] = 2
    out["spec-edited-and-rehashed"] = rehash(d)
    d = load("outer-product"); d["claims"].insert(0, {"id": "scattered", "status": "proved", "statement": "s",
                                                      "relies_on": [], "value": True, "witness": {"outputs": {}}})
    out["scattered-claim-on-structured-network"] = d
    return out


def malformed() -> dict:
    out = {}
    good = load("format-example")

    def edit(f):
        d = copy.deepcopy(good)
        f(d)
        return d

    out["wrong-format-name"] = edit(lambda d: d.update(format="other"))
    out["version-2"] = edit(lambda d: d.update(version=2))
    out["unknown-top-field"] = edit(lambda d: d.update(comment="hi"))
    out["unknown-status"] = edit(lambda d: d["claims"][0].update(status="certain"))
    out["proved-without-witness"] = edit(lambda d: d["claims"][0].pop("witness"))
    out["float-rational"] = edit(lambda d: d["claims"][1]["witness"]["h"][0].__setitem__(0, 1.0))
    out["inconclusive-with-witness"] = edit(lambda d: d["claims"][3].update(witness={}))
    out["proved-unknown-claim-id"] = edit(lambda d: d["claims"][3].update(status="proved", witness={}))
    out["claims-not-a-list"] = edit(lambda d: d.update(claims={}))
    out["minor-rows-wrong-type"] = edit(lambda d: d["claims"][0]["witness"]["minor"].update(rows="0"))
    out["kernel-side-unknown"] = edit(lambda d: d["claims"][0]["witness"]["kernel"].update(side="up"))
    out["zero-denominator"] = edit(lambda d: d["claims"][1]["witness"]["g"][0].__setitem__(0, "1/0"))
    out["spec-invalid-rehashed"] = rehash(edit(lambda d: d["network"]["spec"]["layers"][0]["entries"][0].__setitem__(0, 7)))
    out["missing-sha256"] = edit(lambda d: d["network"].pop("sha256"))
    return out


def main():
    for folder, docs in (("invalid", invalid()), ("malformed", malformed())):
        (HERE / folder).mkdir(exist_ok=True)
        for name, doc in docs.items():
            (HERE / folder / f"{name}.json").write_text(dumps_certificate(doc))
    text = (HERE / "valid" / "format-example.json").read_text()
    (HERE / "malformed" / "not-json.json").write_text(text[: len(text) // 2])
    (HERE / "malformed" / "empty.json").write_text("")
    (HERE / "malformed" / "duplicate-key.json").write_text(text.replace('"version": 1,', '"version": 1,\n "version": 1,'))
    (HERE / "malformed" / "nan-timing.json").write_text(text.replace('"rank": 0.001', '"rank": NaN'))


if __name__ == "__main__":
    main()
