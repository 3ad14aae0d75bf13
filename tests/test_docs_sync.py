"""The README's benchmark table is the one `make bench` wrote (benchmarks/results.md): they cannot drift."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_benchmark_table_is_generated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- bench -->\n", 1)[1].split("<!-- /bench -->", 1)[0]
    assert block.strip() == (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8").strip()
