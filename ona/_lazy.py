"""Names a package exports, imported from their module on first use (PEP 562).

``import ona`` then costs what ``ona.errors`` costs, and ``ona email`` does not load the graph,
metrics and report stages (numba, igraph, networkx: about half a second) that it never uses.
"""

from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for ``package`` whose ``exports`` map a name to the module
    (relative to the package) it comes from.

    A name that is also its module's name (``ona.ingest.validate``, the function in
    ``ona/ingest/validate.py``) is imported now: once anything imports that module, Python sets
    the package's attribute to the module, and ``__getattr__`` would never be asked again."""
    namespace = importlib.import_module(package).__dict__
    for name, module in exports.items():
        if module.lstrip(".") == name:
            namespace[name] = getattr(importlib.import_module(module, package), name)

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name], package), name)
        namespace[name] = value  # the next lookup is an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
