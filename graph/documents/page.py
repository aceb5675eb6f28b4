"""Documents written twice from one outline: Markdown and self-contained HTML.

A ``Doc`` is a list of blocks (headings, paragraphs, lists, tables, quotes, pictures);
``markdown()`` and ``html()`` render it. Every piece of text is escaped for its format:
names and quotes come from complaints. Pictures are SVG: linked from Markdown (a file
beside it) and inlined in HTML (so one file holds everything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "color:#1d2433}table{border-collapse:collapse;width:100%}th,td{border:1px solid #d9e2ec;"
    "padding:.25rem .4rem;text-align:left;vertical-align:top}blockquote{margin:.4rem 0;"
    "padding:.3rem .6rem;background:#f0f4f8;border-left:3px solid #829ab1}"
    ".small{color:#52606d;font-size:.85rem}code{word-break:break-all}"
    "figure{margin:1rem 0}figure svg{max-width:100%;height:auto}"
    "@page{size:A4;margin:1.5cm}td{overflow-wrap:anywhere}"
)


def _md(text: object) -> str:
    """Text safe in Markdown: no markup, no raw HTML."""
    s = str(text)
    for ch in "\\`*_{}[]<>#|":
        s = s.replace(ch, "\\" + ch)
    return s.replace("\n", " ")


@dataclass
class Doc:
    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)  # (kind, value)

    def h(self, level: int, text: str) -> Doc:
        self.blocks.append((f"h{level}", text))
        return self

    def p(self, text: str, small: bool = False) -> Doc:
        self.blocks.append(("small" if small else "p", text))
        return self

    def ul(self, items: Sequence[str]) -> Doc:
        self.blocks.append(("ul", list(items)))
        return self

    def quote(self, text: str) -> Doc:
        self.blocks.append(("quote", text))
        return self

    def table(self, head: Sequence[str], rows: Sequence[Sequence[object]]) -> Doc:
        self.blocks.append(("table", (list(head), [list(r) for r in rows])))
        return self

    def picture(self, name: str, svg: str, alt: str) -> Doc:
        self.blocks.append(("svg", (name, svg, alt)))
        return self

    def markdown(self) -> str:
        out = [f"# {_md(self.title)}", ""]
        for kind, value in self.blocks:
            if kind.startswith("h"):
                out += [f"{'#' * int(kind[1])} {_md(value)}", ""]
            elif kind in ("p", "small"):
                out += [_md(value), ""]
            elif kind == "ul":
                out += [f"- {_md(v)}" for v in value] + [""]
            elif kind == "quote":
                out += [f"> {_md(value)}", ""]
            elif kind == "table":
                head, rows = value
                out.append("| " + " | ".join(_md(h) for h in head) + " |")
                out.append("|" + "---|" * len(head))
                out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
                out.append("")
            elif kind == "svg":
                name, _, alt = value
                out += [f"![{_md(alt)}]({name})", ""]
        return "\n".join(out)

    def html(self, lang: str = "es") -> str:
        body = [f"<h1>{escape(self.title)}</h1>"]
        for kind, value in self.blocks:
            if kind.startswith("h"):
                body.append(f"<{kind}>{escape(str(value))}</{kind}>")
            elif kind == "p":
                body.append(f"<p>{escape(str(value))}</p>")
            elif kind == "small":
                body.append(f'<p class="small">{escape(str(value))}</p>')
            elif kind == "ul":
                items = "".join(f"<li>{escape(str(v))}</li>" for v in value)
                body.append(f"<ul>{items}</ul>")
            elif kind == "quote":
                body.append(f"<blockquote>{escape(str(value))}</blockquote>")
            elif kind == "table":
                head, rows = value
                th = "".join(f"<th>{escape(str(h))}</th>" for h in head)
                trs = "".join(
                    "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>"
                    for r in rows
                )
                body.append(f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>")
            elif kind == "svg":
                _, svg, alt = value
                body.append(f'<figure role="img" aria-label="{escape(str(alt))}">{svg}</figure>')
        return (
            f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(self.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body)
            + "\n</body>\n</html>\n"
        )

    def pictures(self) -> dict[str, str]:
        """File name → SVG of the pictures (what the Markdown links to)."""
        return {v[0]: v[1] for k, v in self.blocks if k == "svg"}
