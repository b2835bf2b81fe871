"""Write the Colab notebooks `tutorials/ipynb/NN_name.ipynb` from `tutorials/*.py`.

The scripts stay the single source; the notebooks are generated, committed,
and checked to be in sync by `tests/test_notebooks.py`. Run from anywhere:

    python tools/notebooks.py          # rewrite what is out of date
    python tools/notebooks.py --check  # list what is out of date, exit 1 if any

Besides the notebooks, the run keeps the "Open in Colab" links in step with
the project URL, written once as `[metadata] url` in `setup.cfg`: the
`Colab:` line of every tutorial's header docstring and every Colab link in
README.md. Changing the URL and running this script updates all of them.

Format: the keras-io "tutobook" convention, with two rules from jupytext's
percent format. jupytext's percent reader alone does not fit these files:
it reads a bare triple-quoted string as code (its markdown cells are
`# %% [markdown]` blocks of `#` comments), so every paragraph of prose would
become a code cell that prints nothing. The tutorials are written as keras-io
writes its examples, and keras-io's tutobook turns each top-level string into
a markdown cell; that is the rule here, with the strings found by Python's
`ast` (a `\"\"\"` that closes a string assigned in code is never taken for
prose). From the percent format: a `# %%` line starts a new code cell, and a
comment line holding an IPython line magic, `# %load_ext tensorboard`, is the
escaped form of that magic: the notebook gets `%load_ext tensorboard`. As a
script, such a line is a comment and does nothing, which is how a tutorial
ends with the notebook way of opening TensorBoard and still runs with
`python tutorials/NN_name.py`.

Each notebook holds, in order: the header as a keras-io title cell with an
"Open in Colab" badge, an install cell (below), then the script's cells.
Outputs are empty and cell ids numbered, so the same script always gives the
same bytes. Metadata: Colab's `name` and `provenance`, the python3
kernelspec, and `"accelerator": "GPU"` when the header's `Accelerator:`
mentions a GPU (Colab then offers a GPU runtime).

The install cell is a no-op where `import keras_embeddings` works; elsewhere
(a fresh Colab runtime) it runs `pip install "<name> @ git+<url>"` with the
name and URL of `setup.cfg`, or the requirement in the
`KERAS_EMBEDDINGS_INSTALL` environment variable when it is set (a local
wheel, a fork, a tag).
"""

import argparse
import ast
import configparser
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUP_CFG = ROOT / "setup.cfg"
README = ROOT / "README.md"
TUTORIALS_DIR = ROOT / "tutorials"
NOTEBOOKS_DIR = TUTORIALS_DIR / "ipynb"
BRANCH = "main"
INSTALL_VARIABLE = "KERAS_EMBEDDINGS_INSTALL"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"

_CELL_MARKER = re.compile(r"^# %%(\s.*)?$")  # jupytext's percent-format cell marker
_ESCAPED_MAGIC = re.compile(r"^# (%[A-Za-z]\w*(\s.*)?)$")  # `# %load_ext x`
_COLAB_LINK = re.compile(
    r"https://colab\.research\.google\.com/github/[^\s)\"'<>]*?"
    r"/tutorials/ipynb/(?P<name>[\w.-]+)\.ipynb"
)

_INSTALL_CELL = """\
# Installs keras_embeddings where it is missing (a fresh Colab runtime, for
# example) and does nothing where it is installed. The environment variable
# {variable}, when set, replaces the pip requirement
# (a local wheel, a fork, a tag).
import importlib
import os
import subprocess
import sys

try:
    import keras_embeddings
except ImportError:
    requirement = os.environ.get(
        "{variable}",
        "{requirement}",
    )
    print("Installing", requirement)
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", requirement])
    importlib.invalidate_caches()
    import keras_embeddings
print(
    "keras_embeddings", keras_embeddings.__version__, "from", keras_embeddings.__file__
)"""


def project_metadata(setup_cfg=None):
    """Return `(name, url)` from the `[metadata]` section of `setup.cfg`."""
    setup_cfg = setup_cfg or SETUP_CFG
    config = configparser.ConfigParser(interpolation=None)
    config.read(setup_cfg, encoding="utf-8")
    name = config.get("metadata", "name", fallback="")
    url = config.get("metadata", "url", fallback="").strip().rstrip("/")
    if not name or not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(
            f"`{setup_cfg}` must give `[metadata] name` and a GitHub `url` "
            f"(https://github.com/OWNER/REPO). Received: name={name!r}, url={url!r}"
        )
    return name, url.removesuffix(".git")


def install_requirement(name, url):
    """The pip requirement of the install cell: `name @ git+url`."""
    return f"{name} @ git+{url}"


def colab_url(url, notebook):
    """Colab's address of `tutorials/ipynb/<notebook>.ipynb` in the repository."""
    repository = url.removeprefix("https://github.com/")
    return (
        f"https://colab.research.google.com/github/{repository}/blob/{BRANCH}"
        f"/tutorials/ipynb/{notebook}.ipynb"
    )


def tutorials():
    """Every tutorial script, in order: `tutorials/*.py`."""
    return sorted(TUTORIALS_DIR.glob("*.py"))


def notebook_path(tutorial):
    return NOTEBOOKS_DIR / f"{Path(tutorial).stem}.ipynb"


def _string_text(lines, node):
    """The raw text between the quotes of a top-level string statement."""
    segment = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    if not (segment.startswith('"""') and segment.endswith('"""')):
        raise ValueError(
            f"Line {node.lineno}: prose must be a plain triple-quoted string "
            f'("""...""" on lines of its own). Received: {segment[:40]!r}'
        )
    return segment[3:-3].strip("\n")


def _code_cells(lines):
    """Code cells of the lines between two prose strings, split at `# %%`."""
    cells, current = [], []
    for line in [*lines, "# %%"]:
        if _CELL_MARKER.match(line):
            while current and not current[0].strip():
                current.pop(0)
            while current and not current[-1].strip():
                current.pop()
            if current:
                cells.append(("code", "\n".join(current)))
            current = []
        else:
            current.append(_ESCAPED_MAGIC.sub(r"\1", line))
    return cells


def parse_tutorial(source):
    """Split a tutorial into its header fields and `(kind, text)` cells.

    The header docstring's `Key: value` lines give the fields; every other
    top-level string is a markdown cell; the code around them is split into
    code cells at `# %%` lines, with escaped magics (`# %magic`) restored.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    strings = [
        node
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    if not strings or strings[0].lineno != 1:
        raise ValueError("A tutorial must open with its keras-io header docstring.")
    header = {}
    for line in _string_text(lines, strings[0]).splitlines():
        key, separator, value = line.partition(": ")
        if not separator:
            raise ValueError(f"Header lines read `Key: value`. Received: {line!r}")
        header[key] = value
    if "Title" not in header:
        raise ValueError(f"The header needs a `Title:` line. Received: {header}")

    cells, position = [], strings[0].end_lineno
    for node in strings[1:]:
        cells += _code_cells(lines[position : node.lineno - 1])
        cells.append(("markdown", _string_text(lines, node)))
        position = node.end_lineno
    cells += _code_cells(lines[position:])
    return header, cells


def _title_cell(header, link):
    fields = [
        f"**{key}:** {value}"
        for key, value in header.items()
        if key not in ("Title", "Colab")
    ]
    return (
        f"# {header['Title']}\n\n"
        + "<br>\n".join(fields)
        + f"\n\n[![Open In Colab]({COLAB_BADGE})]({link})"
    )


def _cell(index, kind, text):
    cell = {
        "cell_type": kind,
        "id": f"cell-{index:02d}",
        "metadata": {},
        "source": text.splitlines(keepends=True),
    }
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def render_notebook(tutorial, metadata=None):
    """The notebook of one tutorial, as the exact text written to disk."""
    tutorial = Path(tutorial)
    name, url = metadata or project_metadata()
    header, cells = parse_tutorial(tutorial.read_text(encoding="utf-8"))
    install = _INSTALL_CELL.format(
        variable=INSTALL_VARIABLE, requirement=install_requirement(name, url)
    )
    cells = [
        ("markdown", _title_cell(header, colab_url(url, tutorial.stem))),
        ("code", install),
        *cells,
    ]
    notebook_metadata = {
        "colab": {"name": f"{tutorial.stem}.ipynb", "provenance": []},
        "kernelspec": {
            "display_name": "Python 3",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    if "GPU" in header.get("Accelerator", "").upper():
        notebook_metadata["accelerator"] = "GPU"
    notebook = {
        "cells": [_cell(i, kind, text) for i, (kind, text) in enumerate(cells)],
        "metadata": notebook_metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def with_colab_header(source, link):
    """`source` with its header's `Colab:` line set to `link` (added if absent)."""
    match = re.match(r'"""\n(.*?)\n"""\n', source, re.DOTALL)
    if not match:
        raise ValueError("A tutorial must open with its keras-io header docstring.")
    lines = [
        line for line in match.group(1).splitlines() if not line.startswith("Colab: ")
    ]
    header = "\n".join([*lines, f"Colab: {link}"])
    return f'"""\n{header}\n"""\n' + source[match.end() :]


def with_readme_links(readme, url):
    """`readme` with every Colab link to `tutorials/ipynb/` built from `url`."""
    return _COLAB_LINK.sub(lambda m: colab_url(url, m.group("name")), readme)


def expected_files(metadata=None):
    """`{path: text}` of every generated file and link-holding file."""
    metadata = metadata or project_metadata()
    files = {}
    for tutorial in tutorials():
        source = tutorial.read_text(encoding="utf-8")
        files[tutorial] = with_colab_header(
            source, colab_url(metadata[1], tutorial.stem)
        )
    for tutorial in tutorials():
        # The notebook does not depend on the header's `Colab:` line.
        files[notebook_path(tutorial)] = render_notebook(tutorial, metadata)
    files[README] = with_readme_links(README.read_text(encoding="utf-8"), metadata[1])
    return files


def out_of_date(metadata=None):
    """Paths whose text differs from what this script writes, and orphans."""
    stale = [
        path
        for path, text in expected_files(metadata).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    expected = {notebook_path(t) for t in tutorials()}
    orphans = sorted(set(NOTEBOOKS_DIR.glob("*.ipynb")) - expected)
    return stale, orphans


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the out-of-date files and exit 1 if any",
    )
    args = parser.parse_args(argv)
    metadata = project_metadata()
    if args.check:
        stale, orphans = out_of_date(metadata)
        for path in stale:
            print("out of date:", path.relative_to(ROOT))
        for path in orphans:
            print("no tutorial:", path.relative_to(ROOT))
        return 1 if stale or orphans else 0

    NOTEBOOKS_DIR.mkdir(exist_ok=True)
    for path, text in expected_files(metadata).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print("wrote", path.relative_to(ROOT))
    for path in out_of_date(metadata)[1]:
        path.unlink()
        print("removed", path.relative_to(ROOT), "(no tutorial)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
