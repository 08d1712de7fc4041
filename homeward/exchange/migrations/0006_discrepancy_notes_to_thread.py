"""Each discrepancy's old single note becomes entries of its thread.

The note was the officers' working note, replaced by each officer's note, with the partner's answers
appended as lines starting "[YYYY-MM-DD CODE] " (CODE the partner's): what stood before the first such
line is one internal entry; each such line, with the lines after it up to the next, is one of the
partner's answers, readable by its liaison, dated the day of its stamp. The reverse writes the note back
in that form (the last of our entries, then the partner's answers).
"""

import re
from datetime import datetime, timezone

from django.db import migrations


def _stamp(code: str) -> re.Pattern:
    return re.compile(rf"^\[(\d{{4}}-\d{{2}}-\d{{2}}) {re.escape(code)}\] ", re.MULTILINE)


def split_note(note: str, code: str) -> tuple[str, list[tuple[str, str]]]:
    """(the officers' part, [(stamp date, answer)]) as `selectors.partner_answers` read the note."""
    found = list(_stamp(code).finditer(note))
    if not found:
        return note.strip(), []
    answers = []
    for match, following in zip(found, found[1:] + [None]):
        text = note[match.end():following.start() if following else len(note)].strip()
        if text:
            answers.append((match.group(1), text))
    return note[:found[0].start()].strip(), answers


def _day(text: str, low: datetime, high: datetime) -> datetime:
    try:
        at = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    except ValueError:
        return high
    return min(max(at, low), high)


def notes_to_thread(apps, schema_editor):
    Discrepancy = apps.get_model("exchange", "Discrepancy")
    Entry = apps.get_model("exchange", "DiscrepancyEntry")
    entries = []
    # (One that has a thread already was moved before: this ran, was reversed and runs again.)
    pending = Discrepancy.objects.exclude(note="").exclude(pk__in=Entry.objects.values("discrepancy_id"))
    for item in pending.select_related("partner").order_by("pk").iterator(chunk_size=2000):
        ours, answers = split_note(item.note, item.partner.code)
        high = max(item.updated_at, item.opened_at)
        if ours:
            # Before the answers it came first; alone it is the last change's.
            entries.append(Entry(discrepancy=item, at=item.opened_at if answers else high, text=ours,
                                 for_partner=False))
        for day, text in answers:
            entries.append(Entry(discrepancy=item, at=_day(day, item.opened_at, high), text=text, for_partner=True,
                                 partner_id=item.partner_id, role="host_liaison"))
        if len(entries) >= 2000:
            Entry.objects.bulk_create(entries)
            entries = []
    Entry.objects.bulk_create(entries)


def thread_to_notes(apps, schema_editor):
    """The last of our entries (each replaced the note before), then every answer of the partner."""
    Discrepancy = apps.get_model("exchange", "Discrepancy")
    Entry = apps.get_model("exchange", "DiscrepancyEntry")
    ours: dict[int, str] = {}
    answers: dict[int, list[str]] = {}
    for entry in Entry.objects.select_related("discrepancy__partner").order_by("discrepancy_id", "at", "id"):
        if entry.partner_id:
            answers.setdefault(entry.discrepancy_id, []).append(
                f"[{entry.at:%Y-%m-%d} {entry.discrepancy.partner.code}] {entry.text}")
        else:
            ours[entry.discrepancy_id] = entry.text
    for pk in ours.keys() | answers.keys():
        lines = ([ours[pk]] if pk in ours else []) + answers.get(pk, [])
        Discrepancy.objects.filter(pk=pk).update(note="\n".join(lines))


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0005_discrepancy_thread'),
    ]

    operations = [
        migrations.RunPython(notes_to_thread, thread_to_notes),
    ]
