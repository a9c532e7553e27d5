"""Regenerate tests/certificates/{invalid,malformed}/ from the valid corpus.

Each file is ONE targeted edit of a valid certificate, named after what it breaks; run
``python -m tests.certificates.make_corpus`` from the repository root after changing the format.
"""
from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

from certificates.certify import dumps_certificate
from certificates.checker import spec_sha256

HERE = Path(__file__).parent


def canonicalize(doc):
    """Give every re-checked claim the canonical statement, assumptions and relies_on for the
    values it states (the checker's rule text, filled as the producer fills it: from the claim's
    own values, verified or not -- so an invalid certificate fails on its values, not its words);
    claims no rule covers, or that cannot be read, are left alone. Returns ``doc``."""
    from certificates import checker

    try:
        net = checker._read_network(doc["network"]["spec"], checker._Budget())
    except (checker._Malformed, checker._Failed):
        return doc
    for claim in doc["claims"]:
        if claim.get("status") not in ("proved", "refuted"):
            continue
        try:
            kind = next(k for w, k in checker._WITNESS_KEYS.items() if w in claim["witness"])
            key = (net.kind, claim["id"], claim["status"], kind)
            if key not in checker._RULES:
                continue
            statement, assumptions, relies_on = checker.canonical_claim_text(*key, **_stated_values(claim, net))
        except (checker._Malformed, checker._Failed, StopIteration, KeyError, IndexError, TypeError, ValueError):
            continue
        claim["statement"], claim["relies_on"] = statement, relies_on
        if assumptions:
            claim["assumptions"] = assumptions
        else:
            claim.pop("assumptions", None)
    return doc


def _stated_values(claim, net) -> dict:
    """The values of a claim's canonical text as the claim states them (its value and witness),
    with what only the network knows (shape of A, the first collision of Algorithm 8.1)."""
    from fractions import Fraction

    from certificates import checker

    budget = checker._Budget()
    cid, status, w, value = claim["id"], claim["status"], claim["witness"], claim.get("value")
    if net.kind == "structured":
        if cid == "lifting-rank":
            return {"n_rows": net.m * net.n, "n_cols": net.n_cols, "rank": value,
                    "n_nonzero": sum(1 for _ in net.nonzero_columns(budget))}
        if cid == "identifiable":
            blocks = w.get("difference_set", {}).get("blocks", [])
            return {"model": net.model.present, "n_cols": net.n_cols,
                    "n_groups": len(w.get("model_span", {}).get("groups", [])),
                    "layer": w.get("kernel_line", {}).get("flattening_layer", 0) + 1,
                    "n_blocks": len(blocks), "dimension": max((len(b["kernel"]) for b in blocks), default=0),
                    "degree": (max((b["degree"] for b in blocks), default=0) if blocks
                               else len(w.get("field", {}).get("minpoly", [])) - 1)}
        if cid == "stable" and status == "proved":
            interval = value["sigma_min_squared"]
            return {"lo": Fraction(interval["lo"]), "hi": Fraction(interval["hi"]),
                    "u": Fraction(value["inv_sigma_min_upper"])}
        return {}
    if cid == "lifting-rank":
        return {"rank": value}
    if cid == "scattered":
        return dict(zip(("leaf", "offset", "count"), checker._algorithm_8_1(net, budget, None).collision or ()))
    if cid == "identifiable" and status == "refuted":
        h, g = (checker._params(w[x], "witness", net.params) for x in ("h", "g"))
        return {"path": [net.edges[w["path"][-1]][0]] + [net.edges[j][1] for j in reversed(w["path"])],
                "all_kernels_nonzero": all(net.kernel(p, j) for p in (h, g) for j in range(len(net.edges)))}
    if cid == "stable" and status == "proved":
        return {"K": value["K"], "S_prime": value["S_prime"], "N": value["N"], "one_path": "proposition_8_3" in value}
    return {}


# the stable claim the producer writes when nothing is known about the deep-NSP constants
STABLE_INCONCLUSIVE = {"id": "stable", "status": "inconclusive", "statement": "Stability of the recovery is not decided.",
                       "relies_on": ["Theorem 7.2"], "reason": "deep-NSP constants are only known here when Ker A = {0}"}
STABLE_REFUTED = {"id": "stable", "status": "refuted", "statement": "", "relies_on": [], "value": False,
                  "witness": {"from_claim": "identifiable"}}
HAND_WRITTEN = ("format-example", "matrix-product", "sparse-rational", "left-kernel", "outer-product")


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
    d = load("conv-paper-scattered"); d["claims"][1]["witness"]["outputs"]["x"][0][1] = 2
    out["conv-scatter-output-wrong"] = d
    d = load("conv-paper-unscattered"); d["claims"][1]["status"] = "proved"; d["claims"][1]["value"] = True
    out["conv-unscattered-claimed-scattered"] = d
    d = load("conv-paper-scattered"); d["claims"][0]["value"] = 5
    out["conv-rank-wrong"] = d
    d = load("conv-paper-unscattered"); d["claims"][2]["witness"]["g"][1][0] = "9"
    out["conv-witness-different-action"] = d
    d = load("conv-paper-unscattered"); d["claims"][2]["witness"]["g"] = [["4", "6", "2"], ["6", "7/2", "1/2"]]
    out["conv-witness-equivalent"] = d
    d = load("conv-paper-unscattered"); d["claims"][2]["witness"]["path"] = [1, 0]
    out["conv-witness-path-not-a-path"] = d
    d = load("conv-paper-scattered"); d["claims"][3]["value"]["S_prime"] = 2
    out["conv-stable-constants-wrong"] = d
    d = load("conv-haar-tree"); d["claims"][3]["value"]["proposition_8_3"] = {"gamma": "1", "rho": "inf",
                                                                              "sigma_min": "sqrt(N)"}
    out["conv-proposition-8-3-on-a-tree"] = d
    d = load("conv-paper-unscattered"); d["network"]["spec"]["edges"][1]["support"] = [1, 2, 4]
    out["conv-spec-edited-and-rehashed"] = rehash(d)
    d = load("model-span-tied"); d["claims"][1]["witness"]["model_span"]["groups"] = [[[0, 0]], [[0, 1]], [[1, 1]]]
    out["model-span-misses-a-coordinate"] = d
    d = load("model-span-tied"); d["claims"][1]["witness"]["model_span"]["groups"] = [[[0, 0], [1, 1]], [[0, 1], [1, 0]]]
    d["claims"][1]["witness"]["model_span"]["minor_rows"] = [0, 1]
    out["model-span-group-mixes-orbits"] = d
    d = load("model-span-tied"); d["network"]["spec"]["model"] = {}
    out["model-span-without-the-tie"] = rehash(d)
    d = load("model-span-sparse"); d["network"]["spec"]["model"]["supports"][0] = [[0, 2], [1]]
    out["model-span-support-widened"] = rehash(d)
    d = load("kernel-line-identity"); kl = d["claims"][1]["witness"]["kernel_line"]
    kl["kernel"][0][1] = "2"
    out["kernel-line-vector-not-in-kernel"] = d
    d = load("kernel-line-identity"); kl = d["claims"][1]["witness"]["kernel_line"]
    kl["flattening_minor"]["cols"] = [kl["flattening_minor"]["cols"][0]] * 2 + [[9 % 3]]
    out["kernel-line-flattening-minor-bad"] = d
    d = load("kernel-line-identity"); kl = d["claims"][1]["witness"]["kernel_line"]
    kl["minor_groups"] = kl["minor_groups"][:-1]
    out["kernel-line-minor-too-small"] = d
    # regressions, named after the checker bugs the mutation tests caught
    d = load("format-example"); d["claims"][2]["value"] = True
    out["regression-stable-refuted-with-value-true"] = d
    d = load("feedforward-path-collision"); d["network"]["spec"]["activations"][1][0][1] = 0
    out["feedforward-mask-changed-and-rehashed"] = rehash(d)
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
    out["claims-empty"] = edit(lambda d: d.update(claims=[]))
    out["claims-without-identifiable"] = edit(lambda d: d["claims"].pop(1))
    out["minor-rows-wrong-type"] = edit(lambda d: d["claims"][0]["witness"]["minor"].update(rows="0"))
    out["kernel-side-unknown"] = edit(lambda d: d["claims"][0]["witness"]["kernel"].update(side="up"))
    out["zero-denominator"] = edit(lambda d: d["claims"][1]["witness"]["g"][0].__setitem__(0, "1/0"))
    out["spec-invalid-rehashed"] = rehash(edit(lambda d: d["network"]["spec"]["layers"][0]["entries"][0].__setitem__(0, 7)))
    out["missing-sha256"] = edit(lambda d: d["network"].pop("sha256"))
    d = load("conv-haar-tree"); d["claims"][1]["witness"]["outputs"]["a0"].append(d["claims"][1]["witness"]["outputs"]["a0"][0])
    out["regression-scatter-output-offset-listed-twice"] = d
    d = load("conv-paper-scattered"); d["claims"][1]["witness"] = {"outputs": {}, "recompute": True}
    out["scatter-witness-both-forms"] = d
    return out


DET_3_SPEC = {"kind": "structured", "name": "det-3",
              "description": "X = [2 h_1[0] + h_1[1], h_1[0] + 2 h_1[1]]^T: A = [[2, 1], [1, 2]], det A = 3",
              "layers": [{"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 2], [1, 0, 0, 1], [0, 1, 0, 1],
                                                                          [1, 1, 0, 2]]}]}


def prime_corpus() -> dict:
    """{folder: {name: certificate}} for the prime a minor's witness names: the producer's own
    (valid), one dividing the determinant 3, a composite (the Carmichael number 561), one
    dividing a denominator, and one beyond 2^64 (malformed)."""
    from certificates.certify import certify

    good = certify(DET_3_SPEC).document

    def with_prime(p, spec=None):
        d = copy.deepcopy(good)
        if spec is not None:
            d["network"]["spec"] = spec
            rehash(d)
        d["claims"][0]["witness"]["minor"]["prime"] = p
        return d

    sevenths = copy.deepcopy(DET_3_SPEC)
    sevenths["layers"][0]["entries"][0][3] = "2/7"
    return {"valid": {"minor-with-prime": good},
            "invalid": {"minor-prime-divides-determinant": with_prime(3), "minor-prime-composite": with_prime(561),
                        "minor-prime-divides-a-denominator": with_prime(7, sevenths)},
            "malformed": {"minor-prime-too-large": with_prime(2**64 + 13)}}


def conv_certificate(spec, witness=None):
    """A conv certificate built by brute force (tests.certificates.oracle), not by the producer."""
    from fractions import Fraction

    from .oracle import conv_layout, conv_outputs

    N, edges = spec["N"], spec["edges"]
    y = conv_outputs(spec, lambda j: [Fraction(int(o in edges[j]["support"])) for o in range(N)])
    scattered = all(c in (0, 1) for v in y.values() for c in v)
    _, sizes = conv_layout(spec)
    outputs = {f: [[i, int(c)] for i, c in enumerate(v) if c] for f, v in sorted(y.items())}
    classes = {f: len(v) for f, v in outputs.items()}
    claims = [
        {"id": "lifting-rank", "status": "proved", "statement": "rank A = number of (leaf, offset-sum) classes.",
         "relies_on": ["Corollary 5.2", "Proposition 8.2"], "value": sum(classes.values()),
         "witness": {"classes_per_leaf": classes}},
        {"id": "scattered", "status": "proved" if scattered else "refuted", "statement": "Algorithm 8.1.",
         "relies_on": ["Definition 8.1", "Algorithm 8.1"], "value": scattered, "witness": {"outputs": outputs}},
    ]
    if scattered:
        claims += [
            {"id": "identifiable", "status": "proved", "statement": "Identifiable up to {h}.",
             "relies_on": ["Theorem 8.4", "scattered"], "value": True, "witness": {"from_claim": "scattered"}},
            {"id": "stable", "status": "proved", "statement": "Theorem 8.4 bound.", "relies_on": ["Theorem 8.4"],
             "value": {"K": len(sizes), "S_prime": max(len(e["support"]) for e in edges), "N": N,
                       "formula": "7*(K*S')**(1/p)*eps**(1-K)*(delta+eta)/sqrt(N)"},
             "witness": {"from_claim": "scattered"}},
        ]
        from .oracle import _conv_paths

        if len(_conv_paths(spec)) == 1:  # Proposition 8.3
            claims[-1]["value"]["proposition_8_3"] = {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}
    else:
        claims += [
            {"id": "identifiable", "status": "refuted", "statement": "Not identifiable.",
             "relies_on": ["Theorem 8.4"], "value": False, "witness": witness},
            {"id": "stable", "status": "refuted", "statement": "Not stable.", "relies_on": ["Theorem 8.4"],
             "value": False, "witness": {"from_claim": "identifiable"}},
        ]
    return canonicalize({"format": "tensorlift-certificate", "version": 1,
                         "tool": {"name": "tensorlift", "version": "0.1.0"},
                         "network": {"spec": spec, "sha256": spec_sha256(spec)}, "claims": claims})


def conv_valid() -> dict:
    chain = lambda name, s1, s2: {"kind": "conv", "name": name, "N": 16, "boundary": "circular", "root": "r",
                                  "edges": [{"from": "v1", "to": "r", "support": s1},
                                            {"from": "x", "to": "v1", "support": s2}]}
    # {1,2,3}*{1,2,3}: regroup the roots of (1+z)(2+z)(3+z)(4+z) -> same product, different factors
    witness = {"h": [["2", "3", "1"], ["12", "7", "1"]], "g": [["3", "4", "1"], ["8", "6", "1"]], "path": [0, 1]}
    tree = {"kind": "conv", "name": "haar-packet-J2-N8", "N": 8, "boundary": "circular", "root": "r",
            "edges": [{"from": "a", "to": "r", "support": [0, 1]}, {"from": "b", "to": "r", "support": [0, 1]},
                      {"from": "a0", "to": "a", "support": [0, 2]}, {"from": "a1", "to": "a", "support": [0, 2]},
                      {"from": "b0", "to": "b", "support": [0, 2]}, {"from": "b1", "to": "b", "support": [0, 2]}]}
    return {"conv-paper-scattered": conv_certificate(chain("paper-scattered", [1, 2, 3], [1, 10])),
            "conv-paper-unscattered": conv_certificate(chain("paper-unscattered", [1, 2, 3], [1, 2, 3]), witness),
            "conv-haar-tree": conv_certificate(tree)}


def feedforward_valid() -> dict:
    """A feed-forward certificate: rank claim by the producer's functions on the checker's own
    compilation (graphs.feedforward may be absent), and a path-collision witness by hand."""
    from algebra.exact import lifting_rank_decision
    from algebra.lifting import lifting_operator
    from graphs.structured_spec import structured_network
    from certificates.certify import claim_of
    from certificates import checker

    spec = {"kind": "feedforward", "name": "relu-2-2-1-always-on",
            "description": "2 -> 2 -> 1 ReLU network, both hidden units on for both samples",
            "widths": [2, 2, 1], "inputs": [[1, 2], [3, -1]], "activations": [[[1, 1]], [[1, 1]]]}
    net = structured_network(checker._compile_feedforward(spec, checker._Budget()))
    rank = claim_of(lifting_rank_decision(lifting_operator(net), method="sympy")).to_dict()
    # paths input 0 -> hidden 0 -> output and input 0 -> hidden 1 -> output (dense layout:
    # W_1 parameter p = to * 2 + from; paper factor 1 = output layer W_2, factor 2 = W_1)
    ident = {"id": "identifiable", "status": "refuted", "statement": "Two Dirac paths, same outputs.",
             "relies_on": ["Proposition 6.3"], "value": False,
             "witness": {"h": [["1", "0"], ["1", "0", "0", "0"]], "g": [["0", "1"], ["0", "0", "1", "0"]]}}
    doc = {"format": "tensorlift-certificate", "version": 1, "tool": {"name": "tensorlift", "version": "0.1.0"},
           "network": {"spec": spec, "sha256": spec_sha256(spec)},
           "claims": [rank, ident, copy.deepcopy(STABLE_REFUTED)]}
    return {"feedforward-path-collision": canonicalize(doc)}


def model_span_valid() -> dict:
    """Identifiable in a model although Ker A != {0}: A injective on the span of the model."""
    from algebra.exact import lifting_rank_decision
    from algebra.lifting import lifting_operator
    from graphs.structured_spec import structured_network
    from certificates.certify import claim_of

    out = {}
    # X = x x^T with h_1 = h_2 = x (tied): the span is the symmetric 2x2 matrices, A restricted
    # to it is injective -> x identifiable up to sign (<h> with lambda_1 = lambda_2 = +-1)
    tied = {"kind": "structured", "name": "tied-outer-product",
            "layers": [{"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 0, 1]]},
                       {"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]}],
            "model": {"tie": [[1, 2]]}}
    groups = [[[0, 0]], [[0, 1], [1, 0]], [[1, 1]]]
    # X = [h_1[0] + h_1[2], h_1[1]]^T h_2[0]: parameters 0 and 2 collide (Ker A != {0}), but the
    # model allows only the supports {0} or {1} on layer 1, on whose span A is injective
    sparse = {"kind": "structured", "name": "sparse-collision-avoided",
              "layers": [{"rows": 2, "cols": 1, "params": 3, "entries": [[0, 0, 0, 1], [1, 1, 0, 1], [2, 0, 0, 1]]},
                         {"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}],
              "model": {"supports": [[[0], [1]], None]}}
    for name, spec, grp, rows in (("model-span-tied", tied, groups, [0, 1, 3]),
                                  ("model-span-sparse", sparse, [[[0, 0]], [[1, 0]]], [0, 1])):
        net = structured_network(spec)
        rank = claim_of(lifting_rank_decision(lifting_operator(net), method="sympy")).to_dict()
        ident = {"id": "identifiable", "status": "proved", "statement": "A is injective on the model span.",
                 "relies_on": ["Proposition 6.3"], "value": True,
                 "witness": {"model_span": {"groups": grp, "minor_rows": rows}}}
        out[name] = {"format": "tensorlift-certificate", "version": 1,
                     "tool": {"name": "tensorlift", "version": "0.1.0"},
                     "network": {"spec": spec, "sha256": spec_sha256(spec)},
                     "claims": [rank, ident, dict(STABLE_INCONCLUSIVE)]}
        canonicalize(out[name])
    return out


def kernel_line_valid() -> dict:
    """Ker A is the line spanned by the 3 x 3 identity (rank 3): identifiable (producer-made)."""
    from certificates.certify import certify

    rows = [[(0, 0), (1, 1)], [(1, 1), (2, 2)]] + [[(i, j)] for i in range(3) for j in range(3) if i != j]
    spec = {"kind": "structured", "name": "kernel-line-identity",
            "layers": [{"rows": 1, "cols": 3, "params": 3, "entries": [[i, 0, i, 1] for i in range(3)]},
                       {"rows": 3, "cols": 8, "params": 3,
                        "entries": [[j, i, c, (-1) ** n] for c, r in enumerate(rows) for n, (i, j) in enumerate(r)]}]}
    doc = certify(spec).document
    assert "kernel_line" in doc["claims"][1]["witness"], "algebra.identifiability's kernel-line route is needed"
    return {"kernel-line-identity": doc}


STABLE_IRRATIONAL_SPEC = {
    "kind": "structured", "name": "stable-irrational-sigma",
    "description": "X = [h_1[0] + h_1[1], h_1[1]]^T h_2[0]: A^T A = [[1, 1], [1, 2]], sigma_min^2 = (3 - sqrt 5)/2",
    "layers": [{"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1], [1, 1, 0, 1]]},
               {"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}]}


def stable_valid() -> dict:
    """Producer-made certificates whose ``stable`` claim is proved (Theorem 7.2, Ker A = {0}):
    sigma_min = 1 exactly (A = identity), sigma_min^2 = (3 - sqrt 5)/2 (irrational), and a
    feed-forward network whose A is 6 x 4 (so the two Gram sides differ)."""
    from certificates.certify import certify

    out = {}
    root = HERE.parents[1] / "examples"
    for name, spec in (("stable-identity", json.loads((root / "structured" / "outer-product-3x2.json").read_text())),
                       ("stable-irrational-sigma", STABLE_IRRATIONAL_SPEC),
                       ("stable-feedforward-bottleneck",
                        json.loads((root / "feedforward" / "linear-bottleneck.json").read_text()))):
        doc = certify(spec).document
        assert doc["claims"][2]["status"] == "proved", name
        out[name] = doc
    return out


def stable_invalid() -> dict:
    """One targeted edit each of the proved ``stable`` claims (claims[2])."""
    out = {}

    def stable(name):
        d = load(name)
        return d, d["claims"][2]["value"], d["claims"][2]["witness"]

    # sigma_min^2 = (3 - sqrt 5)/2 = 0.3819...: intervals that exclude it
    d, v, _ = stable("stable-irrational-sigma"); v["sigma_min_squared"] = {"lo": "39/100", "hi": "2/5"}
    v["sigma_min_approx"] = [0.39 ** 0.5, 0.4 ** 0.5]
    out["stable-interval-above-sigma-min-squared"] = d
    d, v, _ = stable("stable-irrational-sigma"); v["sigma_min_squared"] = {"lo": "37/100", "hi": "19/50"}
    v["sigma_min_approx"] = [0.37 ** 0.5, 0.38 ** 0.5]; v["inv_sigma_min_upper"] = "2"
    out["stable-interval-below-sigma-min-squared"] = d
    d, v, _ = stable("stable-identity"); v["sigma_min_squared"] = {"lo": "2", "hi": "2"}
    v["sigma_min_approx"] = [2 ** 0.5, 2 ** 0.5]
    out["stable-identity-sigma-squared-2"] = d
    d, v, _ = stable("stable-irrational-sigma"); v["inv_sigma_min_upper"] = "1"
    out["stable-inverse-sigma-bound-too-small"] = d
    d, _, w = stable("stable-irrational-sigma"); w["scale"] = 2
    out["stable-scale-changed"] = d
    d, _, w = stable("stable-irrational-sigma"); w["charpoly"][-1] = "2"
    out["stable-charpoly-wrong"] = d
    d, v, _ = stable("stable-identity"); v["S"] = 2
    out["stable-constant-S-wrong"] = d
    # the same claim on a network with Ker A != {0}: (1, +inf) does not apply
    d = load("sparse-rational"); good = load("stable-identity")["claims"][2]
    d["claims"] = d["claims"][:1] + [{"id": "identifiable", "status": "inconclusive", "statement": "Not decided.",
                                      "relies_on": [], "reason": "not needed here"}, good]
    out["stable-proved-without-trivial-kernel"] = d
    return out


def stable_malformed() -> dict:
    out = {}
    d = load("stable-identity"); d["claims"][2]["witness"]["gram"] = "AB"
    out["stable-gram-side-unknown"] = d
    # Ker A = {0}: A has full column rank, so A A^T is never the smaller Gram side
    d = load("stable-feedforward-bottleneck"); d["claims"][2]["witness"]["gram"] = "AAt"
    out["stable-gram-side-swapped"] = d
    d = load("stable-identity"); d["claims"][2]["value"]["tensor_bound"] = "||P(h*) - P(hbar)|| <= 0"
    out["stable-bound-formula-edited"] = d
    d = load("stable-identity"); d["claims"][2]["value"]["sigma_min_squared"]["lo"] = 1.0
    out["stable-float-interval"] = d
    return out


# Producer-made certificates of the non-linear routes (Proposition 6.3): an empty difference set
# (a Macaulay certificate per block) and a real algebraic counterexample.
# (rank-one-sensing-3x4-m10 is tested in test_checker_nonlinear.py: every single edit of its 120
# spec entries would double the corpus's mutation test)
NONLINEAR_EXAMPLES = {"difference-set-phase-retrieval": "phase-retrieval-n4-m7",
                      "algebraic-rank-one-3x3": "rank-one-sensing-3x3-m7"}


def nonlinear_valid() -> dict:
    from certificates.certify import certify

    out = {}
    root = HERE.parents[1] / "examples" / "structured"
    for name, example in NONLINEAR_EXAMPLES.items():
        doc = certify(json.loads((root / f"{example}.json").read_text())).document
        kind = "difference_set" if name.startswith("difference-set") else "field"
        assert kind in doc["claims"][1]["witness"], (name, "the non-linear route is needed")
        out[name] = doc
    return out


def nonlinear_invalid() -> dict:
    """One targeted edit each of a difference-set block or an algebraic witness (claims[1])."""
    out = {}

    def block(name="difference-set-phase-retrieval"):
        d = load(name)
        return d, d["claims"][1]["witness"]["difference_set"]["blocks"][0]

    def field(name="algebraic-rank-one-3x3"):
        d = load(name)
        return d, d["claims"][1]["witness"]

    d, b = block(); b["prime"] = b["prime"] + 1
    out["difference-set-prime-composite"] = d
    d, b = block(); b["degree"] += 1
    out["difference-set-degree-raised"] = d
    d, b = block(); b["macaulay_rows"][1] = b["macaulay_rows"][0]
    out["difference-set-macaulay-row-duplicated"] = d
    d, b = block(); b["macaulay_rows"].pop()
    out["difference-set-macaulay-row-dropped"] = d
    d, b = block(); b["kernel"][0][0][1] += 1
    out["difference-set-kernel-vector-not-in-kernel"] = d
    d, b = block(); b["groups"][1], b["groups"][2] = b["groups"][1][:1], b["groups"][2] + b["groups"][1][1:]
    out["difference-set-group-not-an-orbit"] = d
    d, b = block(); b["minor_rows"][0] = b["minor_rows"][1]
    out["difference-set-minor-row-repeated"] = d
    d, w = field(); w["field"]["minpoly"][0] += 1
    out["algebraic-minpoly-edited"] = d
    d, w = field(); w["field"]["interval"].reverse()
    out["algebraic-interval-swapped"] = d
    d, w = field(); w["h"][0][1][0] = str(Fraction(w["h"][0][1][0]) + 1)
    out["algebraic-coordinate-edited"] = d
    return out


def nonlinear_malformed() -> dict:
    out = {}
    d = load("difference-set-phase-retrieval"); d["claims"][1]["witness"]["difference_set"]["blocks"][0]["macaulay_rows"][0] = [0, 0]
    out["difference-set-macaulay-row-without-exponents"] = d
    d = load("difference-set-phase-retrieval"); d["claims"][1]["witness"]["difference_set"]["blocks"][0]["prime"] = None
    out["difference-set-block-without-prime"] = d
    d = load("algebraic-rank-one-3x3"); d["claims"][1]["witness"]["field"]["minpoly"].append(0)
    out["algebraic-minpoly-leading-zero"] = d
    d = load("algebraic-rank-one-3x3"); d["claims"][1]["witness"]["h"][0][0] = "1"
    out["algebraic-coordinate-not-a-list"] = d
    return out


def main():
    for name in HAND_WRITTEN:  # written by hand once; kept canonical and complete here
        doc = load(name)
        if [c["id"] for c in doc["claims"]] == ["lifting-rank"]:
            doc["claims"] += [{"id": "identifiable", "status": "inconclusive",
                               "statement": "Identifiability of <h> in the full model R^{S_1} x ... x R^{S_K} is not decided.",
                               "relies_on": ["Proposition 6.3", "Theorem 6.4", "Theorem 6.5"],
                               "reason": "an example of a certificate with a proved left-kernel rank claim only"},
                              dict(STABLE_INCONCLUSIVE)]
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(canonicalize(doc)))
    for name, doc in stable_valid().items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    for name, doc in kernel_line_valid().items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    for name, doc in model_span_valid().items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    for name, doc in feedforward_valid().items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    for name, doc in conv_valid().items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    for name, doc in nonlinear_valid().items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    primes = prime_corpus()
    for name, doc in primes["valid"].items():
        (HERE / "valid" / f"{name}.json").write_text(dumps_certificate(doc))
    for folder, docs in (("invalid", {**invalid(), **stable_invalid(), **nonlinear_invalid(), **primes["invalid"]}),
                         ("malformed", {**malformed(), **stable_malformed(), **nonlinear_malformed(),
                                        **primes["malformed"]})):
        (HERE / folder).mkdir(exist_ok=True)
        for name, doc in docs.items():
            (HERE / folder / f"{name}.json").write_text(dumps_certificate(canonicalize(doc) if folder == "invalid" else doc))
    text = (HERE / "valid" / "format-example.json").read_text()
    (HERE / "malformed" / "not-json.json").write_text(text[: len(text) // 2])
    (HERE / "malformed" / "empty.json").write_text("")
    (HERE / "malformed" / "duplicate-key.json").write_text(text.replace('"version": 1,', '"version": 1,\n "version": 1,'))
    (HERE / "malformed" / "nan-timing.json").write_text(text.replace('"rank": 0.001', '"rank": NaN'))


if __name__ == "__main__":
    main()
