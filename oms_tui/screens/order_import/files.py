"""Import: the files to choose from: the .csv and .xlsx files of the current folder, the
documents folder and the downloads folder, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...i18n import N_

SUFFIXES = (".csv", ".xlsx")
MAX_FILES = 200


# -- the files to choose from ------------------------------------------------------------------


@dataclass(frozen=True)
class FileRow:
    path: Path
    where: str  # the folder's short name: here, Documents, Downloads
    modified: float
    size: int


def import_folders() -> list[tuple[str, Path]]:
    """Where import files are looked for: the current folder, documents, downloads."""
    from platformdirs import user_documents_dir, user_downloads_dir

    folders = [(N_("here"), Path.cwd())]  # the labels are said in the current language
    for label, find in ((N_("Documents"), user_documents_dir),
                        (N_("Downloads"), user_downloads_dir)):  # fmt: skip
        try:
            folders.append((label, Path(find())))
        except Exception:  # noqa: BLE001, S112 - a folder the platform does not know
            continue
    return folders


def import_files(folders: Sequence[tuple[str, Path]], limit: int = MAX_FILES) -> list[FileRow]:
    """The .csv and .xlsx files of ``folders``, newest first (a folder listed twice once)."""
    seen: set[Path] = set()
    rows: list[FileRow] = []
    for label, folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            try:
                if path.suffix.lower() not in SUFFIXES or not path.is_file():
                    continue
                real = path.resolve()
                if real in seen:
                    continue
                seen.add(real)
                stat = path.stat()
            except OSError:
                continue
            rows.append(FileRow(path, label, stat.st_mtime, stat.st_size))
    rows.sort(key=lambda r: (-r.modified, r.path.name))
    return rows[:limit]
