"""Sign-in (Streamlit's OpenID Connect: ``st.login`` / ``st.user``) and who may do what in the app.

On when ``.streamlit/secrets.toml`` (Streamlit's secrets files) has an ``[auth]`` section; off otherwise: the
single-user laptop mode, where :data:`coverage.io.access.LOCAL` may do everything. On, :func:`gate` runs
before
anything of a project is read: a visitor who has not signed in sees only the sign-in page, a signed-in person
not listed in ``$KATVE_PROJECTS/access.toml`` a page saying whom to ask, and a broken access file stops
everyone (its admins are told what is wrong). Every write (save, restore, upload, the access file) asks
:func:`check_write` on the server, whatever the page showed.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from typing import Any

import streamlit as st

from coverage.core.i18n import LANGUAGES, set_language, t
from coverage.io import access
from coverage.io.access import Access, AccessFileError, User
from coverage.io.datasets import DEFAULT_DATASET

from .state import K_LANG, K_SOURCE, flash, projects_dir

_LOG = logging.getLogger("katve.auth")
K_DENIED_SOURCE = "auth_denied_source"


def _secrets_state() -> str:
    """Return "on" (secrets with ``[auth]``), "off" (no secrets file, or none with ``[auth]``) or "broken".

    Broken: a secrets file is there but cannot be read, so whether sign-in was meant cannot be known.
    """
    try:
        return "on" if "auth" in st.secrets else "off"
    except Exception:  # Streamlit raises its own not-found error for missing *and* unreadable files
        paths = st.get_option("secrets.files") or []
        return "broken" if any(os.path.exists(p) for p in paths) else "off"


def enabled() -> bool:
    """Whether sign-in is on: Streamlit's secrets hold an ``[auth]`` section (or cannot be read: then on, and
    nobody gets in, rather than open by mistake)."""
    return _secrets_state() != "off"


def current_user() -> User | None:
    """The person using this session: :data:`access.LOCAL` with sign-in off, ``None`` if not signed in."""
    if not enabled():
        return access.LOCAL
    if not st.user.get("is_logged_in"):
        return None
    claims: dict[str, Any] = {k: st.user.get(k) for k in ("email", "sub")}
    who = access.identity_from_claims(claims)
    return User(who) if who else None


def rules() -> Access:
    """The access rules in force (read at every run: an edit takes effect at once).

    Raises
    ------
    AccessFileError
        Sign-in is on and access.toml is missing or broken: nobody gets anything.
    """
    if not enabled():
        return access.OPEN
    return access.load_access(projects_dir())


def _project_of(source: str) -> str | None:
    kind, _, name = source.partition(":")
    return name if kind == "file" else None


def role(source: str | None = None) -> str | None:
    """The session user's role on ``source`` (default: the open one), ``None`` when she has none."""
    user = current_user()
    if user is None:
        return None
    try:
        return rules().role(user, _project_of(source or str(st.session_state.get(K_SOURCE, ""))))
    except AccessFileError:
        return None


def can_edit(source: str | None = None) -> bool:
    """Whether the session user may save ``source`` (default: the open one); embedded data: admins only."""
    return role(source) in access.WRITE_ROLES


def can_create() -> bool:
    """Whether the session user may add new project files to the projects folder (upload, save as)."""
    return role("dataset:") == "admin"


def is_admin() -> bool:
    """Whether the session user is an admin (in the single-user mode: always)."""
    return role("dataset:") == "admin"


def visible_sources(sources: list[str]) -> list[str]:
    """The project selector's choices the session user may open."""
    return [s for s in sources if role(s) is not None]


def check_write(project: str | None) -> User:
    """Refuse (:class:`access.AccessDenied`) unless the session user may write project file ``project``.

    ``None`` = a new file. Returns the user (for the version's history).
    """
    user = current_user()
    if user is None:
        raise access.AccessDenied("not signed in")
    try:
        current = rules()
    except AccessFileError as exc:
        raise access.AccessDenied(str(exc)) from None
    unlisted = project is not None and current.role(user, project) is None
    if unlisted and not (projects_dir() / str(project)).exists():
        project = None  # a file that does not exist yet and is not listed: creating it needs an admin
    access.check_write(current, user, project)
    return user


# --- the gate ----------------------------------------------------------------------------------------------


@st.cache_data(ttl=10, show_spinner=False)
def provider_answers(url: str) -> bool:
    """Whether the OpenID provider's metadata URL answers (checked at most every 10 s)."""
    try:
        with urllib.request.urlopen(url, timeout=3) as r:  # noqa: S310 - the admin's configured https URL
            return r.status == 200 and "authorization_endpoint" in json.loads(r.read(200_000))
    except (OSError, ValueError):
        return False


def _metadata_url() -> str | None:
    try:
        section = st.secrets["auth"]
        url = section.get("server_metadata_url")
        if url is None:  # named providers: [auth.NAME]; the first one's
            url = next((v.get("server_metadata_url") for v in section.values() if hasattr(v, "get")), None)
        return str(url) if url else None
    except Exception:
        return None


def _language_choice() -> None:
    ss = st.session_state
    ss.setdefault(K_LANG, "fi")
    ss[K_LANG] = ss[K_LANG]
    st.selectbox(t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=K_LANG)
    set_language(ss[K_LANG])


def _admins_text(admins: frozenset[str]) -> str:
    return ", ".join(sorted(admins)) or t("auth.noaccess.no_admins")


def gate() -> User:
    """Let through only who may use Katve now; everyone else gets a page of her own and the run stops.

    Call first in ``app.py``, before the session loads any project. Also takes the open project away from
    a user who may no longer read it (the access file changed).
    """
    set_language(st.session_state.get(K_LANG))
    state = _secrets_state()
    if state == "off":
        return access.LOCAL
    if state == "broken":
        _LOG.error("Katve: the secrets file cannot be read; nobody is let in")
        _language_choice()
        st.error(t("auth.secrets_broken"))
        st.stop()
    user = current_user()
    if user is None:
        _sign_in_page()
        st.stop()
    assert user is not None
    try:
        current = rules()
    except AccessFileError as exc:
        _LOG.error("Katve: access denied to everyone: %s", exc)
        _broken_page(user, str(exc))
        st.stop()
    if not current.knows(user):
        _no_access_page(user, current.admins)
        st.stop()
    source = str(st.session_state.get(K_SOURCE, ""))
    if not source:  # a new session opens the person's own first project, not an example data set
        own = current.visible(user, sorted(p.name for p in projects_dir().glob("*.gpkg")))
        if own and current.role(user, own[0]) != "admin":
            st.session_state[K_SOURCE] = f"file:{own[0]}"
    elif current.role(user, _project_of(source)) is None:
        st.session_state[K_SOURCE] = f"dataset:{DEFAULT_DATASET}"
        flash("error", t("auth.denied.read", name=_project_of(source) or source))
    return user


def _sign_in_page() -> None:
    _language_choice()
    st.title(t("auth.signin.title"))
    st.write(t("auth.signin.text"))
    url = _metadata_url()
    if url and not provider_answers(url):
        st.error(t("auth.signin.down"))
        if st.button(t("auth.signin.button"), key="auth_retry"):
            provider_answers.clear()
            st.rerun()
        return
    st.button(t("auth.signin.button"), on_click=_login, type="primary", key="auth_login")


def _login() -> None:
    """Callback: ask the provider once more right now, and start Streamlit's sign-in only if it answers
    (otherwise Streamlit would show a bare "Authentication error" page)."""
    url = _metadata_url()
    provider_answers.clear()
    if url and not provider_answers(url):
        return  # the rerun shows the sign-in page with the provider-down message
    st.login()


def _sign_out_button() -> None:
    st.button(t("auth.signout"), on_click=st.logout, key="auth_logout")


def _no_access_page(user: User, admins: frozenset[str]) -> None:
    _language_choice()
    st.title(t("auth.noaccess.title"))
    st.write(t("auth.noaccess.text", who=user.identity, admins=_admins_text(admins)))
    _sign_out_button()


def _broken_page(user: User, message: str) -> None:
    _language_choice()
    admins = access.admins_of_broken(projects_dir())
    st.title(t("auth.noaccess.title"))
    if access.normalise(user.identity or "") in admins:
        st.error(t("auth.broken.admin", message=message))
    else:
        st.error(t("auth.broken.other", admins=_admins_text(admins)))
    _sign_out_button()


def sidebar_status() -> None:
    """One line in the sidebar: the single-user mode, or who is signed in (role) and a sign-out button."""
    with st.sidebar:
        if not enabled():
            st.caption(t("auth.local"))
            return
        user = current_user()
        r = role()
        who = user.identity if user else ""
        st.caption(t("auth.signed_in", who=who, role=t(f"auth.role.{r or 'viewer'}")))
        if r not in access.WRITE_ROLES:
            st.caption(t("auth.readonly"))
        _sign_out_button()
