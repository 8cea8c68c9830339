"""What a rule is, the bundle's file names, and the report that prints rules."""

from __future__ import annotations

from dataclasses import dataclass

VIDEO = "video.mp4"
SRT = "captions.srt"
VTT = "captions.vtt"
METADATA = "metadata.json"
BUNDLE_RECORD = "bundle.json"
THUMBNAILS = ("thumbnail.jpg", "thumbnail.png")


@dataclass(frozen=True)
class Rule:
    name: str
    ok: bool
    measured: str
    expected: str


def add(rules: list[Rule], name: str, ok: bool, measured: str, expected: str) -> None:
    rules.append(Rule(name, bool(ok), measured, expected))


def mbps(bits_per_second: float) -> str:
    return f"{bits_per_second / 1e6:.2f} Mbps"


def fps(rate: float) -> str:
    return f"{rate:.3f}".rstrip("0").rstrip(".")


def failures(rules: list[Rule]) -> list[Rule]:
    return [r for r in rules if not r.ok]


def print_report(rules: list[Rule], console) -> None:
    """One line per rule: PASS/FAIL, the rule, what was measured, and (on failure) what is wanted."""
    from rich.markup import escape

    width = max((len(r.name) for r in rules), default=0)
    for r in rules:
        mark = "[green]PASS[/green]" if r.ok else "[bold red]FAIL[/bold red]"
        want = "" if r.ok else f"  [dim](want {escape(r.expected)})[/dim]"
        console.print(f"{mark} {escape(r.name.ljust(width))}  {escape(r.measured)}{want}",
                      soft_wrap=True, highlight=False)
    bad = failures(rules)
    summary = f"{len(rules) - len(bad)} of {len(rules)} rules pass"
    console.print(f"[bold red]{summary}[/]" if bad else f"[green]{summary}[/]", highlight=False)
