"""The general structured machinery (section 6/7) against section 8's conv results."""
import math
from pathlib import Path

import pytest

from algebra.stability import deep_nsp_constants, sigma_min_numeric
from graphs.leaf_kernels import network_matrix
from graphs.specs import load_spec
from graphs.verdicts import spec_verdict

CONV = Path(__file__).resolve().parents[2] / "examples" / "conv"


def test_single_path_scattered_has_deep_nsp_one_infinity_and_sigma_sqrt_n():
    """Proposition 8.3: single path + scattered ⇒ Ker A = {0}, deep-NSP (1, +∞), σ_min = √N."""
    loaded = load_spec(CONV / "paper-scattered-123x1-10.json")
    net = loaded.multilinear()
    c = deep_nsp_constants(net)
    assert (c.gamma, c.rho, c.status) == (1.0, math.inf, "proved")
    assert math.isclose(sigma_min_numeric(net), math.sqrt(loaded.spec["N"]))
    assert spec_verdict(loaded).status == "proved"


@pytest.mark.parametrize("name, status", [
    ("paper-unscattered-123x123.json", "refuted"),                 # not scattered ⇒ not identifiable
    ("blind-deconvolution-4x3-contiguous-N16.json", "refuted"),    # roots regrouped
    ("blind-deconvolution-4x3-stride4-N16.json", "proved"),        # single path, scattered
])
def test_single_path_conv_verdicts_agree_with_section_8(name, status):
    # with one edge per layer, layer-wise <h> and the path-wise {h} of section 8 coincide
    assert spec_verdict(load_spec(CONV / name)).status == status


def test_conv_verdict_uses_the_path_wise_equivalence_by_default():
    """On the Haar tree (several paths) ⟨h⟩ and {h} differ: Theorem 8.4 proves {h}-identifiability,
    while per-path rescalings break layer-wise identifiability."""
    from algebra.segre import are_equivalent

    loaded = load_spec(CONV / "haar-packet-J3-N16.json")
    path = spec_verdict(loaded)
    layer = spec_verdict(loaded, equivalence="layer")
    assert path.status == "proved" and "{h}" in path.assumptions["equivalence"]
    assert layer.status == "refuted"
    h, g = layer.witness["h"], layer.witness["g"]
    assert network_matrix(loaded.network, h) == network_matrix(loaded.network, g) and not are_equivalent(h, g)


def test_conv_verdict_refutes_with_a_path_wise_witness():
    from graphs.conv_stability import are_network_equivalent

    loaded = load_spec(CONV / "paper-unscattered-123x123.json")
    v = spec_verdict(loaded)
    h, g = v.witness["h"], v.witness["g"]
    assert v.status == "refuted" and "non-zero" in v.statement
    assert network_matrix(loaded.network, h) == network_matrix(loaded.network, g)
    assert not are_network_equivalent(loaded.network, h, g)


def test_path_equivalence_is_for_conv_only():
    with pytest.raises(ValueError, match="conv networks only"):
        spec_verdict(load_spec(CONV.parent / "structured" / "matrix-product.json"), equivalence="path")
