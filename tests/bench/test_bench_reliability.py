"""Crash safety, failing and hanging methods, and Dask execution of the harness."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from imbtab.bench import ResultStore, run
from imbtab.cli import main

HELPERS = textwrap.dedent(
    """
    import time
    import numpy as np
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.tree import DecisionTreeClassifier


    class Boom(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            raise RuntimeError("boom: this method always fails")


    class Hang(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            time.sleep(600)
            return self


    class Slow(ClassifierMixin, BaseEstimator):
        def __init__(self, delay=0.2, random_state=None):
            self.delay = delay
            self.random_state = random_state

        def fit(self, X, y):
            time.sleep(self.delay)
            self.tree_ = DecisionTreeClassifier(random_state=self.random_state).fit(X, y)
            self.classes_ = self.tree_.classes_
            return self

        def predict(self, X):
            return self.tree_.predict(X)

        def predict_proba(self, X):
            return self.tree_.predict_proba(X)
    """
)


def write_suite(folder, n_datasets, n=120):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_datasets):
        X, y = make_classification(
            n_samples=n, n_features=3, n_informative=2, n_redundant=0, weights=[0.8], random_state=i
        )
        frame = pd.DataFrame(X, columns=["a", "b", "c"]).round(4)
        frame["target"] = y
        frame.to_csv(folder / f"d{i}.csv", index=False)
    return folder


@pytest.fixture()
def helpers(tmp_path, monkeypatch):
    mod_dir = tmp_path / "mods"
    mod_dir.mkdir()
    (mod_dir / "bench_test_helpers.py").write_text(HELPERS)
    monkeypatch.syspath_prepend(str(mod_dir))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(mod_dir), *sys.path]))
    return mod_dir


def test_failing_and_hanging_methods_do_not_stop_the_run(tmp_path, helpers):
    folder = write_suite(tmp_path / "data", 2)
    cfg = tmp_path / "m.toml"
    cfg.write_text(
        "[run]\nmethods = ['baseline+tree']\n"
        "[methods.boom]\nsteps = [{ class = 'bench_test_helpers.Boom' }]\n"
        "[methods.hang]\nsteps = [{ class = 'bench_test_helpers.Hang' }]\n"
    )
    db = tmp_path / "r.db"
    t0 = time.perf_counter()
    code = main(
        [
            "bench",
            "run",
            str(folder),
            "--config",
            str(cfg),
            "--folds",
            "2",
            "--n-jobs",
            "1",  # in-process: the helper module is importable here
            "--timeout",
            "0.5",
            "--out",
            str(db),
            "--no-progress",
        ]
    )
    assert time.perf_counter() - t0 < 60
    assert code == 1  # finished, with failed cells
    frame = ResultStore(db).to_frame()
    assert len(frame) == 2 * 3 * 2
    status = frame.groupby("method")["status"].agg(set).to_dict()
    assert status == {"baseline+tree": {"ok"}, "boom": {"failed"}, "hang": {"timeout"}}
    boom = frame[frame["method"] == "boom"]["error"]
    assert boom.str.contains("Traceback").all() and boom.str.contains("boom: this").all()
    assert frame[frame["method"] == "hang"]["error"].str.contains("time limit").all()
    # plain re-run skips the failed cells; --retry-failed runs them again, no duplicate rows
    again = run(folder, config=cfg, folds=2, timeout=0.5, out=db)
    assert sum(again.counts.values()) == 0
    again = run(folder, config=cfg, folds=2, timeout=0.5, out=db, retry_failed=True)
    assert again.counts == {"failed": 4, "timeout": 4}
    assert len(ResultStore(db).to_frame()) == 12


def _count_rows(db):
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM cells").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_kill_9_then_resume_gives_every_cell_once(tmp_path, helpers):
    folder = write_suite(tmp_path / "data", 3)
    cfg = tmp_path / "m.toml"
    cfg.write_text(
        "[run]\nmethods = ['baseline+tree']\n"
        "[methods.slow]\nsteps = [{ class = 'bench_test_helpers.Slow', delay = 0.25 }]\n"
    )
    db = tmp_path / "r.db"
    cmd = [
        sys.executable,
        "-m",
        "imbtab",
        "bench",
        "run",
        str(folder),
        "--config",
        str(cfg),
        "--folds",
        "5",
        "--n-jobs",
        "2",
        "--out",
        str(db),
        "--no-progress",
    ]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 120
    while _count_rows(db) < 6 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read().decode()
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes
    proc.wait()
    killed_at = _count_rows(db)
    assert 6 <= killed_at < 30
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    summary = run(folder, config=cfg, folds=5, out=db, n_jobs=1)
    assert summary.skipped == killed_at
    assert sum(summary.counts.values()) == 30 - killed_at
    frame = ResultStore(db).to_frame()
    assert len(frame) == 3 * 2 * 5
    assert not frame.duplicated(["dataset", "method", "fold", "repeat", "seed"]).any()
    assert (frame["status"] == "ok").all()


def test_dask_local_cluster_matches_local_run(tmp_path):
    pytest.importorskip("distributed")
    folder = write_suite(tmp_path / "data", 2)
    methods = ["baseline+tree", "class_weight+logreg"]
    local = run(folder, methods=methods, folds=3, out=tmp_path / "local.db")
    dask = run(
        folder, methods=methods, folds=3, out=tmp_path / "dask.db", scheduler="local", n_jobs=2
    )
    assert local.counts == dask.counts == {"ok": 12}
    cols = ["average_precision", "roc_auc", "f1", "mcc", "brier", "n_train"]
    key = ["dataset", "method", "fold", "repeat", "seed"]
    a = ResultStore(tmp_path / "local.db").to_frame().set_index(key)[cols]
    b = ResultStore(tmp_path / "dask.db").to_frame().set_index(key)[cols]
    pd.testing.assert_frame_equal(a, b)
    assert np.isfinite(b.to_numpy(dtype=float)).all()
    pids = ResultStore(tmp_path / "dask.db").to_frame()["pid"]
    assert os.getpid() not in set(pids)  # ran in the worker processes
