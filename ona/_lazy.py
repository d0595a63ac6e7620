"""Names a package exports, imported from their module on first use (PEP 562).

``import ona`` then costs what ``ona.errors`` costs, and ``ona email`` does not load the graph,
metrics and report stages (numba, igraph, networkx: about half a second) that it never uses.
"""

from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for ``package`` whose ``exports`` map a name to the module
    (relative to the package) it comes from."""

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name], package), name)
        globals_of_package = importlib.import_module(package).__dict__
        globals_of_package[name] = value  # the next lookup is an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(importlib.import_module(package).__dict__) | set(exports))

    return __getattr__, __dir__
