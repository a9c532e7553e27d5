"""graphs/ has a clear order: the network objects import none of their analyses (the repository-wide
layering, cycles and private names are checked by tests/test_architecture.py)."""
from __future__ import annotations

from tests.test_architecture import package_graph


def test_the_conv_network_object_imports_none_of_its_analyses():
    # conv_spec reads into ConvNetwork; the analyses sit on top, in this order
    graph = package_graph("graphs")
    assert graph["graphs.conv"] == set()
    order = ["graphs.conv_spec", "graphs.leaf_kernels", "graphs.scattering", "graphs.conv_stability",
             "graphs.conv_structure", "graphs.conv_decisions", "graphs.verdicts"]
    for i, module in enumerate(order):
        later = set(order[i + 1:])
        assert not graph[module] & later, f"{module} imports {graph[module] & later}, which come after it"
