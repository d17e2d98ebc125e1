"""Sphinx extension for the course site (loaded from _config.yml: sphinx.local_extensions).

It does six things, each small:

1. **Offline JavaScript.** MathJax 3, require.js and the ipywidgets embed manager
   are installed by `npm ci` from the pinned package.json into node_modules/. At
   build time the files the site needs are copied into `_build/.site-assets/offline/`
   (next to the build's html/ folder),
   which Sphinx publishes as `_static/offline/` (not the book's own `_static/`,
   whose every .js/.css Jupyter Book would inject into every page). `mathjax_path`
   and myst-nb's `nb_ipywidgets_js` then point there, with `book/_ext/static/
   nnbook-widgets.js` in between (it tells require.js where the embed manager's
   fonts live and gives MathJax 3 the MathJax 2 `Hub.Queue` that ipywidgets 8 calls).
   After the build, every page is checked: a script, stylesheet, image or font
   loaded from another host is a warning (an error under -W).

2. **The `nnlib-chapter` directive**: `{nnlib-chapter} notebooks/01_single_neuron.md`
   renders what one chapter adds to nnlib (module, public names, signatures,
   docstrings) straight from the chapter's `#@save` cells, read with
   tools/export.py's `marked_cells()`, so the page cannot go stale. The
   `nnlib-module` directive, `{nnlib-module} nnlib/mnist.py`, does the same for a
   hand-written module: its docstring, the names in its `__all__`, and its code.

3. **The playground**: an admonition with the class `nn-playground-clusters` (chapter 7) or
   `nn-playground-neuron` (chapter 1), which JupyterLab shows as a box saying where the
   playground is, becomes a live playground on the site (so does a `{playground} PRESET`
   directive, which JupyterLab cannot render): book/_ext/playground/ holds the network's
   JavaScript twin (nn.js), the page around it (playground.js) and its styles, staged into
   `_static/playground/` and linked only from the pages that have a playground.

4. **Stored outputs.** `NNBOOK_EXECUTE=off` builds from the outputs stored in the
   .ipynb files (which nbval checks) instead of executing every chapter again;
   `make test` uses it for the browser test. `make book` always executes.

5. **Alt text.** A code cell's `alt` option (`:alt: one sentence` in the chapter's .md, cell
   metadata "alt" in the .ipynb) becomes the alt attribute of every image that cell outputs
   (tests/test_figures.py checks that every figure has one). Images inside HTML outputs (the
   precomputed explorers) keep their own alt, which `static_explorer(alt=...)` writes.

6. **The PDF.** Every page's header has a button that downloads the whole book as one PDF,
   `nn-from-scratch.pdf` at the site's root, which tools/pdf.py prints from the built site
   (`make pdf`, run by `make book`).
"""
from __future__ import annotations

import ast
import functools
import html
import importlib.util
import os
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes as docutils_nodes

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
OWN_STATIC = Path(__file__).resolve().parent / "static"
PLAYGROUND = Path(__file__).resolve().parent / "playground"  # published as _static/playground/
PLAYGROUND_FILES = {"js": ["playground/nn.js", "playground/playground.js"], "css": ["playground/playground.css"]}
ASSETS = ROOT / "_build" / ".site-assets"  # default staging folder, published as the site's _static/

# What the site serves from each npm package (paths relative to the package).
VENDOR = {
    "mathjax": (
        "mathjax/es5",
        [
            "tex-chtml.js",
            "input/tex/extensions/**/*.js",  # loaded on demand by \require and autoload
            "output/chtml/fonts/woff-v2/*.woff",
            "ui/*.js",
            "a11y/*.js",
            "adaptors/*.js",
        ],
    ),
    "requirejs": ("requirejs", ["require.js"]),
    "html-manager": (
        "@jupyter-widgets/html-manager/dist",
        ["embed-amd.js", "*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg"],
    ),
}
MATHJAX_PATH = "offline/mathjax/tex-chtml.js"
WIDGETS_JS = {
    "offline/requirejs/require.js": {},
    "nnbook-widgets.js": {},
    "offline/html-manager/embed-amd.js": {},
}


# ----------------------------------------------------------------------------- 1. offline assets
def stage_assets(root: Path = ROOT, dest: Path = ASSETS) -> Path:
    """Copy the vendored files the site serves into `dest` (cleaned first); return it."""
    missing = [name for name, (pkg, _) in VENDOR.items() if not (root / "node_modules" / pkg).is_dir()]
    if missing:
        raise RuntimeError(
            f"node_modules/ lacks {', '.join(missing)}: run `npm ci` in {root} "
            "(`make book` does) to install the site's pinned JavaScript from package.json"
        )
    if dest.exists():
        shutil.rmtree(dest)
    for name, (pkg, patterns) in VENDOR.items():
        source = root / "node_modules" / pkg
        for pattern in patterns:
            files = [p for p in source.glob(pattern) if p.is_file()]
            if not files:
                raise RuntimeError(f"node_modules/{pkg} has no {pattern}: is package.json's version right?")
            for path in files:
                target = dest / "offline" / name / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    for path in OWN_STATIC.iterdir():
        shutil.copy2(path, dest / path.name)
    shutil.copytree(PLAYGROUND, dest / "playground")
    return dest


def _config_inited(app, config):
    # Next to the build's own output (_build/html -> _build/.site-assets), so two builds never share it.
    dest = stage_assets(dest=Path(app.outdir).parent / ".site-assets")
    config.html_static_path = [*config.html_static_path, str(dest)]
    config.mathjax_path = MATHJAX_PATH
    config.nb_ipywidgets_js = dict(WIDGETS_JS)
    config.html_css_files = [*config.html_css_files, "nnbook.css"]
    mode = os.environ.get("NNBOOK_EXECUTE")
    if mode:
        if mode not in {"off", "force", "auto", "cache"}:
            raise RuntimeError(f"NNBOOK_EXECUTE must be off, force, auto or cache, got {mode!r}")
        config.nb_execution_mode = mode


# Anything a page loads by itself (not a link the reader clicks) must come from the site.
_LOADED = re.compile(r"<(script|img|source|iframe)\b[^>]*?\bsrc=\"([^\"]+)\"|<link\b[^>]*?\bhref=\"([^\"]+)\"[^>]*>", re.I)


def external_loads(html: str) -> list[str]:
    """URLs of scripts, images, frames and stylesheets that a page loads from another host."""
    found = []
    for match in _LOADED.finditer(html):
        url = match.group(2) or match.group(3)
        if match.group(3) and not re.search(r'rel="(stylesheet|preload|icon|modulepreload)"', match.group(0)):
            continue  # a plain <link rel="next"> etc. loads nothing
        if re.match(r"^(https?:)?//", url):
            found.append(url)
    return found


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline <script>s. sphinx-thebe and sphinx-togglebutton add their inline
    configuration once with filename None and once with "" (so Sphinx's own de-duplication misses
    it), and thebe's copy declares `const THEBE_JS_URL` twice: a console error on every page."""
    files = context.get("script_files")
    if not files:
        return
    seen, unique = set(), []
    for js in files:
        key = (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


# Accessible names the themes get wrong (axe-core's audit in tests/browser/test_site.py finds each):
# (pattern, replacement, why). A pattern that no longer matches after a theme update is harmless;
# the audit then shows whether the theme fixed it.
ACCESSIBLE_NAMES = [
    # pydata's search field shows "Search Ctrl+K" but is named "Search": let its text name it.
    (re.compile(r'(<button class="btn search-button-field search-button__button[^"]*"(?: title="Search")?) aria-label="Search"'), r"\1",
     "a visible label must be part of the accessible name"),
    # the colour-mode button is named "Color mode" but its icons carry titles (Light, Dark, ...)
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+") +title="[^"]*"'), r'\1 aria-hidden="true"',
     "a visible label must be part of the accessible name"),
    # the sidebar's expand/collapse toggles are <summary> elements with only an icon in them
    (re.compile(r'(<details(?: open="open")?)><summary><span class="toctree-toggle" role="presentation">'),
     r'\1><summary aria-label="pages in this section"><span class="toctree-toggle" role="presentation">',
     "a summary needs a name"),
    # myst-nb names its show/hide-code toggles "Toggle hidden content", not what they show
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>",
     "a visible label must be part of the accessible name"),
]


def accessible_names(text: str) -> str:
    """A built page with the theme's inaccessible names fixed (ACCESSIBLE_NAMES)."""
    for pattern, replacement, _ in ACCESSIBLE_NAMES:
        text = pattern.sub(replacement, text)
    return text


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    for page in sorted(Path(app.outdir).rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = accessible_names(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        for url in external_loads(fixed):
            logger.warning(f"{page.relative_to(app.outdir)} loads {url} from another host; the site must work offline")


# ----------------------------------------------------------------------------- 2. nnlib pages
@dataclass
class Entry:
    """One public name a chapter adds: a function, a class (with methods) or a constant."""

    kind: str  # "function", "class", "method" or "data"
    name: str
    signature: str = ""
    doc: str = ""
    members: list["Entry"] = field(default_factory=list)


def _signature(node, drop_self: bool = False) -> str:
    args = node.args
    if drop_self and args.args and args.args[0].arg in {"self", "cls"}:
        args = ast.arguments(
            posonlyargs=args.posonlyargs, args=args.args[1:], vararg=args.vararg, kwonlyargs=args.kwonlyargs,
            kw_defaults=args.kw_defaults, kwarg=args.kwarg, defaults=args.defaults,
        )
        # defaults align with the *last* positional arguments, so dropping the first keeps them right
    text = f"({ast.unparse(args)})"
    if node.returns is not None:
        text += f" -> {ast.unparse(node.returns)}"
    return text


def api_of(code: str) -> list[Entry]:
    """The public API one `#@save` cell defines, in the order the cell defines it."""
    entries = []
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            entries.append(Entry("function", node.name, _signature(node), ast.get_docstring(node) or ""))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
            entry = Entry("class", node.name, _signature(init, drop_self=True) if init else "",
                          ast.get_docstring(node) or "")
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    not item.name.startswith("_") or item.name == "__call__"
                ):
                    is_property = any(ast.unparse(d) == "property" for d in item.decorator_list)
                    entry.members.append(
                        Entry("property" if is_property else "method", item.name,
                              "" if is_property else _signature(item, drop_self=True),
                              ast.get_docstring(item) or "")
                    )
            entries.append(entry)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and not target.id.startswith("_"):
                    entries.append(Entry("data", target.id))
    return entries


def public_api(code: str) -> list[Entry]:
    """The API of a whole module: the names in its `__all__` (all public names if it has none)."""
    entries = api_of(code)
    for node in ast.parse(code).body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
                and isinstance(node.value, (ast.List, ast.Tuple))):
            listed = [ast.literal_eval(item) for item in node.value.elts]
            return [e for e in entries if e.name in listed]
    return entries


def handwritten_modules() -> list[str]:
    """The modules of nnlib/ that no chapter writes: tools/export.py's HANDWRITTEN, the one list of them."""
    return sorted(_export_module().HANDWRITTEN)


def chapter_api(chapter: Path) -> list[tuple[str, list[Entry], str]]:
    """(module, entries, code) for every #@save cell of a chapter, merged per module in order."""
    marked_cells = _export_module().marked_cells
    merged: dict[str, tuple[list[Entry], list[str]]] = {}
    for module, code in marked_cells(chapter):
        entries, codes = merged.setdefault(module, ([], []))
        entries.extend(api_of(code))
        codes.append(code)
    return [(module, entries, "\n\n\n".join(codes)) for module, (entries, codes) in merged.items()]


@functools.cache
def _export_module():
    """tools/export.py, loaded from its file (tools/ is a folder of the repository, not a package)."""
    spec = importlib.util.spec_from_file_location("nnlib_export", ROOT / "tools" / "export.py")
    export = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(export)
    return export


def import_line(module: str, names: list[str], width: int = 79, root: bool | None = None) -> str:
    """How a reader imports the names: from the package root for core modules, else from the module."""
    export = _export_module()
    core = (export.MODULES.get(module, False) or bool(export.HANDWRITTEN.get(module))) if root is None else root
    head = "from nnlib import " if core else f"from nnlib.{module} import "
    line = head + ", ".join(names)
    if len(line) <= width:
        return line
    body = textwrap.fill(", ".join(names) + ",", width - 4, initial_indent="    ", subsequent_indent="    ")
    return f"{head}(\n{body}\n)"


_LIST_ITEM = re.compile(r"^(\d+\.|[-*])\s")
_COLUMNS = re.compile(r"^\S+\s{2,}\S")  # "flatten     images as rows of 784 pixels"


def _inline(node, text: str):
    """Add `text` to `node`, with `code` in backticks as literals."""
    from docutils import nodes

    for i, piece in enumerate(re.split(r"`+([^`]+)`+", text)):
        node += nodes.literal(piece, piece) if i % 2 else nodes.Text(piece)
    return node


def _docstring_nodes(doc: str):
    """Docstring text as paragraphs and literal blocks, never parsed as markup (so -W stays quiet).

    Indented blocks and examples are code; a block of aligned columns (an option table)
    stays preformatted; a numbered or bulleted list keeps one line per item.
    """
    from docutils import nodes

    out = []
    for block in re.split(r"\n\s*\n", doc.strip()):
        lines = block.splitlines()
        if not lines or not block.strip():
            continue
        if lines[0].startswith((" ", "\t", ">>>")) or all(line.startswith("    ") for line in lines):
            out.append(nodes.literal_block(block, block, language="python"))
        elif len(lines) > 1 and all(_COLUMNS.match(line) or line.startswith(" ") for line in lines):
            out.append(nodes.literal_block(block, block, language="text"))
        elif len(lines) > 1 and _LIST_ITEM.match(lines[0]):
            items = []
            for line in lines:
                if _LIST_ITEM.match(line) or not items:
                    items.append(line.strip())
                else:
                    items[-1] += " " + line.strip()
            out.append(nodes.line_block("", *(_inline(nodes.line(), item) for item in items)))
        else:
            out.append(_inline(nodes.paragraph(), " ".join(line.strip() for line in lines)))
    return out


def _setup_directive(app):
    from docutils import nodes
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective
    from sphinx import addnodes

    class NnlibChapter(SphinxDirective):
        """Render what one chapter adds to nnlib, from its #@save cells."""

        required_arguments = 1

        def run(self):
            relative = self.arguments[0]
            chapter = ROOT / relative
            self.env.note_dependency(str(chapter))
            if not chapter.exists():
                para = nodes.paragraph(text=f"This chapter ({relative}) has not been written yet.")
                return [para]
            docname = str(Path(relative).with_suffix(""))
            intro = nodes.paragraph()
            intro += nodes.Text("Rendered from the #@save cells of ")
            if docname in self.env.found_docs:
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + docname,
                                            refexplicit=False, refwarn=True)
                ref += nodes.literal(relative, relative)
                intro += ref
            else:
                intro += nodes.literal(relative, relative)
            intro += nodes.Text(" when this site was built, so it always matches the code.")
            result = [intro]
            modules = chapter_api(chapter)
            if not modules:
                result.append(nodes.paragraph(text="This chapter adds nothing to nnlib."))
            for module, entries, code in modules:
                result.append(nodes.rubric(text=f"nnlib/{module}.py"))
                names = [e.name for e in entries]
                if names:
                    line = import_line(module, names)
                    result.append(nodes.literal_block(line, line, language="python"))
                for entry in entries:
                    result.extend(self._describe(entry, module))
                result.append(self._source(module, code))
            return result

        def _describe(self, entry: Entry, module: str, nested: bool = False):
            directive = {"function": "py:function", "class": "py:class", "method": "py:method",
                         "property": "py:property", "data": "py:data"}[entry.kind]
            # MyST syntax: the pages that use this directive are MyST markdown.
            lines = [f"```{{{directive}}} {entry.name}{entry.signature}", ":no-index:"]
            if not nested:
                lines.append(f":module: nnlib.{module}")
            lines.append("```")
            node = nodes.container()
            self.state.nested_parse(StringList(lines, source="nnlib-chapter"), self.content_offset, node)
            desc = node.next_node(addnodes.desc)
            content = desc.next_node(addnodes.desc_content)
            content.extend(_docstring_nodes(entry.doc))
            for member in entry.members:
                content.extend(self._describe(member, module, nested=True))
            return node.children

        def _source(self, module: str, code: str):
            # A collapsed box with the exact code (sphinx-togglebutton hides "dropdown" admonitions).
            box = nodes.admonition(classes=["dropdown"])
            box += nodes.title(text=f"The code this chapter adds to nnlib/{module}.py")
            box += nodes.literal_block(code, code, language="python")
            return box

    class NnlibModule(NnlibChapter):
        """Render a hand-written module of nnlib: its docstring, the names in __all__, its code."""

        def run(self):
            relative = self.arguments[0]
            path = ROOT / relative
            self.env.note_dependency(str(path))
            if not path.is_file():
                raise self.error(f"nnlib-module: there is no file {relative}")
            module = path.stem
            code = path.read_text(encoding="utf-8")
            entries = public_api(code)
            result = [nodes.rubric(text=f"nnlib/{module}.py")]
            result.extend(_docstring_nodes(ast.get_docstring(ast.parse(code)) or ""))
            at_root = set(_export_module().HANDWRITTEN.get(module, []))
            names = [e.name for e in entries]
            lines = [import_line(module, [n for n in names if n in at_root], root=True)] if at_root else []
            rest = [n for n in names if n not in at_root]
            if rest:
                lines.append(import_line(module, rest, root=False))
            text = "\n".join(lines)
            result.append(nodes.literal_block(text, text, language="python"))
            for entry in entries:
                result.extend(self._describe(entry, module))
            box = nodes.admonition(classes=["dropdown"])
            box += nodes.title(text=f"The code of nnlib/{module}.py")
            box += nodes.literal_block(code, code, language="python")
            result.append(box)
            return result

    class CloneCommands(SphinxDirective):
        """`{clone-commands}`: the commands that clone the repository and open the chapters, with the
        address from _config.yml (repository.url), the one place it lives."""

        def run(self):
            self.env.note_dependency(str(ROOT / "_config.yml"))
            url = repository_url()
            text = f"git clone {url}\ncd {url.rsplit('/', 1)[-1]}\nmake lab     # creates .venv on first use, then opens the chapters in JupyterLab"
            return [nodes.literal_block(text, text, language="bash")]

    app.add_directive("nnlib-chapter", NnlibChapter)
    app.add_directive("nnlib-module", NnlibModule)
    app.add_directive("clone-commands", CloneCommands)


def repository_url(root: Path = ROOT) -> str:
    """The repository's address: _config.yml's repository.url (also read by tools/first_cell.py and
    by Jupyter Book for the Colab, Binder and GitHub buttons)."""
    import yaml

    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"].rstrip("/")


# ----------------------------------------------------------------------------- 3. the playground
class playground(docutils_nodes.General, docutils_nodes.Element):
    """Where a playground goes (Sphinx pickles doctrees, so the class lives at module level);
    playground.js builds the playground itself in the reader's browser."""


def _visit_playground(translator, node):
    translator.body.append(
        f'<div class="nn-playground" id="playground" data-preset="{html.escape(node["preset"])}">'
        "<p>A live playground trains a network here, in your browser: it needs JavaScript.</p></div>\n")
    raise docutils_nodes.SkipNode


def _skip(translator, node):
    raise docutils_nodes.SkipNode


def _link_playground_files(app, pagename, templatename, context, doctree):
    """Link the playground's scripts and styles from the pages that have a playground, and only those."""
    if doctree is not None and next(iter(doctree.findall(playground)), None) is not None:
        for path in PLAYGROUND_FILES["js"]:
            app.builder.add_js_file(path, defer="defer")
        for path in PLAYGROUND_FILES["css"]:
            app.builder.add_css_file(path)


def _setup_playground(app):
    from sphinx.util.docutils import SphinxDirective

    class Playground(SphinxDirective):
        """`{playground} PRESET`: a live playground (presets in book/_ext/playground/playground.js)."""

        required_arguments = 1

        def run(self):
            if self.env.temp_data.get("nnbook_playground"):
                raise self.error("one playground per page: its setting lives in the page's address")
            self.env.temp_data["nnbook_playground"] = True
            return [playground(preset=self.arguments[0])]

    app.add_node(playground, html=(_visit_playground, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("playground", Playground)
    app.connect("doctree-read", _admonition_playgrounds)
    app.connect("html-page-context", _link_playground_files)


PLAYGROUND_CLASS = "nn-playground-"  # an admonition with class nn-playground-PRESET becomes a playground


def _admonition_playgrounds(app, doctree):
    """The chapters write a playground as an admonition with the class `nn-playground-PRESET`,
    which JupyterLab (jupyterlab-myst) shows as a box saying where the playground is; on the
    site the box is replaced by the playground itself. (A `{playground}` directive would show
    as an "Unknown Directive" error in JupyterLab.)"""
    from sphinx.util import logging

    found = [(node, c[len(PLAYGROUND_CLASS):]) for node in doctree.findall(docutils_nodes.admonition)
             for c in node["classes"] if c.startswith(PLAYGROUND_CLASS)]
    for i, (node, preset) in enumerate(found):
        if i or next(iter(doctree.findall(playground)), None) is not None:
            logging.getLogger(__name__).warning("one playground per page: its setting lives in the page's address",
                                                location=node)
            node.parent.remove(node)
        else:
            node.replace_self(playground(preset=preset))


# ----------------------------------------------------------------------------- 5. alt text
def cell_alt(metadata) -> str | None:
    """The alt text a code cell gives its figures: its metadata "alt", one sentence."""
    alt = (metadata or {}).get("alt")
    return " ".join(str(alt).split()) if alt else None


def _figure_alt_text(app, doctree):
    """Put each code cell's `alt` on the images it outputs (myst-nb keeps the cell's metadata on
    its container; the images of its outputs, in every mime bundle, are image nodes inside it)."""
    for cell in doctree.findall(docutils_nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        alt = cell_alt(cell.get("cell_metadata"))
        if alt:
            for image in cell.findall(docutils_nodes.image):
                image["alt"] = alt


# ----------------------------------------------------------------------------- 6. the PDF
PDF_NAME = "nn-from-scratch.pdf"  # written into the site's root by tools/pdf.py (`make pdf`)


def _pdf_button(app, pagename, templatename, context, doctree):
    """A header button on every page that downloads the whole book's PDF."""
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    buttons.insert(0, {"type": "link", "url": context["pathto"](PDF_NAME, 1), "icon": "fas fa-book",
                       "tooltip": "Download the whole book (PDF)", "label": "book-pdf-button",
                       "classes": "pst-navbar-icon"})


# ----------------------------------------------------------------------------- set-up
def setup(app):
    app.connect("html-page-context", _pdf_button, priority=502)
    app.connect("config-inited", _config_inited)
    app.connect("doctree-read", _figure_alt_text)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    _setup_playground(app)
    app.connect("build-finished", _build_finished)
    _setup_directive(app)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
