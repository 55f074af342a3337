import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from imbtab import __version__
from imbtab.cli import EXIT_OK, EXIT_USAGE, main


def write_suite(folder, n_datasets=2, n=120):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_datasets):
        X, y = make_classification(
            n_samples=n, n_features=3, n_informative=2, n_redundant=0, weights=[0.8], random_state=i
        )
        frame = pd.DataFrame(X, columns=["a", "b", "c"]).round(4)
        frame["target"] = np.where(y == 1, "yes", "no")
        frame.to_csv(folder / f"d{i}.csv", index=False)
    return folder


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out
    assert main([]) == EXIT_OK
    assert "bench" in capsys.readouterr().out
    for argv in (["bench", "run", "--help"], ["bench", "report", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--suite",
        "--methods",
        "--config",
        "--folds",
        "--repeats",
        "--seed",
        "--metrics",
        "--n-jobs",
        "--scheduler",
        "--timeout",
        "--retry-failed",
        "--out",
        "--metric",
    ):
        assert option in text


def test_run_report_export_describe(tmp_path, capsys):
    folder = write_suite(tmp_path / "data")
    db = tmp_path / "r.db"
    code = main(
        [
            "bench",
            "run",
            str(folder),
            "--methods",
            "baseline+tree,class_weight+logreg",
            "--folds",
            "3",
            "--out",
            str(db),
            "--no-progress",
            "--export",
            str(tmp_path / "r.csv"),
        ]
    )
    assert code == EXIT_OK
    out = capsys.readouterr().out
    assert "12 cells" in out and "12 ok" in out
    assert len(pd.read_csv(tmp_path / "r.csv")) == 12
    assert main(["bench", "export", str(db), str(tmp_path / "r.parquet")]) == EXIT_OK
    assert len(pd.read_parquet(tmp_path / "r.parquet")) == 12
    assert main(["bench", "report", str(db), "--out", str(tmp_path / "rep")]) == EXIT_OK
    assert (tmp_path / "rep" / "report.html").is_file()
    assert main(["datasets", "describe", str(folder)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "d0" in out and "d1" in out and "yes" in out
    assert main(["bench", "list"]) == EXIT_OK
    assert "baseline+lgbm" in capsys.readouterr().out


def test_bad_input_exit_code_names_file_and_line(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "broken.csv").write_text("a,b,target\n1,2,0\n3,4,1\n5,6\n")
    code = main(["bench", "run", str(folder), "--out", str(tmp_path / "x.db"), "--no-progress"])
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "broken.csv, line 4" in err
    assert main(["datasets", "describe", str(tmp_path / "missing")]) == EXIT_USAGE
    assert (
        main(
            [
                "bench",
                "run",
                "--suite",
                "demo",
                "--methods",
                "nope+lgbm",
                "--out",
                str(tmp_path / "x.db"),
            ]
        )
        == EXIT_USAGE
    )
    assert "nope+lgbm" in capsys.readouterr().err
    assert main(["bench", "report", str(tmp_path / "none.db")]) == EXIT_USAGE
