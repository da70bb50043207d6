"""The course as an HTML book that reads offline: an index page and one page per chapter.

A chapter page is nbconvert's JupyterLab-style export of the executed notebook, with three
changes: its equations are typeset by MathJax 3 (the npm package `mathjax`, copied into the
book's own `mathjax/` folder and loaded by a relative URL, so a page opened from disk needs no
network), nothing else is loaded from a CDN (the lab template's require.js, widget manager and
mermaid loaders are left out; no chapter uses them), and a bar at the top and bottom links the
previous chapter, the index and the next chapter.

The functions here only render text; scripts/run_course.py decides which pages to write and
writes them atomically.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import DictLoader
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
BOOK_TITLE = "Spotlight: a hands-on course on attention"
# What the book copies next to its pages: (file in node_modules, path inside the book).
# NOTE: tex-svg-full.js holds every TeX extension and draws glyphs as SVG paths, so typesetting
# fetches no other MathJax file and no web font, which keeps file:// pages self-sufficient. Only
# the optional accessibility tools of MathJax's right-click menu load more files; the book does
# not ship them.
MATHJAX = ROOT / "node_modules" / "mathjax"
ASSETS = (
    (MATHJAX / "es5" / "tex-svg-full.js", "mathjax/tex-svg-full.js"),
    (MATHJAX / "LICENSE", "mathjax/LICENSE"),
)

NAV_STYLE = """
<style type="text/css">
  nav.book-nav {
    display: grid;
    grid-template-columns: 1fr auto 1fr;
    gap: 1em;
    align-items: baseline;
    max-width: 1200px;
    margin: 0.5em auto;
    padding: 0.6em 1em;
    border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
    font-family: var(--jp-ui-font-family, system-ui, sans-serif);
    font-size: 14px;
  }
  nav.book-nav:last-child {
    border-top: 1px solid var(--jp-border-color2, #e0e0e0);
    border-bottom: none;
  }
  nav.book-nav a { color: var(--jp-brand-color1, #1976d2); text-decoration: none; }
  nav.book-nav a:hover { text-decoration: underline; }
  nav.book-nav .book-nav-next { text-align: right; }
</style>
"""

# MathJax 3 reads the same delimiters as JupyterLab. It skips <pre> and <code>, so a `$` in a
# code cell or a printed output is never taken for TeX.
MATHJAX_CONFIG = """
<script>
  window.MathJax = {
    tex: {
      inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
      displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
      processEscapes: true,
      processEnvironments: true,
    },
    svg: { fontCache: "global" },
  };
</script>
<script defer src="mathjax/tex-svg-full.js"></script>
"""

# Extends nbconvert's lab template (index.html.j2 of the template "lab"); every block named here
# replaces one of that template's blocks.
PAGE_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}"""
    + MATHJAX_CONFIG
    + """{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}"""
    + NAV_STYLE
    + """{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.book_nav }}
{%- endblock body_header -%}
{% block body_footer %}
{{ resources.book_nav }}
{{ super() }}
{% endblock body_footer %}
"""
)
TEMPLATE_NAME = "spotlight-book.html.j2"


@dataclass(frozen=True)
class Chapter:
    """A page of the book: `stem` is the notebook's file name without `.ipynb`."""

    stem: str
    title: str

    @property
    def page(self) -> str:
        return f"{self.stem}.html"


def chapter_title(nb, fallback: str) -> str:
    """The text of the notebook's first level-1 heading, or `fallback` when it has none."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def missing_assets() -> list[Path]:
    """The files the book copies that are not installed (npm ci puts them in node_modules)."""
    return [source for source, _ in ASSETS if not source.is_file()]


def _link(chapter: Chapter, rel: str, text: str) -> str:
    href = html.escape(quote(chapter.page))
    return f'<a class="book-nav-{rel}" rel="{rel}" href="{href}">{html.escape(text)}</a>'


def navigation(previous: Chapter | None, following: Chapter | None) -> str:
    """The bar that links the previous chapter, the index and the next chapter; at either end
    of the book an empty cell keeps the index link in the middle."""
    before = _link(previous, "prev", f"\u2190 {previous.title}") if previous else "<span></span>"
    after = _link(following, "next", f"{following.title} \u2192") if following else "<span></span>"
    index = '<a class="book-nav-index" rel="index" href="index.html">All chapters</a>'
    return f'<nav class="book-nav" aria-label="Chapters">\n{before}\n{index}\n{after}\n</nav>'


class BookExporter:
    """Renders chapter pages; one instance reuses nbconvert's template environment."""

    def __init__(self):
        self.exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[DictLoader({TEMPLATE_NAME: PAGE_TEMPLATE})],
            template_file=TEMPLATE_NAME,
        )

    def chapter_page(
        self, nb, chapter: Chapter, previous: Chapter | None, following: Chapter | None
    ) -> str:
        resources = {
            "metadata": {"name": chapter.title},
            "book_nav": navigation(previous, following),
        }
        body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        return body


def index_page(chapters: list[Chapter]) -> str:
    """The book's first page: its title and a list of links to every chapter, in order."""
    items = "\n".join(
        f'    <li><a href="{html.escape(quote(c.page))}">{html.escape(c.title)}</a></li>'
        for c in chapters
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>{html.escape(BOOK_TITLE)}</title>
  <style>
    body {{ max-width: 46em; margin: 3em auto; padding: 0 1em; line-height: 1.5;
      font-family: system-ui, sans-serif; color: #212121; }}
    a {{ color: #1976d2; text-decoration: none; }}
    a:hover {{ text-decoration: underline; }}
    li {{ margin: 0.4em 0; }}
  </style>
</head>
<body>
  <h1>{html.escape(BOOK_TITLE)}</h1>
  <p>The chapters, executed with the TypeScript kernel:</p>
  <ul>
{items}
  </ul>
  <p><small>These pages read offline. Equations are typeset by MathJax
  (Apache License 2.0, in <code>mathjax/</code>).</small></p>
</body>
</html>
"""
