"""The organisational network: a weighted, directed graph of the people of a roster.

:class:`OrgGraph` is the one place that holds the network; it converts to igraph, networkx and
scipy sparse matrices for the metric modules. Nodes are the roster's people in roster order
(isolates included: a person nobody named still counts); edges are the distinct directed pairs
(source != target) with a positive weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ._arguments import check_type
from .errors import InputError, Problem
from .ingest.roster import NO_UNIT, Roster
from .ingest.ties import TieTable

__all__ = ["OrgGraph", "UnitPartition", "build_graph", "compressed_rows"]


@dataclass(frozen=True)
class UnitPartition:
    """A partition of the people into units, from one roster column (the formal organisation).

    ``codes[i]`` is the unit index of person ``i``; ``labels[k]`` the name of unit ``k`` (sorted).
    """

    column: str
    codes: np.ndarray
    labels: tuple[str, ...]

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.labels))

    def __len__(self) -> int:
        return len(self.labels)

    def membership(self) -> list[int]:
        return self.codes.tolist()


@dataclass(frozen=True, eq=False)
class OrgGraph:
    """People (roster order) and the directed, weighted ties between them.

    ``source``/``target`` are node indices into ``people``; ``weight`` is positive. Each directed
    pair appears once and there are no self-ties.
    """

    people: pd.DataFrame
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    roster: Roster | None = field(default=None, repr=False)
    tie_info: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.people)

    @property
    def m(self) -> int:
        return len(self.source)

    @property
    def ids(self) -> pd.Index:
        return self.people.index

    def labels(self) -> pd.Series:
        if self.roster is not None:
            return self.roster.labels().reindex(self.people.index)
        return pd.Series(self.people.index, index=self.people.index)

    def subgraph(self, keep) -> "OrgGraph":
        """The people at node indices ``keep`` (in that order) and the ties among them."""
        keep = np.asarray(keep, dtype=np.int64)
        position = np.full(self.n, -1, dtype=np.int64)
        position[keep] = np.arange(len(keep))
        inside = (position[self.source] >= 0) & (position[self.target] >= 0)
        return OrgGraph(people=self.people.iloc[keep], source=position[self.source[inside]],
                        target=position[self.target[inside]], weight=self.weight[inside], roster=self.roster,
                        tie_info=self.tie_info)

    def partition(self, by: str | None = None) -> UnitPartition:
        """The formal unit partition from roster column ``by`` (default: the roster's unit column), its cells
        read as the units they name as a unit column's are, whichever column it is
        (:meth:`~ona.ingest.roster.Roster.units_in`: blank is "(none)", "Caseworker" and "caseworker " one
        unit)."""
        if by is None:
            by = self.roster.default_unit_column if self.roster is not None else None
            if by is None:
                raise InputError([Problem(
                    "no-unit-column", "the roster has no department or unit column; name one with --by "
                    "(by= in Python)", path=self.roster.path if self.roster else None,
                    row=self.roster.header_row if self.roster else None)])
        column = self.roster.column(by) if self.roster is not None else by
        if column == (self.roster.id_column if self.roster is not None else None):
            raise InputError([Problem("bad-unit-column", "cannot measure by the id column; choose a unit column",
                                      path=self.roster.path, row=self.roster.header_row)])
        if self.roster is not None:
            self.roster.check_cells(column)  # (a cell showing #N/A is no unit: excel-error)
        cells = self.people[column].astype(str)
        # (a graph made without a roster, as a comparison re-measures a stored wave: its units as they are)
        values = self.roster.units_in(column, cells)[0] if self.roster is not None else cells.replace("", NO_UNIT)
        codes, uniques = pd.factorize(values, sort=True)
        return UnitPartition(column=column, codes=codes.astype(np.int64), labels=tuple(str(u) for u in uniques))

    def adjacency(self, weighted: bool = True):
        """The n x n adjacency matrix (scipy CSR), row = sender."""
        from scipy import sparse

        data = self.weight if weighted else np.ones(self.m)
        return sparse.csr_matrix((data, (self.source, self.target)), shape=(self.n, self.n))

    @cached_property
    def igraph(self):
        """This graph as a directed igraph.Graph with edge attribute ``weight``."""
        import igraph as ig

        g = ig.Graph(n=self.n, edges=np.column_stack([self.source, self.target]).tolist(), directed=True)
        g.es["weight"] = self.weight.tolist()
        return g

    def to_networkx(self):
        """This graph as a networkx.DiGraph with node ids as keys and edge attribute ``weight``."""
        import networkx as nx

        g = nx.DiGraph()
        ids = self.ids.to_list()
        g.add_nodes_from(ids)
        g.add_weighted_edges_from((ids[s], ids[t], float(w)) for s, t, w in zip(self.source, self.target, self.weight))
        return g


TIE_RULES = ("reported", "reciprocated", "union")


def compressed_rows(n: int, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ties ``rows[i] -> cols[i]`` in compressed-row form: ``indptr`` (the ties of row v are
    positions ``indptr[v]:indptr[v + 1]``) and ``order``, the tie indices sorted by row, then
    column. ``cols[order]`` are the neighbours; swap the arguments for the in-ties."""
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, order


def build_graph(roster: Roster, ties: TieTable | pd.DataFrame, *, tie_rule: str = "reported") -> OrgGraph:
    """Build the directed, weighted network of ``roster``'s people from ``ties``.

    ``ties`` is a :class:`TieTable` or a frame with ``source``, ``target`` (roster ids) and an
    optional ``weight``. Every person of the roster is a node, named or not (``graph.people`` is a
    copy of ``roster.people``: editing one leaves the other as it was). A pair given more
    than once keeps its largest weight; ties to oneself and zero weights are left out.

    A frame is checked by the rules of a tie file (:func:`~ona.ingest.read_ties`): both columns
    present; every end a roster id (``unknown-person``); every weight a finite number
    (``bad-weight``) of 0 or more (``negative-weight``); every problem is raised together as one
    :class:`~ona.errors.InputError`, each located by the row's ``.iloc`` position. Self-ties, zero
    weights and repeated pairs are left out and counted in ``tie_info["dropped"]``.

    ``tie_rule`` is the usual treatment of survey ties: ``reported`` keeps every tie as reported;
    ``reciprocated`` keeps a tie only if both people report it (each direction keeps its own
    weight); ``union`` counts a tie either person reports in both directions (the larger weight
    when both report it), for questions that are undirected by nature ("who do you work with").
    """
    if tie_rule not in TIE_RULES:
        raise InputError([Problem("bad-argument", f"build_graph(tie_rule={tie_rule!r}): tie_rule must be one of "
                                  + ", ".join(TIE_RULES))])
    check_type(roster, Roster, "build_graph(roster, ties): pass the Roster from read_roster first")
    check_type(ties, (TieTable, pd.DataFrame), "build_graph(roster, ties): pass the ties from read_ties, or a "
               "DataFrame with source and target columns")
    index = pd.Index(roster.ids)
    dropped: dict[str, int] = {}
    if isinstance(ties, TieTable):
        frame = ties.ties
        src = index.get_indexer(frame["source"].astype(str))
        tgt = index.get_indexer(frame["target"].astype(str))
        if (src < 0).any() or (tgt < 0).any():
            raise InputError([Problem("unknown-person", "ties name people who are not in the roster",
                                      path=ties.path)])
        weight = frame["weight"].to_numpy(dtype=float) if "weight" in frame else np.ones(len(frame))
        keep = (src != tgt) & (weight > 0)
        src, tgt, weight = src[keep], tgt[keep], weight[keep]
    else:
        src, tgt, weight, dropped = _frame_ties(ties, index)
    # One edge per directed pair, with the largest weight.
    order = np.lexsort((-weight, tgt, src))
    src, tgt, weight = src[order], tgt[order], weight[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (tgt[1:] != tgt[:-1])
    if not first.all() and not isinstance(ties, TieTable):  # (a tie table has none left within a layer)
        dropped["duplicate"] = int((~first).sum())
    src, tgt, weight = src[first].astype(np.int64), tgt[first].astype(np.int64), weight[first]
    n = len(index)
    if tie_rule == "reciprocated":
        keep = np.isin(tgt * n + src, src * n + tgt)
        src, tgt, weight = src[keep], tgt[keep], weight[keep]
    elif tie_rule == "union":
        both_s, both_t = np.concatenate([src, tgt]), np.concatenate([tgt, src])
        both_w = np.concatenate([weight, weight])
        order = np.lexsort((-both_w, both_t, both_s))
        both_s, both_t, both_w = both_s[order], both_t[order], both_w[order]
        first = np.ones(len(both_s), dtype=bool)
        first[1:] = (both_s[1:] != both_s[:-1]) | (both_t[1:] != both_t[:-1])
        src, tgt, weight = both_s[first], both_t[first], both_w[first]
    info = {"tie_rule": tie_rule, **({"dropped": dropped} if dropped else {})}
    if isinstance(ties, TieTable):
        info.update({"path": ties.path, "sheet": ties.sheet, "weight_column": ties.weight_column,
                     "dropped": dict(ties.dropped), "shape": ties.shape, "layers": list(ties.layers),
                     "combine": ties.combine, "respondents": ties.respondents, "repeats": ties.repeats,
                     "date_column": ties.date_column, "date_span": ties.date_span, "window": ties.window_text,
                     "weight_labels": ties.weight_labels})
    # The graph's own frame: a script that edits graph.people leaves the roster as read (with
    # pandas' copy-on-write the copy costs nothing until one of them is written to).
    return OrgGraph(people=roster.people.copy(), source=src, target=tgt, weight=weight, roster=roster,
                    tie_info=info)


_FRAME = "ties DataFrame"


def _frame_ties(frame: pd.DataFrame, index: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """The roster positions of both ends and the weights of a script's ties frame, checked as
    :func:`build_graph` says, with the self-ties and zero weights left out and counted."""
    missing = [c for c in ("source", "target") if c not in frame.columns]
    if missing:
        raise InputError([Problem("missing-column", f"has no {c!r} column; a ties DataFrame has the columns source "
                                  "and target (roster ids) and may have weight", frame=_FRAME) for c in missing])
    problems: list[Problem] = []
    ends = []
    for column in ("source", "target"):
        positions = index.get_indexer(frame[column].astype(str))
        ends.append(positions)
        problems += [Problem("unknown-person", "names no one in the roster; a ties DataFrame names people by their "
                             "roster id", frame=_FRAME, row=int(i), column=column)
                     for i in np.flatnonzero(positions < 0)]
    if "weight" in frame.columns:
        given = frame["weight"]
        weight = pd.to_numeric(given, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for i in np.flatnonzero(~np.isfinite(weight) | (weight < 0)):
            if weight[i] < 0:
                code, what = "negative-weight", "the weight is negative; weights must be 0 or more"
            else:
                kind = "infinite" if np.isinf(weight[i]) else "blank (NaN)" if pd.isna(given.iat[i]) else "not a number"
                code, what = "bad-weight", f"the weight is {kind}; give a finite number such as 1-5"
            problems.append(Problem(code, what, frame=_FRAME, row=int(i), column="weight"))
    else:
        weight = np.ones(len(frame))
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise InputError(problems)
    src, tgt = ends
    dropped: dict[str, int] = {}
    keep = np.ones(len(frame), dtype=bool)
    for reason, mask in (("self-tie", src == tgt), ("zero-weight", weight == 0)):
        mask = mask & keep
        if mask.any():
            dropped[reason] = int(mask.sum())
            keep &= ~mask
    return src[keep], tgt[keep], weight[keep], dropped
