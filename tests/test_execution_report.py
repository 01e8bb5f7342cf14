"""The execution report page is computed from nbval's recorded run, never typed."""
import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("execution_report", ROOT / "tools" / "execution_report.py")
er = importlib.util.module_from_spec(spec)
spec.loader.exec_module(er)

JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="chapters.01_recurrent_networks.ipynb" name="Cell 0" time="1.5" />
<testcase classname="chapters.01_recurrent_networks.ipynb" name="Cell 1" time="2.25">
  <failure message="output changed">diff</failure></testcase>
<testcase classname="tests.test_rnn" name="test_x" time="9.0" />
</testsuite></testsuites>"""


def test_times_and_results_come_from_the_nbval_report(tmp_path):
    report = tmp_path / "pytest.xml"
    report.write_text(JUNIT)
    results, when = er.nbval_results(report)
    assert results == {"chapters/01_recurrent_networks.ipynb": (3.75, 2, 1)}
    text = er.report_text(report)
    assert "| 3.8 s | 2 | **no: 1 cell(s) differ** |" in text
    assert f"nbval run: {when}." in text


def test_without_a_run_the_page_says_so(tmp_path):
    text = er.report_text(tmp_path / "missing.xml")
    assert "No nbval run was recorded in this build" in text
    assert "| not run |  | not checked |" in text
    for nb in er.notebooks():
        assert f"{{doc}}`{nb[:-6]}`" in text
