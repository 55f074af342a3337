"""Exact fast prediction of fitted ``LGBMClassifier`` members (the ensembles' hot path).

The self-paced ensemble and BalanceCascade predict every new member on (almost) all training
rows; with LightGBM members that prediction is most of the fit time. This module reads a
fitted booster's trees from ``booster_.model_to_string()`` (thresholds and leaf values are
written with 17 significant digits, so they round-trip exactly), flattens them into arrays
and traverses them with one numba kernel, reproducing LightGBM's own arithmetic bit for bit:

* the dense-row conversion of LightGBM's C API: ``|x| <= kZeroThreshold`` (``1e-35f``)
  becomes ``0.0``;
* ``NumericalDecision``: ``x <= threshold`` goes left; NaN is ``0.0`` unless the node's
  missing type is NaN; missing type Zero sends zero (and NaN) to the default side, missing
  type NaN sends NaN to the default side;
* raw scores summed in float64 in tree order (per class: iteration order), then
  ``1 / (1 + exp(-sigmoid * raw))`` (binary; ``predict_proba`` is ``[1 - p, p]``) or
  LightGBM's softmax (subtract the row maximum, ``exp``, divide by the running sum).

Speed comes from the traversal order, not from skipping work: rows are processed in blocks
of ``_BLOCK`` rows copied into a small cleaned buffer; each tree is walked level by level
for the whole block (leaves loop onto themselves, so a row takes a fixed number of steps
without a data-dependent exit), which compiles to a branch-free loop and keeps the
independent rows' loads in flight together. Two phases per tree: every row walks the first
``caps[t]`` levels, then the rows not yet at a leaf are gathered and walk the remaining
levels (``caps`` is chosen from the training rows per leaf, ``leaf_count``, and changes only
the speed). A node is one 64-bit word (feature, left child, right child) plus its threshold,
and indices are unsigned so numba emits no negative-index wrap-around code.

Eligibility is decided up front (:func:`fast_predictor` returns ``None`` otherwise, and the
member's own ``predict_proba`` is used): an unmodified ``lightgbm.LGBMClassifier`` (or a
subclass that does not override ``predict_proba``), boosting ``gbdt`` with a ``binary`` or
``multiclass`` objective given by name, numerical splits only (no categorical splits, no
linear trees), no prediction-time parameters (``pred_early_stop``, ``num_iteration_predict``
and the like) (``sigmoid`` is read from the model text, which ``LGBMClassifier.fit`` reloads its booster
from, so its 6-digit rounding is what ``predict_proba`` uses too). The trees used are
those ``predict_proba`` uses by default: the first ``best_iteration_`` iterations after early
stopping, else all. Input must be a float32 or float64 array with the model's number of
columns (float32 is widened to float64 exactly, as LightGBM does).
"""

from __future__ import annotations

import sys
import weakref

import numpy as np
from numba import njit, uint64

#: LightGBM's ``kZeroThreshold`` (``const double kZeroThreshold = 1e-35f``)
_ZERO_THRESHOLD = float(np.float32(1e-35))
#: rows per block of the kernel (the block's cleaned copy stays in L1/L2)
_BLOCK = 256
#: rows per task when several threads share one prediction
_TASK_ROWS = 65_536
#: substrings of LightGBM parameter names that change what ``predict`` returns
_PREDICT_PARAM_PARTS = ("pred", "raw_score", "rawscore", "leaf_index", "contrib")

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------------------------
# the kernel
# --------------------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def _predict_kernel(
    X,
    rows,
    use_rows,
    packed,
    thr,
    nan_go,
    value,
    roots,
    depths,
    caps,
    leaf_start,
    tree_class,
    general,
    zero_view,
    link,
    sigmoid,
    out,
):
    """Probabilities of ``X[rows]`` (or ``X``) into ``out`` (see the module docstring).

    ``packed[node]`` holds the column of the row buffer (bits 0-15), the left child
    (16-39) and the right child (40-63); leaves are nodes whose children are themselves.
    The buffer holds each row cleaned as LightGBM does (``|x| <= kZeroThreshold`` is
    ``0.0``); with ``zero_view`` a second copy follows in which zero is NaN too, read by the
    nodes of missing type Zero. A node then goes right when ``x > threshold`` or when ``x``
    is NaN and ``nan_go[node]`` (its side for missing values). ``general`` False means no
    node has a missing type other than None: NaN is cleaned to ``0.0`` as well and the
    comparison alone decides. ``link`` 0: binary, ``out`` has columns ``[1 - p, p]``; 1:
    softmax over ``out.shape[1]`` classes.
    """
    n = rows.shape[0] if use_rows else X.shape[0]
    n_feat = X.shape[1]
    width = 2 * n_feat if zero_view else n_feat
    n_trees = roots.shape[0]
    n_out = 1 if link == 0 else out.shape[1]
    fu = uint64(width)
    low16 = uint64(0xFFFF)
    low24 = uint64(0xFFFFFF)
    s16 = uint64(16)
    s40 = uint64(40)
    nodes = np.empty(_BLOCK, np.uint64)
    active = np.empty(_BLOCK, np.uint64)
    xb = np.empty(_BLOCK * width)
    raw = np.empty((_BLOCK, n_out))
    for b0 in range(0, n, _BLOCK):
        m = min(n, b0 + _BLOCK) - b0
        for i in range(m):
            r = rows[b0 + i] if use_rows else b0 + i
            for f in range(n_feat):
                x = X[r, f]
                special = not abs(x) > _ZERO_THRESHOLD  # zero-ish or NaN
                if zero_view:
                    xb[i * width + n_feat + f] = np.nan if special else x
                if special and (not general or x == x):
                    x = 0.0
                xb[i * width + f] = x
            for k in range(n_out):
                raw[i, k] = 0.0
        mu = uint64(m)
        for t in range(n_trees):
            root = uint64(roots[t])
            for i in range(mu):
                nodes[i] = root
            # phase 1: every row walks caps[t] levels
            for _ in range(caps[t]):
                off = uint64(0)
                if general:
                    for i in range(mu):
                        node = nodes[i]
                        pk = packed[node]
                        x = xb[off + (pk & low16)]
                        # branch-free: NaN > threshold is False, so NaN goes by nan_go
                        go = uint64(x > thr[node]) | (uint64(x != x) & uint64(nan_go[node]))
                        nodes[i] = (pk >> s40) if go != 0 else ((pk >> s16) & low24)
                        off += fu
                else:
                    for i in range(mu):
                        node = nodes[i]
                        pk = packed[node]
                        if xb[off + (pk & low16)] > thr[node]:
                            nodes[i] = pk >> s40
                        else:
                            nodes[i] = (pk >> s16) & low24
                        off += fu
            # phase 2: the rows not at a leaf yet walk the remaining levels
            if depths[t] > caps[t]:
                first_leaf = uint64(leaf_start[t])
                n_act = uint64(0)
                for i in range(mu):
                    active[n_act] = i
                    n_act += uint64(nodes[i] < first_leaf)
                for _ in range(depths[t] - caps[t]):
                    if general:
                        for j in range(n_act):
                            i = active[j]
                            node = nodes[i]
                            pk = packed[node]
                            x = xb[i * fu + (pk & low16)]
                            go = uint64(x > thr[node]) | (uint64(x != x) & uint64(nan_go[node]))
                            nodes[i] = (pk >> s40) if go != 0 else ((pk >> s16) & low24)
                    else:
                        for j in range(n_act):
                            i = active[j]
                            node = nodes[i]
                            pk = packed[node]
                            if xb[i * fu + (pk & low16)] > thr[node]:
                                nodes[i] = pk >> s40
                            else:
                                nodes[i] = (pk >> s16) & low24
            k = tree_class[t]
            for i in range(mu):
                raw[i, k] += value[nodes[i]]
        for i in range(m):
            if link == 0:
                p = 1.0 / (1.0 + np.exp(-sigmoid * raw[i, 0]))
                out[b0 + i, 0] = 1.0 - p
                out[b0 + i, 1] = p
            else:
                wmax = raw[i, 0]
                for k in range(1, n_out):
                    if not raw[i, k] < wmax:
                        wmax = raw[i, k]
                wsum = 0.0
                for k in range(n_out):
                    e = np.exp(raw[i, k] - wmax)
                    out[b0 + i, k] = e
                    wsum += e
                for k in range(n_out):
                    out[b0 + i, k] /= wsum


# --------------------------------------------------------------------------------------------
# reading the model
# --------------------------------------------------------------------------------------------
class LGBMTreePredictor:
    """Flattened trees of one fitted LightGBM classifier (built by :func:`fast_predictor`)."""

    def __init__(self, model_text: str, sigmoid: float):
        header, trees, _ = _split_model_text(model_text)
        objective = header["objective"].split()
        self.n_features = int(header["max_feature_idx"]) + 1
        per_iter = int(header["num_tree_per_iteration"])
        if objective[0] == "binary":
            self.link, self.n_classes = 0, 2
            if per_iter != 1:
                raise ValueError("binary model with several trees per iteration")
        else:
            self.link = 1
            self.n_classes = int(header["num_class"])
            if per_iter != self.n_classes:
                raise ValueError("multiclass model without one tree per class and iteration")
        self.sigmoid = float(sigmoid)
        feat, thr, child, nan_go, value = [], [], [], [], []
        roots, depths, general, zero_view = [], [], False, False
        leaf_start, caps = [], []

        def add(column, t, c_left, c_right, g_nan, v):
            feat.append(column)
            thr.append(t)
            child.extend((c_left, c_right))
            nan_go.append(g_nan)
            value.append(v)

        for tree in trees:
            base = len(feat)
            roots.append(base)
            n_leaves = int(tree["num_leaves"])
            leaves = [float(v) for v in tree["leaf_value"].split()]
            if n_leaves == 1:  # constant tree: one self-looping leaf
                add(0, 0.0, base, base, 0, leaves[0])
                depths.append(0)
                leaf_start.append(base)
                caps.append(0)
                continue
            n_int = n_leaves - 1
            split = [int(v) for v in tree["split_feature"].split()]
            cut = [float(v) for v in tree["threshold"].split()]
            kinds = [int(v) for v in tree["decision_type"].split()]
            left = [int(v) for v in tree["left_child"].split()]
            right = [int(v) for v in tree["right_child"].split()]

            def glob(c, base=base, n_int=n_int):
                return base + c if c >= 0 else base + n_int + ~c

            for j in range(n_int):
                missing, default_left = (kinds[j] >> 2) & 3, (kinds[j] >> 1) & 1
                zero_side = 0 if 0.0 <= cut[j] else 1
                default_side = 0 if default_left else 1
                column = split[j]
                if missing == 0:  # None: NaN is 0.0 (general mode: goes where 0.0 goes)
                    g_nan = zero_side
                elif missing == 1:  # Zero: NaN is 0.0, which is missing; read the zero view
                    g_nan, column = default_side, self.n_features + split[j]
                    zero_view = True
                else:  # NaN: NaN is missing, zero compares as 0.0
                    g_nan = default_side
                general = general or missing != 0
                add(column, cut[j], glob(left[j]), glob(right[j]), g_nan, 0.0)
            for leaf in range(n_leaves):
                me = base + n_int + leaf
                add(0, 0.0, me, me, 0, leaves[leaf])
            leaf_depth = _leaf_depths(left, right, n_leaves)
            depths.append(int(leaf_depth.max()))
            leaf_start.append(base + n_int)
            counts = tree.get("leaf_count", "").split()
            weights = np.asarray(counts, dtype=np.float64) if len(counts) == n_leaves else None
            caps.append(_phase_one_levels(leaf_depth, weights))
        width = 2 * self.n_features if zero_view else self.n_features
        if max(feat, default=0) >= min(width, 1 << 16) or len(feat) >= 1 << 24:
            raise ValueError("too many features or nodes for the packed node layout")
        children = np.asarray(child, dtype=np.uint64)
        self.packed = (
            np.asarray(feat, dtype=np.uint64)
            | (children[0::2] << np.uint64(16))
            | (children[1::2] << np.uint64(40))
        )
        self.thr = np.asarray(thr, dtype=np.float64)
        self.nan_go = np.asarray(nan_go, dtype=np.uint8)
        self.value = np.asarray(value, dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.int64)
        self.depths = np.asarray(depths, dtype=np.int64)
        self.caps = np.asarray(caps, dtype=np.int64)
        self.leaf_start = np.asarray(leaf_start, dtype=np.int64)
        self.tree_class = np.arange(len(trees), dtype=np.int64) % per_iter
        self.general = general
        self.zero_view = zero_view

    def predict_proba(self, X, rows=None, n_threads: int = 1) -> np.ndarray:
        """``predict_proba`` of the booster for ``X`` (or ``X[rows]``), bit for bit."""
        n = X.shape[0] if rows is None else rows.shape[0]
        out = np.empty((n, self.n_classes))
        if n == 0:
            return out
        direct = X.dtype == np.float64 and X.flags.c_contiguous
        bounds = list(range(0, n, _TASK_ROWS)) + [n]
        tasks = list(zip(bounds[:-1], bounds[1:], strict=True))

        def _task(a, b):
            if direct and rows is None:
                self._run(X[a:b], None, out[a:b])
            elif direct:
                self._run(X, np.ascontiguousarray(rows[a:b], dtype=np.int64), out[a:b])
            else:  # float32 or strided: widen / gather one task's rows (exact)
                part = X[a:b] if rows is None else X[rows[a:b]]
                self._run(np.ascontiguousarray(part, dtype=np.float64), None, out[a:b])

        if n_threads <= 1 or len(tasks) == 1:
            for a, b in tasks:
                _task(a, b)
        else:
            from joblib import Parallel, delayed

            Parallel(n_jobs=n_threads, prefer="threads")(delayed(_task)(a, b) for a, b in tasks)
        return out

    def _run(self, X, rows, out):
        use_rows = rows is not None
        if not use_rows:
            rows = np.zeros(0, dtype=np.int64)
        _predict_kernel(
            X,
            rows,
            use_rows,
            self.packed,
            self.thr,
            self.nan_go,
            self.value,
            self.roots,
            self.depths,
            self.caps,
            self.leaf_start,
            self.tree_class,
            self.general,
            self.zero_view,
            self.link,
            self.sigmoid,
            out,
        )


def _leaf_depths(left, right, n_leaves) -> np.ndarray:
    """Depth (number of splits above it) of every leaf of one tree."""
    depth = np.zeros(n_leaves, dtype=np.int64)
    stack = [(0, 1)]
    while stack:
        node, d = stack.pop()
        for c in (left[node], right[node]):
            if c >= 0:
                stack.append((c, d + 1))
            else:
                depth[~c] = d
    return depth


def _phase_one_levels(leaf_depth: np.ndarray, weights) -> int:
    """Levels every row walks before the unfinished rows are gathered (a speed choice only).

    Minimises ``D + share(depth > D) * (max - D) * 1.3 + 0.3`` (the gathered walk costs
    about 1.3 plain steps per row and level, gathering about 0.3) with the share of
    training rows per leaf (``leaf_count``) as the expected share of rows.
    """
    top = int(leaf_depth.max())
    if weights is None or not weights.sum() > 0:
        return top
    weights = weights / weights.sum()
    best, best_cost = top, float(top)
    for d in range(top):
        cost = d + float(weights[leaf_depth > d].sum()) * (top - d) * 1.3 + 0.3
        if cost < best_cost:
            best, best_cost = d, cost
    return best


def _split_model_text(text: str):
    """Header ``key=value`` pairs, one dict per tree, and the ``[name: value]`` parameters."""
    header, trees, params = {}, [], {}
    current = None
    section = "header"
    for line in text.split("\n"):
        if section == "params":
            if line.startswith("[") and ": " in line:
                key, _, val = line[1:].rstrip("]").partition(": ")
                params[key] = val
            continue
        if line.startswith("Tree="):
            current = {}
            trees.append(current)
            section = "trees"
        elif line.startswith("end of trees"):
            section = "after"
        elif line.startswith("parameters:"):
            section = "params"
        elif section == "header":
            key, eq, val = line.partition("=")
            header[key.strip()] = val if eq else ""
        elif section == "trees" and "=" in line:
            key, _, val = line.partition("=")
            current[key] = val
    return header, trees, params


# --------------------------------------------------------------------------------------------
# eligibility
# --------------------------------------------------------------------------------------------
def _lgbm_classifier_class():
    module = sys.modules.get("lightgbm")  # never import LightGBM just to find out
    return None if module is None else getattr(module, "LGBMClassifier", None)


def _build(estimator):
    """A :class:`LGBMTreePredictor` for ``estimator`` or None when not exactly covered."""
    cls = _lgbm_classifier_class()
    if cls is None or not isinstance(estimator, cls):
        return None
    if type(estimator).predict_proba is not cls.predict_proba:
        return None
    booster = getattr(estimator, "_Booster", None)
    if booster is None or callable(estimator.objective):
        return None
    params = estimator.get_params(deep=False)
    for key in params:
        if any(part in key for part in _PREDICT_PARAM_PARTS):
            return None
    text = booster.model_to_string()  # num_iteration=None: best_iteration, as predict does
    header, trees, model_params = _split_model_text(text)
    if "average_output" in header or model_params.get("boosting", "gbdt") != "gbdt":
        return None
    objective = header.get("objective", "").split()
    if not objective or objective[0] not in ("binary", "multiclass"):
        return None
    for tree in trees:
        if int(tree.get("num_cat", "0")) != 0 or int(tree.get("is_linear", "0")) != 0:
            return None
        if any(int(v) & 1 for v in tree.get("decision_type", "").split()):
            return None
    sigmoid = 1.0
    if objective[0] == "binary":
        # the model text keeps 6 digits of ``sigmoid``; LGBMClassifier.fit reloads its
        # booster from that text, so the rounded value is the one predict_proba uses
        written = dict(p.split(":", 1) for p in objective[1:] if ":" in p).get("sigmoid")
        if written is None:
            return None
        sigmoid = float(written)
    n_classes = len(getattr(estimator, "classes_", ()))
    try:
        pred = LGBMTreePredictor(text, sigmoid)
    except ValueError:  # more than 65,536 features or 16M nodes: not covered
        return None
    if pred.n_classes != n_classes or pred.n_features != estimator.n_features_in_:
        return None
    return pred


def fast_predictor(estimator) -> LGBMTreePredictor | None:
    """The cached exact fast predictor of a fitted LightGBM member, or None."""
    from imbtab.ensemble._base import _FAST_LGBM

    if not _FAST_LGBM["enabled"]:
        return None
    cls = _lgbm_classifier_class()
    if cls is None or not isinstance(estimator, cls):
        return None
    booster = getattr(estimator, "_Booster", None)
    entry = _CACHE.get(estimator)
    if entry is not None and entry[0] is booster:
        return entry[1]
    pred = _build(estimator)
    _CACHE[estimator] = (booster, pred)
    return pred


def member_threads(estimator, n_jobs) -> int:
    """Threads for a fast prediction replacing ``estimator.predict_proba``.

    The larger of the ensemble's ``n_jobs`` and the member's own LightGBM threads (``None``,
    zero or negative ``n_jobs`` mean all cores, as in LightGBM), at most the cores.
    """
    import os

    cores = os.cpu_count() or 1

    def _resolve(value, default):
        if value is None:
            return default
        value = int(value)
        return value if value > 0 else max(1, cores + 1 + value)

    ensemble = _resolve(n_jobs, 1)
    member = _resolve(getattr(estimator, "n_jobs", 1), cores)
    return max(1, min(cores, max(ensemble, member)))


def fast_member_proba(estimator, X, rows=None, n_threads: int = 1):
    """``estimator.predict_proba(X[rows])`` by the fast path, or None when not eligible."""
    if X.dtype not in (np.float32, np.float64) or X.ndim != 2:
        return None
    pred = fast_predictor(estimator)
    if pred is None or X.shape[1] != pred.n_features:
        return None
    return pred.predict_proba(X, rows, n_threads)
