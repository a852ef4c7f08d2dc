"""The national service catalogue (PTV, Palvelutietovaranto): read an organisation's services
from its open API (version 11) into the catalogue, and write a catalogue service in its model.

`client` fetches through an injectable transport, `sync` compares and applies, `export` writes
the version 11 IN model. `sync_organisation(org_uuid, dry_run)` is the entry point for commands
and schedules.
"""

from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("ptv_v11.schema.json")
