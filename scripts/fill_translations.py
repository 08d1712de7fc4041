"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr} (plurals: {msgid: [forms]}).

Run after `homeward makemessages`; then `homeward compilemessages`. Entries already translated are kept.
"""

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(
    r'(?P<head>(?:#[^\n]*\n)*)msgid (?P<id>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n'
    r'(?:msgid_plural (?P<plural>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n)?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? "(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*\n?)+)'
)


def unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.split("\n") if line)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po: Path, translations: dict) -> int:
    text = po.read_text(encoding="utf-8")
    filled = 0

    def replace(match):
        nonlocal filled
        msgid = unquote(match["id"])
        wanted = translations.get(msgid)
        strs = match["strs"]
        if not msgid or wanted is None or re.search(r'msgstr(?:\[0\])? "(?:[^"\\]|\\.)+"', strs):
            return match.group(0)
        filled += 1
        head = match["head"].replace("#, fuzzy\n", "")
        out = f"{head}msgid {match['id']}\n"
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
