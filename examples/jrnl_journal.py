"""Builds an encrypted jrnl 4.6 journal for the benchmark (examples/bench.rs).

Usage: python jrnl_journal.py ENTRIES.json HOME PASSWORD

ENTRIES.json is a list of {"date": "YYYY-MM-DD HH:MM", "text": "..."}. Writes HOME's
jrnl config (encryption on, no editor), the journal encrypted with jrnl's own current
method (so jrnl reads it exactly as one it wrote), and stores the password in a
plain-text keyring (keyrings.alt), so jrnl runs without a prompt. Run it with the
Python of the virtual environment jrnl is installed in, with HOME and
PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring set as for jrnl itself.
"""

import json
import os
import sys

import keyring
from jrnl.encryption.Jrnlv3Encryption import Jrnlv3Encryption


def main() -> None:
    entries_path, home, password = sys.argv[1:4]
    with open(entries_path, encoding="utf-8") as f:
        entries = json.load(f)
    journal = os.path.join(home, "journal.txt")
    config_dir = os.path.join(home, ".config", "jrnl")
    os.makedirs(config_dir, exist_ok=True)
    config = {
        "colors": {"body": "none", "date": "none", "tags": "none", "title": "none"},
        "default_hour": 9,
        "default_minute": 0,
        "editor": "",
        "encrypt": True,
        "highlight": False,
        "indent_character": "|",
        "journals": {"default": {"journal": journal}},
        "linewrap": 79,
        "tagsymbols": "#@",
        "template": False,
        "timeformat": "%Y-%m-%d %H:%M",
        "version": "4.6",
    }
    with open(os.path.join(config_dir, "jrnl.yaml"), "w", encoding="utf-8") as f:
        f.write(
            "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n"
            "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: true\n"
            "highlight: false\nindent_character: '|'\n"
            f"journals:\n  default:\n    journal: {journal}\n"
            "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
            "timeformat: '%Y-%m-%d %H:%M'\nversion: '4.6'\n"
        )
    text = "".join(f"[{e['date']}] {e['text']}\n\n" for e in entries)
    method = Jrnlv3Encryption("default", config)
    method.password = password
    with open(journal, "wb") as f:
        f.write(method.encrypt(text))
    keyring.set_password("jrnl", "default", password)


if __name__ == "__main__":
    main()
