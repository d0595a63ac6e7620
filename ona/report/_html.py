"""Pieces every static report page (index, ratings, compare, method) shares so that it meets WCAG 2.1
AA: cell text in the colour that contrasts most with its background (1.4.3), wide tables that scroll
inside their own box (1.4.10), tables whose every header cell has a scope and whose table has a
caption (1.3.1), and the numbers of a chart or heatmap as text anyone can reach without a mouse
(1.1.1, 2.1.1)."""

from __future__ import annotations

import html

from ._words import fixed

__all__ = ["relative_luminance", "contrast_ratio", "text_colour_on", "scroll_box", "table", "details_table",
           "change_text"]

#: The two text colours a coloured cell can have: black on light backgrounds, white on dark ones.
#: Black rather than the body's #222 because only the pair (#000, #fff) guarantees 4.5:1 on every
#: background: the worse of the two is never below 4.58:1.
DARK_TEXT, LIGHT_TEXT = "#000000", "#ffffff"


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _rgb(colour: str) -> tuple[int, int, int]:
    """"#rrggbb", "#rgb" or "rgb(r,g,b)" as three 0-255 integers."""
    colour = colour.strip().lower()
    if colour.startswith("rgb("):
        r, g, b = (int(float(part)) for part in colour[4:-1].split(","))
        return r, g, b
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour, as WCAG 2.1 defines it (Understanding SC 1.4.3,
    "relative luminance"): each channel linearised (c/12.92 up to 0.04045, else ((c+0.055)/1.055)^2.4),
    then 0.2126 R + 0.7152 G + 0.0722 B."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter colour's relative luminance (WCAG 2.1, "contrast ratio")."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour_on(background: str) -> str:
    """The text colour of a cell with this background: whichever of black and white has the larger
    contrast ratio with it (black on a tie), so every cell's number has at least 4.58:1."""
    dark, light = contrast_ratio(DARK_TEXT, background), contrast_ratio(LIGHT_TEXT, background)
    return LIGHT_TEXT if light > dark else DARK_TEXT


def scroll_box(inner: str, label: str) -> str:
    """``inner`` (a wide table) in a box that scrolls sideways by itself, so the page does not
    (WCAG 1.4.10); the box is a named region a keyboard can reach and scroll (tabindex 0)."""
    return f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(label)}">{inner}</div>'


def table(caption: str, head: list[str], rows: list[str], *, css_class: str = "", scroll: bool = True,
          caption_visible: bool = False) -> str:
    """A data table: ``caption`` (visually hidden unless ``caption_visible``: the heading above the
    table already says it on screen), header cells ``head`` (HTML, already escaped) each with
    scope="col", and body ``rows`` (whole ``<tr>`` elements). In a :func:`scroll_box` unless
    ``scroll`` is false."""
    cls = f' class="{css_class}"' if css_class else ""
    hidden = "" if caption_visible else ' class="vh"'
    heads = "".join(f'<th scope="col">{cell}</th>' for cell in head)
    body = (f"<table{cls}><caption{hidden}>{_e(caption)}</caption><thead><tr>{heads}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    return scroll_box(body, caption) if scroll else body


def details_table(summary: str, caption: str, head: list[str], rows: list[str]) -> str:
    """The numbers behind a heatmap or chart as a table, folded under ``summary`` (a native
    ``<details>``: opens with Enter or Space, no script)."""
    return f"<details><summary>{_e(summary)}</summary>{table(caption, head, rows)}</details>"


def change_text(value: float, digits: int, suffix: str = "") -> str:
    """A change or gap with its sign, to ``digits`` decimals (rounded half up: :func:`~ona.report._words.fixed`)
    and with thousands separators: "+0.3", "-1.2", "+1,204", and "0.0" (or "0") with no sign when it
    rounds to zero, so no cell reads "-0.0" or "+0.0"."""
    return fixed(value, digits, sign=True, thousands=True) + suffix
