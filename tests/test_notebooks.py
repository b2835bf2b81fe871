"""The Colab notebooks: in sync with the tutorials, run in a real kernel.

`tools/notebooks.py` writes `tutorials/ipynb/NN_name.ipynb` from each
`tutorials/NN_name.py` (found by glob). Fast tests check that every
committed notebook, header link and README link is what the converter gives
now, and the converter's rules on a small script. Slow tests execute every
notebook top to bottom with `nbclient` in an `ipykernel` kernel (smoke size,
its outputs in a temporary folder; each notebook's time is printed, see
`pytest -rP`), serve the projector of the TensorBoard that the `%tensorboard`
magic started, and run the install cell in a fresh virtual environment
against a wheel built from this checkout.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import keras
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "notebooks_tool", ROOT / "tools" / "notebooks.py"
)
notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebooks)

TUTORIALS = notebooks.tutorials()
CSC321 = ROOT.parent / "shared" / "data" / "csc321"
NEEDS_CSC321 = {"07_glove", "08_neural_language_model"}
# Tutorials that write projector files and end with the `%tensorboard` magic.
PROJECTORS = {"04_next_token_lstm", "06_word2vec_at_scale"}
CELL_TIMEOUT_S = 900  # per cell; smoke runs take well under a minute
VERSION = "0.1.0"


def _ids(path):
    return path.stem


def _setup_cfg_url():
    """The project URL, read here without the converter (the oracle)."""
    text = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    return re.search(r"^url = (\S+)$", text, re.M).group(1)


def _expected_colab_link(stem):
    owner, repo = urllib.parse.urlparse(_setup_cfg_url()).path.strip("/").split("/")
    return (
        f"https://colab.research.google.com/github/{owner}/{repo}"
        f"/blob/main/tutorials/ipynb/{stem}.ipynb"
    )


def _read_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"])


# --- In sync with the scripts ---------------------------------------------


def test_tutorials_are_found():
    names = {path.stem for path in TUTORIALS}
    assert {"01_text_pipeline", "04_next_token_lstm"} <= names
    assert PROJECTORS | NEEDS_CSC321 <= names


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=_ids)
def test_committed_notebook_is_up_to_date(tutorial):
    committed = notebooks.notebook_path(tutorial)
    assert committed.is_file(), (
        f"{committed.name} is missing: run `python tools/notebooks.py`"
    )
    up_to_date = committed.read_text(encoding="utf-8") == notebooks.render_notebook(
        tutorial
    )
    assert up_to_date, (
        f"{committed.name} is out of date with {tutorial.name}: "
        "run `python tools/notebooks.py`"
    )


def test_no_notebook_without_a_tutorial():
    stems = {path.stem for path in TUTORIALS}
    extra = [
        p.name for p in notebooks.NOTEBOOKS_DIR.glob("*.ipynb") if p.stem not in stems
    ]
    assert not extra, f"{extra} have no tutorial: run `python tools/notebooks.py`"


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=_ids)
def test_notebook_has_colab_metadata_and_the_install_cell(tutorial):
    import nbformat

    text = notebooks.render_notebook(tutorial)
    assert notebooks.render_notebook(tutorial) == text  # deterministic
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)

    metadata = notebook.metadata
    assert metadata.colab == {"name": f"{tutorial.stem}.ipynb", "provenance": []}
    assert metadata.kernelspec.name == "python3"
    header = re.match(r'"""\n(.*?)\n"""', tutorial.read_text(), re.DOTALL).group(1)
    accelerator = re.search(r"^Accelerator: (.*)$", header, re.M).group(1)
    assert metadata.get("accelerator") == ("GPU" if "GPU" in accelerator else None)

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    install = code[0].source
    requirement = f'"keras-embeddings @ git+{_setup_cfg_url()}"'
    assert requirement in install and '"KERAS_EMBEDDINGS_INSTALL"' in install
    assert install.index("import keras_embeddings") < install.index('"pip", "install"')

    title = notebook.cells[0]
    assert title.cell_type == "markdown"
    assert title.source.startswith("# ")
    assert f"]({_expected_colab_link(tutorial.stem)})" in title.source
    # Prose is markdown: no cell holds a bare triple-quoted string.
    assert not any(c.source.lstrip().startswith('"""') for c in code)


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=_ids)
def test_tutorial_header_links_to_its_notebook(tutorial):
    header = re.match(r'"""\n(.*?)\n"""', tutorial.read_text(), re.DOTALL).group(1)
    links = re.findall(r"^Colab: (.*)$", header, re.M)
    assert links == [_expected_colab_link(tutorial.stem)], (
        f"{tutorial.name}: run `python tools/notebooks.py`"
    )


def test_readme_links_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Tutorials\n", 1)[1].split("\n## ", 1)[0]
    for tutorial in TUTORIALS:
        rows = [
            line
            for line in section.splitlines()
            if f"`tutorials/{tutorial.name}`" in line
        ]
        assert len(rows) == 1, (
            f"README's tutorial table needs a row for {tutorial.name}"
        )
        assert f"({_expected_colab_link(tutorial.stem)})" in rows[0]
    links = re.findall(r"https://colab\.research\.google\.com/github/[^)\s]+", readme)
    assert sorted(set(links)) == sorted(_expected_colab_link(t.stem) for t in TUTORIALS)


def test_projector_tutorials_end_with_the_tensorboard_magics():
    for stem in PROJECTORS:
        notebook = _read_notebook(notebooks.NOTEBOOKS_DIR / f"{stem}.ipynb")
        sources = [_source(c) for c in notebook["cells"] if c["cell_type"] == "code"]
        assert "%load_ext tensorboard\n%tensorboard --logdir {LOG_DIR}" in sources
        script = (notebooks.TUTORIALS_DIR / f"{stem}.py").read_text()
        assert (
            "\n# %load_ext tensorboard\n# %tensorboard --logdir {LOG_DIR}\n" in script
        )


# --- The converter's rules ------------------------------------------------

_SCRIPT = '''"""
Title: A small tutorial
Author: keras_embeddings team
Accelerator: None
"""

"""
## Setup

Some prose.
"""

# %%
import os

TEXT = """
not prose
"""
# %%
print(TEXT)  # a second cell

"""
Closing words.
"""

# %%
# %load_ext tensorboard
# %tensorboard --logdir {OUT}
# a comment that stays
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project's layout with one small tutorial, for the converter."""
    (tmp_path / "tutorials").mkdir()
    (tmp_path / "tutorials" / "01_small.py").write_text(_SCRIPT)
    (tmp_path / "setup.cfg").write_text(
        "[metadata]\nname = my-package\nurl = https://github.com/someone/fork\n"
    )
    readme = (
        "| `tutorials/01_small.py` | [Colab](https://colab.research.google.com/github/"
        "old/name/blob/main/tutorials/ipynb/01_small.ipynb) |\n"
    )
    (tmp_path / "README.md").write_text(readme)
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    monkeypatch.setattr(notebooks, "SETUP_CFG", tmp_path / "setup.cfg")
    monkeypatch.setattr(notebooks, "README", tmp_path / "README.md")
    monkeypatch.setattr(notebooks, "TUTORIALS_DIR", tmp_path / "tutorials")
    monkeypatch.setattr(notebooks, "NOTEBOOKS_DIR", tmp_path / "tutorials" / "ipynb")
    return tmp_path


def test_converter_cells_and_links(project, capsys):
    assert notebooks.main(["--check"]) == 1
    assert notebooks.main([]) == 0
    assert notebooks.main(["--check"]) == 0
    capsys.readouterr()

    link = (
        "https://colab.research.google.com/github/someone/fork/blob/main"
        "/tutorials/ipynb/01_small.ipynb"
    )
    script = (project / "tutorials" / "01_small.py").read_text()
    assert script == _SCRIPT.replace(
        "Accelerator: None\n", f"Accelerator: None\nColab: {link}\n"
    )
    assert f"[Colab]({link})" in (project / "README.md").read_text()

    notebook = _read_notebook(project / "tutorials" / "ipynb" / "01_small.ipynb")
    cells = [(c["cell_type"], _source(c)) for c in notebook["cells"]]
    assert [kind for kind, _ in cells] == [
        "markdown",  # title
        "code",  # install
        "markdown",
        "code",
        "code",
        "markdown",
        "code",
    ]
    assert cells[0][1].startswith("# A small tutorial\n\n**Author:** keras_embeddings")
    assert (
        f"(https://colab.research.google.com/assets/colab-badge.svg)]({link})"
        in (cells[0][1])
    )
    assert '"my-package @ git+https://github.com/someone/fork"' in cells[1][1]
    assert cells[2][1] == "## Setup\n\nSome prose."
    assert cells[3][1] == 'import os\n\nTEXT = """\nnot prose\n"""'
    assert cells[4][1] == "print(TEXT)  # a second cell"
    assert cells[5][1] == "Closing words."
    assert cells[6][1] == (
        "%load_ext tensorboard\n%tensorboard --logdir {OUT}\n# a comment that stays"
    )
    assert "accelerator" not in notebook["metadata"]


def test_converter_check_finds_stale_and_orphan_notebooks(project, capsys):
    notebooks.main([])
    script = project / "tutorials" / "01_small.py"
    script.write_text(script.read_text().replace("Closing words.", "New words."))
    orphan = project / "tutorials" / "ipynb" / "02_gone.ipynb"
    orphan.write_text("{}")
    capsys.readouterr()

    assert notebooks.main(["--check"]) == 1
    printed = capsys.readouterr().out
    assert "out of date: tutorials/ipynb/01_small.ipynb" in printed
    assert "no tutorial: tutorials/ipynb/02_gone.ipynb" in printed
    assert notebooks.main([]) == 0
    assert not orphan.exists()
    assert (
        "New words." in (project / "tutorials" / "ipynb" / "01_small.ipynb").read_text()
    )


def test_converter_needs_a_github_url(project):
    (project / "setup.cfg").write_text("[metadata]\nname = my-package\n")
    with pytest.raises(ValueError, match="url"):
        notebooks.project_metadata()


# --- Executed in a real kernel --------------------------------------------

# Only local traffic: never go through an HTTP proxy from the environment.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _projector_get(port, route, **params):
    query = urllib.parse.urlencode(params)
    url = f"http://127.0.0.1:{port}/data/plugin/projector/{route}?{query}"
    with _LOCAL.open(url, timeout=10) as response:
        return response.read()


def _check_live_projector(log_dir):
    """The TensorBoard that `%tensorboard` started serves `log_dir`'s projector."""
    from tensorboard import manager

    infos = [info for info in manager.get_all() if info.logdir == str(log_dir)]
    assert len(infos) == 1, (
        f"no TensorBoard (or several) on {log_dir}: {manager.get_all()}"
    )
    (info,) = infos
    runs, deadline = [], time.monotonic() + 60
    while not runs and time.monotonic() < deadline:
        try:
            runs = json.loads(_projector_get(info.port, "runs"))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    assert runs == ["."], runs  # the log folder itself
    (embedding,) = json.loads(_projector_get(info.port, "info", run="."))["embeddings"]
    rows, dim = (int(n) for n in embedding["tensorShape"])
    tensor = _projector_get(info.port, "tensor", run=".", name=embedding["tensorName"])
    assert len(tensor) == rows * dim * 4  # float32
    metadata = _projector_get(
        info.port, "metadata", run=".", name=embedding["tensorName"]
    )
    words = metadata.decode("utf-8").split("\n")[:-1]
    expected = (log_dir / "embedding" / "metadata.tsv").read_text(encoding="utf-8")
    assert words == expected.split("\n")[:-1] and len(words) == rows > 10
    return info


@pytest.mark.slow
@pytest.mark.parametrize("tutorial", TUTORIALS, ids=_ids)
def test_notebook_executes(tutorial, tmp_path, monkeypatch, record_property):
    import nbformat
    from nbclient import NotebookClient
    from test_tutorials import EXPECTED_FILES, EXPECTED_OUTPUT

    backend = keras.backend.backend()
    if backend == "tensorflow":
        pytest.skip(
            f"tests/test_tutorials.py runs {tutorial.name} (the same cells, the "
            "same expected output) in this TensorFlow suite; the notebook runs "
            "in a Jupyter kernel in the JAX and PyTorch suites"
        )
    if tutorial.stem in NEEDS_CSC321 and not CSC321.is_dir():
        pytest.skip(
            f"{tutorial.name} needs the CSC321 data at {CSC321} (../shared/ is absent)"
        )
    out, cwd = tmp_path / "out", tmp_path / "cwd"
    cwd.mkdir()
    for name, value in {
        "KERAS_EMBEDDINGS_SMOKE": "1",
        "KERAS_EMBEDDINGS_OUT": str(out),
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        # If the install cell ran pip, this requirement would make it fail.
        "KERAS_EMBEDDINGS_INSTALL": str(tmp_path / "no-such-wheel.whl"),
        # The CSC321 folder, by the names tutorials 06-08 read.
        "KERAS_EMBEDDINGS_CSC321": str(CSC321),
        # `%tensorboard` runs the `tensorboard` program of this environment.
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }.items():
        monkeypatch.setenv(name, value)

    notebook = nbformat.read(notebooks.notebook_path(tutorial), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    started = time.perf_counter()
    tensorboard = None
    # Cell by cell in one kernel, so the TensorBoard that `%tensorboard`
    # started (a child of the kernel) is queried before the kernel stops.
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - started
        if tutorial.stem in PROJECTORS:
            tensorboard = _check_live_projector(out / "tensorboard")
    record_property("execution_s", round(seconds, 1))
    print(f"{tutorial.stem}.ipynb executed in {seconds:.1f} s")

    def printed(cell):
        return "".join(
            o.get("text", "") for o in cell.outputs if o.output_type == "stream"
        )

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # The install cell took its no-op path, in this environment.
    import keras_embeddings

    install_output = printed(code[0])
    assert "Installing" not in install_output
    assert install_output == (
        f"keras_embeddings {VERSION} from {keras_embeddings.__file__}\n"
    )

    text = "".join(printed(cell) for cell in code)
    for expected in EXPECTED_OUTPUT.get(f"{tutorial.stem}.py", []):
        assert expected in text, f"{tutorial.stem}.ipynb did not print {expected!r}"
    for name in EXPECTED_FILES.get(f"{tutorial.stem}.py", []):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert not list(cwd.iterdir()), (
        f"wrote outside KERAS_EMBEDDINGS_OUT: {list(cwd.iterdir())}"
    )
    if tutorial.stem == "08_neural_language_model":
        # hw's gradient check: every weight's autodiff gradient agrees.
        checks = re.findall(r"max relative error .*  (OK|FAILED)$", text, re.M)
        assert checks == ["OK"] * 5, checks

    if tutorial.stem in PROJECTORS:
        # The magic's --logdir is the folder the tutorial wrote its projector to.
        assert tensorboard.logdir == str(out / "tensorboard")
        (magic,) = [c for c in code if c.source.startswith("%load_ext tensorboard")]
        html = "".join(o.get("data", {}).get("text/html", "") for o in magic.outputs)
        assert f"const port = {tensorboard.port};" in html


_NOT_SOURCE = (".git", ".venv", ".ci-venv", "build", "dist", "runs", "*.egg-info")
_NOT_SOURCE += ("__pycache__", ".pytest_cache", ".ruff_cache")


@pytest.mark.slow
def test_install_cell_installs_a_wheel_of_this_checkout(tmp_path):
    # Build from a copy of the checkout, so the build leaves nothing behind in
    # the working tree: git's tracked and untracked files, or the folder
    # without build outputs where git is not at hand.
    source = tmp_path / "source"
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
    else:
        for name in listed:
            if (ROOT / name).is_file():
                (source / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(source),
        ],
        capture_output=True,
        check=True,
    )
    (wheel,) = dist.glob("keras_embeddings-*.whl")
    assert wheel.name.startswith(f"keras_embeddings-{VERSION}-")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {
        **os.environ,
        "KERAS_EMBEDDINGS_INSTALL": str(wheel),
        # The dependencies (TensorFlow, ...) would need the network.
        "PIP_NO_DEPS": "1",
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONPATH", None)
    missing = subprocess.run(
        [str(python), "-c", "import keras_embeddings"],
        cwd=cwd,
        env=env,
        capture_output=True,
    )
    assert missing.returncode != 0, "the fresh environment must lack keras_embeddings"

    notebook = _read_notebook(notebooks.NOTEBOOKS_DIR / f"{TUTORIALS[0].stem}.ipynb")
    install = _source([c for c in notebook["cells"] if c["cell_type"] == "code"][0])
    result = subprocess.run(
        [str(python), "-c", install], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == f"Installing {wheel}"
    prefix = f"keras_embeddings {VERSION} from "
    assert lines[-1].startswith(prefix)
    location = Path(lines[-1].removeprefix(prefix))
    assert location.is_relative_to(venv) and location.name == "__init__.py"

    # Installed from the wheel: a second run takes the no-op path.
    again = subprocess.run(
        [str(python), "-c", install], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert again.stdout == f"{prefix}{location}\n"
    version = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m; print(m.version('keras-embeddings'))",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == VERSION
