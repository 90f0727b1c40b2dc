"""Who may do what on a hosted Katve: ``$KATVE_PROJECTS/access.toml``.

.. code-block:: toml

    admins = ["it@hyvinvointialue.fi"]             # every project; may edit access.toml from the app
    [projects."vihti.gpkg"]
    coordinators = ["koordinaattori@vihti.fi"]    # see, edit, import, save, accept proposals
    viewers = ["verkosto@vihti.fi"]               # see, plan and export without saving

Identities are the ID token's ``email`` claim (else ``sub``), compared case-insensitively. The file is read
strictly: an unknown key, a value of the wrong type, a project name that is not a plain ``NAME.gpkg`` or a
person listed twice for one project is an error (:class:`AccessFileError`), and a broken file grants
nothing to anyone (never open by mistake); :func:`admins_of_broken` still finds the admins to tell.

Without sign-in (the laptop mode) there is no access file and :data:`LOCAL` may do everything.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import KatveError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ACCESS_FILE = "access.toml"
ROLES = ("admin", "coordinator", "viewer")
"""Strongest first. ``admin`` and ``coordinator`` may write; ``viewer`` may only read."""
WRITE_ROLES = frozenset({"admin", "coordinator"})
_PROJECT_KEYS = ("coordinators", "viewers")
_TOP_KEYS = ("admins", "projects")


class AccessFileError(KatveError):
    """``access.toml`` cannot be used; nobody but the admins is told why, and nobody gets access."""


class AccessDenied(KatveError):
    """The signed-in person may not do this (read or write) on this project."""


@dataclass(frozen=True)
class User:
    """Who is using the app: ``identity`` (lower-case email or sub), ``None`` for the single-user mode."""

    identity: str | None

    @property
    def local(self) -> bool:
        """Single-user laptop mode (no sign-in): every right."""
        return self.identity is None

    def label(self) -> str:
        """Return the name stored in a version's history (empty in the single-user mode)."""
        return self.identity or ""


LOCAL = User(None)
"""The single user of a laptop Katve (sign-in off)."""


@dataclass(frozen=True)
class ProjectAccess:
    """The people listed for one project file."""

    coordinators: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Access:
    """A parsed ``access.toml``: admins, and per project file (lower-case name) coordinators, viewers."""

    admins: frozenset[str] = frozenset()
    projects: Mapping[str, ProjectAccess] = field(default_factory=dict)

    def role(self, user: User, project: str | None) -> str | None:
        """``user``'s role on project file ``project`` (``None`` = an embedded data set), or ``None``.

        Every listed person may view the embedded data sets; nobody may write them.
        """
        if user.local:
            return "admin"
        who = normalise(user.identity or "")
        if who in self.admins:
            return "admin"
        if project is None:
            return "viewer" if self.knows(user) else None
        entry = self.projects.get(project.lower())
        if entry is None:
            return None
        if who in entry.coordinators:
            return "coordinator"
        if who in entry.viewers:
            return "viewer"
        return None

    def knows(self, user: User) -> bool:
        """Whether ``user`` is listed anywhere (else she gets the no-access page)."""
        if user.local:
            return True
        who = normalise(user.identity or "")
        return who in self.admins or any(
            who in p.coordinators or who in p.viewers for p in self.projects.values()
        )

    def visible(self, user: User, names: Iterable[str]) -> list[str]:
        """Return the project file names of ``names`` that ``user`` may open, in their order."""
        return [n for n in names if self.role(user, n) is not None]


OPEN = Access()
"""The rules of the single-user mode: :data:`LOCAL` is admin everywhere; nobody else is listed."""


def normalise(identity: str) -> str:
    """Return ``identity`` as compared: stripped, lower-case."""
    return identity.strip().lower()


def identity_from_claims(claims: Mapping[str, object]) -> str | None:
    """Return the identity of ID-token claims: ``email``, else ``sub`` (lower-case); ``None`` if neither."""
    for key in ("email", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return normalise(value)
    return None


def access_path(folder: str | os.PathLike) -> Path:
    """Where the access file of a projects folder is."""
    return Path(folder) / ACCESS_FILE


def load_access(folder: str | os.PathLike) -> Access:
    """Read ``access.toml`` of the projects folder ``folder``.

    Raises
    ------
    AccessFileError
        The file is missing, unreadable or breaks a rule (the message names the line or key).
    """
    path = access_path(folder)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessFileError(f"{ACCESS_FILE}: the file is missing from the projects folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessFileError(f"{ACCESS_FILE}: cannot be read ({exc.__class__.__name__})") from None
    return parse_access(text)


def parse_access(text: str, name: str = ACCESS_FILE) -> Access:
    """Parse the text of an access file (see the module's docstring for the rules).

    Raises
    ------
    AccessFileError
        With one line saying what is wrong and where.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessFileError(f"{name}: not valid TOML: {exc}") from None
    unknown = [k for k in data if k not in _TOP_KEYS]
    if unknown:
        raise AccessFileError(
            f"{name}: unknown key {unknown[0]!r} (allowed at the top: admins, [projects.\"NAME.gpkg\"])"
        )
    admins = _people(data.get("admins", []), f"{name}: admins")
    projects_raw = data.get("projects", {})
    if not isinstance(projects_raw, dict):
        raise AccessFileError(f"{name}: projects must be tables [projects.\"NAME.gpkg\"]")
    projects: dict[str, ProjectAccess] = {}
    for project, entry in projects_raw.items():
        where = f'{name}: [projects."{project}"]'
        if not _plain_gpkg(project):
            raise AccessFileError(f"{where}: a project must be a file name NAME.gpkg in the projects folder")
        if project.lower() in projects:
            raise AccessFileError(f"{where}: the project is listed twice (names are compared ignoring case)")
        if not isinstance(entry, dict):
            raise AccessFileError(f"{where}: must be a table with coordinators and viewers")
        bad = [k for k in entry if k not in _PROJECT_KEYS]
        if bad:
            raise AccessFileError(f"{where}: unknown key {bad[0]!r} (allowed: coordinators, viewers)")
        coordinators = _people(entry.get("coordinators", []), f"{where}: coordinators")
        viewers = _people(entry.get("viewers", []), f"{where}: viewers")
        both = sorted(coordinators & viewers)
        if both:
            raise AccessFileError(f"{where}: {both[0]} is both a coordinator and a viewer; keep one")
        projects[project.lower()] = ProjectAccess(coordinators, viewers)
    return Access(admins=admins, projects=projects)


def _plain_gpkg(name: str) -> bool:
    return bool(name) and Path(name).name == name and name.lower().endswith(".gpkg") and name[0] != "."


def _people(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise AccessFileError(f"{where}: must be a list of e-mail addresses, e.g. [\"name@example.fi\"]")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise AccessFileError(f"{where}: {item!r} is not an e-mail address or user id")
        who = normalise(item)
        if who in seen:
            raise AccessFileError(f"{where}: {who} is listed twice")
        seen.add(who)
    return frozenset(seen)


_ADMINS_LINE = re.compile(r"^\s*admins\s*=\s*\[[^\]]*\]", re.MULTILINE)


def admins_of_broken(folder: str | os.PathLike) -> frozenset[str]:
    """Return the admins on the ``admins = [...]`` line of a broken access file (to tell them what is wrong).

    Empty when even that line cannot be read. Never grants anything: it only decides who sees the error.
    """
    try:
        text = access_path(folder).read_text(encoding="utf-8")
        match = _ADMINS_LINE.search(text)
        if not match:
            return frozenset()
        return _people(tomllib.loads(match.group(0)).get("admins", []), "admins")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AccessFileError):
        return frozenset()


def check_write(access: Access, user: User, project: str | None) -> None:
    """Refuse (``AccessDenied``) unless ``user`` may write project file ``project``.

    ``project=None`` (an embedded data set, or a new file) needs an admin.
    """
    if project is None:
        if access.role(user, None) == "admin":
            return
        raise AccessDenied("only an admin may create a new project file")
    if access.role(user, project) not in WRITE_ROLES:
        raise AccessDenied(f"{project}: you may view this project but not save it")


def check_read(access: Access, user: User, project: str) -> None:
    """Refuse (``AccessDenied``) unless ``user`` may open project file ``project``."""
    if access.role(user, project) is None:
        raise AccessDenied(f"{project}: you have no access to this project")


def write_access_text(folder: str | os.PathLike, text: str) -> Access:
    """Validate ``text`` and replace ``access.toml`` with it atomically (temp + rename); return the rules.

    Raises
    ------
    AccessFileError
        ``text`` is not a valid access file (the old file stays).
    """
    access = parse_access(text)
    target = access_path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{ACCESS_FILE}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            target.with_name(ACCESS_FILE + ".backup").write_bytes(target.read_bytes())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return access
