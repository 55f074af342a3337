import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbtab.datasets import (
    Dataset,
    DatasetFormatError,
    load_file,
    load_folder,
    load_suite,
    make_imbalance,
    suite_path,
)

# the rt30 folder sits next to the repository (../shared/datasets/rt30); IMBTAB_RT30 overrides
RT30 = Path(
    os.environ.get(
        "IMBTAB_RT30", Path(__file__).resolve().parents[3] / "shared" / "datasets" / "rt30"
    )
)


@pytest.mark.skipif(not RT30.is_dir(), reason="rt30 folder not available")
def test_all_rt30_datasets_match_manifest():
    manifest = pd.read_csv(RT30 / "manifest.csv")
    suite = load_folder(RT30)
    assert list(suite) == manifest["name"].tolist()
    for row in manifest.itertuples():
        ds = suite[row.name]
        got = (ds.n_samples, ds.n_positive, ds.n_features)
        assert got == (row.n_rows, row.n_positive, row.n_features), row.name
        assert set(np.unique(ds.y)) == {0, 1}
        assert ds.y.dtype == np.int64
        assert ds.source == RT30 / row.file
        assert ds.meta["source"] == row.source
        for col in ds.X.columns:
            dtype = ds.X[col].dtype
            assert pd.api.types.is_numeric_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype), (
                row.name,
                col,
                dtype,
            )
        # no byte-literal text survives the cleaning
        for col in ds.categorical_columns:
            cats = ds.X[col].cat.categories.astype(str)
            assert not any(c.startswith("b'") for c in cats), (row.name, col)


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def test_messy_csv_types_missing_and_byte_literals(tmp_path):
    _write(
        tmp_path / "messy.csv",
        "num, cat, bnum, holes, label\n"
        "1.5, red, b'3', ?, b'neg'\n"
        "2, blue, b'4', , b'neg'\n"
        "?, red, b'5', 7, b'pos'\n"
        "4, ?, b'?', 8, b'neg'\n",
    )
    ds = load_file(tmp_path / "messy.csv", target="label", positive="b'pos'")
    assert ds.y.tolist() == [0, 0, 1, 0]
    assert ds.positive == "pos"
    assert ds.X["num"].dtype == np.float64
    assert np.isnan(ds.X["num"].iloc[2])
    assert isinstance(ds.X["cat"].dtype, pd.CategoricalDtype)
    assert sorted(ds.X["cat"].cat.categories) == ["blue", "red"]
    assert pd.isna(ds.X["cat"].iloc[3])
    assert ds.X["bnum"].dtype == np.float64  # b'?' is missing, so float
    assert ds.X["bnum"].iloc[:3].tolist() == [3.0, 4.0, 5.0]
    assert ds.X["holes"].isna().tolist() == [True, True, False, False]
    assert ds.n_missing == 5


def test_integer_columns_stay_integer(tmp_path):
    _write(tmp_path / "ints.csv", "a,b,target\n1,1.0,0\n2,2.0,0\n3,3.0,1\n")
    ds = load_file(tmp_path / "ints.csv")
    assert ds.X["a"].dtype == np.int64
    assert ds.X["b"].dtype == np.float64


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path, newline):
    _write(tmp_path / "le.csv", "x,y,target\n1,2,a\n3,4,a\n5,6,b\n7,8,a\n", newline)
    ds = load_file(tmp_path / "le.csv")
    assert ds.X.shape == (4, 2)
    assert ds.y.tolist() == [0, 0, 1, 0]
    assert ds.positive == "b"


def test_no_manifest_target_then_last_column_rarest_positive(tmp_path):
    _write(tmp_path / "a.csv", "target,f\nx,1\ny,2\ny,3\n")
    _write(tmp_path / "b.csv", "f,g,cls\n1,2,0\n2,3,1\n3,4,1\n4,5,1\n")
    suite = load_folder(tmp_path)
    assert list(suite) == ["a", "b"]
    assert suite["a"].target == "target" and suite["a"].positive == "x"
    assert suite["a"].y.tolist() == [1, 0, 0]
    assert suite["b"].target == "cls" and suite["b"].positive == "0"
    assert list(suite["b"].X.columns) == ["f", "g"]


def test_manifest_numeric_positive_and_names(tmp_path):
    _write(tmp_path / "d.csv", "v,lab\n1,-1\n2,-1\n3,1\n4,-1\n")
    _write(tmp_path / "e.csv", "v,lab\n1,1.0\n2,0.0\n3,0.0\n")
    _write(
        tmp_path / "manifest.csv",
        "name,file,target,positive,note\nfirst,d.csv,lab,1,hello\nsecond,e.csv,lab,1,\n",
    )
    suite = load_folder(tmp_path)
    assert suite["first"].y.tolist() == [0, 0, 1, 0]
    assert suite["first"].meta == {"note": "hello"}
    assert suite["second"].y.tolist() == [1, 0, 0]  # "1" matches "1.0" numerically
    only = load_folder(tmp_path, names=["second"])
    assert list(only) == ["second"]
    with pytest.raises(KeyError, match="nope"):
        load_folder(tmp_path, names=["nope"])


def test_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0], "c": ["u", "v", "?", "u"], "target": ["n", "n", "p", "n"]}
    )
    frame.to_parquet(tmp_path / "t.parquet")
    ds = load_folder(tmp_path)["t"]
    assert ds.y.tolist() == [0, 0, 1, 0]
    assert isinstance(ds.X["c"].dtype, pd.CategoricalDtype)
    assert ds.X["c"].isna().tolist() == [False, False, True, False]


def test_malformed_csv_names_file_and_line(tmp_path):
    bad = _write(tmp_path / "bad.csv", "a,b,target\n1,2,0\n3,4,1\n5,6,7,0\n7,8,0\n")
    with pytest.raises(DatasetFormatError, match=r"bad\.csv, line 4: expected 3 fields.*found 4"):
        load_folder(tmp_path)
    _write(bad, "a,b,target\n1,2,0\n3,4,1\n5,6,0\n7,8\n")
    with pytest.raises(DatasetFormatError, match=r"bad\.csv, line 5: expected 3 fields.*found 2"):
        load_file(bad)
    _write(bad, "a,b,target\r1,2,0\r3,4\r")
    with pytest.raises(DatasetFormatError, match=r"bad\.csv, line 3"):
        load_file(bad)


def test_label_errors(tmp_path):
    _write(tmp_path / "one.csv", "a,target\n1,0\n2,0\n")
    with pytest.raises(DatasetFormatError, match=r"one\.csv.*1 class"):
        load_file(tmp_path / "one.csv")
    _write(tmp_path / "two.csv", "a,target\n1,0\n2,1\n")
    with pytest.raises(DatasetFormatError, match=r"two\.csv: positive label 'yes' not found"):
        load_file(tmp_path / "two.csv", positive="yes")
    with pytest.raises(DatasetFormatError, match="target column 'zz' not found"):
        load_file(tmp_path / "two.csv", target="zz")
    _write(tmp_path / "three.csv", "a,target\n1,x\n2,y\n3,y\n4,z\n5,z\n")
    with pytest.warns(UserWarning, match="3 classes"):
        ds = load_file(tmp_path / "three.csv")
    assert ds.y.tolist() == [1, 0, 0, 0, 0]
    _write(tmp_path / "hole.csv", "a,target\n1,x\n2,\n3,y\n")
    with pytest.warns(UserWarning, match="1 rows without a label"):
        assert load_file(tmp_path / "hole.csv").n_samples == 2


def test_demo_suite():
    suite = load_suite("demo")
    assert sorted(suite) == ["chess", "pc1", "seismic_bumps", "thyroid_disease", "vowel", "yeast"]
    manifest = pd.read_csv(suite_path("demo") / "manifest.csv")
    for row in manifest.itertuples():
        ds = suite[row.name]
        assert isinstance(ds, Dataset)
        assert (ds.n_samples, ds.n_positive, ds.n_features) == (
            row.n_rows,
            row.n_positive,
            row.n_features,
        )
    folder = suite_path("demo")
    assert (folder / "LICENSE").read_text().startswith("MIT License")
    assert "Ready Tensor" in (folder / "README.md").read_text()
    assert sum(p.stat().st_size for p in folder.iterdir()) < 2_000_000
    assert suite["thyroid_disease"].n_missing > 0
    assert suite["chess"].categorical_columns
    with pytest.raises(ValueError, match="unknown suite"):
        load_suite("nope")


def test_describe_and_make_imbalance():
    ds = load_suite("demo", names=["yeast"])["yeast"]
    row = ds.describe()
    assert row["n_samples"] == 1484 and row["n_positive"] == 163
    assert row["imbalance_ratio"] == pytest.approx((1484 - 163) / 163)
    assert "yeast" in repr(ds)
    X, y = make_imbalance(ds.X, ds.y, sampling_strategy={0: 200, 1: 50}, random_state=0)
    assert np.bincount(y).tolist() == [200, 50]
