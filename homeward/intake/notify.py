"""Sending a family its reference and passcode: a pluggable sender named by HOMEWARD_NOTIFIER.

Without an outside network the default backends print the message or write it to a file in
DATA_DIR; a deployment with an SMS gateway or mail server plugs in its own class.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_NOTIFIER = "homeward.intake.notify.ConsoleNotifier"


@dataclass(frozen=True)
class Message:
    email: str
    phone: str
    subject: str
    body: str


class ConsoleNotifier:
    def send(self, message: Message) -> None:
        sys.stdout.write(f"--- to {message.email or '-'} / {message.phone or '-'}: {message.subject}\n"
                         f"{message.body}\n")


class FileNotifier:
    """Appends one JSON line per message to DATA_DIR/outbox/messages.jsonl."""

    def send(self, message: Message) -> None:
        outbox = Path(settings.DATA_DIR) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        with (outbox / "messages.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"at": timezone.now().isoformat(), **asdict(message)}, ensure_ascii=False) + "\n")


def notifier():
    return import_string(getattr(settings, "HOMEWARD_NOTIFIER", DEFAULT_NOTIFIER))()
