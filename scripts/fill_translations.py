"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr} (plurals: {msgid: [forms]}).

An entry with a context (pgettext, {% translate ... context ... %}) is keyed "context\u0004msgid", as gettext
keys it; a plain msgid never fills a contextual entry. Run after `homeward makemessages`; then
`homeward compilemessages`. Entries already translated are kept; fuzzy entries (msgmerge's guesses, often the
translation of the same words in another context) count as empty: filling one drops its fuzzy mark.
"""

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(
    r'(?P<head>(?:#[^\n]*\n)*)'
    r'(?:msgctxt (?P<ctx>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n)?'
    r'msgid (?P<id>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n'
    r'(?:msgid_plural (?P<plural>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n)?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? "(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*\n?)+)'
)


def unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.split("\n") if line)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _unfuzzed(line: str) -> str:
    """A comment line of a filled entry: no fuzzy flag, no previous msgid (`#|`)."""
    if line.startswith("#|"):
        return ""
    if line.startswith("#,"):
        flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
        return f"#, {', '.join(flags)}\n" if flags else ""
    return line


def fill(po: Path, translations: dict) -> int:
    text = po.read_text(encoding="utf-8")
    filled = 0

    def replace(match):
        nonlocal filled
        msgid = unquote(match["id"])
        key = f"{unquote(match['ctx'])}\x04{msgid}" if match["ctx"] else msgid
        wanted = translations.get(key)
        strs = match["strs"]
        fuzzy = re.search(r"^#,.*\bfuzzy\b", match["head"], re.M)
        if not msgid or wanted is None or (re.search(r'msgstr(?:\[0\])? "(?:[^"\\]|\\.)+"', strs) and not fuzzy):
            return match.group(0)
        filled += 1
        head = "".join(_unfuzzed(line) for line in match["head"].splitlines(keepends=True))
        out = head + (f"msgctxt {match['ctx']}\n" if match["ctx"] else "") + f"msgid {match['id']}\n"
        if match["plural"]:
            out += f"msgid_plural {match['plural']}\n"
            forms = wanted if isinstance(wanted, list) else [wanted]
            out += "".join(f"msgstr[{i}] {quote(form)}\n" for i, form in enumerate(forms))
        else:
            out += f"msgstr {quote(wanted)}\n"
        return out

    po.write_text(ENTRY.sub(replace, text), encoding="utf-8")
    return filled


if __name__ == "__main__":
    po_file, dictionary = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    print(f"{fill(po_file, dictionary)} entries filled in {po_file}")
