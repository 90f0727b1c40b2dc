"""access.toml: parsing (bad files, case, duplicates), roles, and the write/read checks."""

from __future__ import annotations

import pytest

from coverage.io import access
from coverage.io.access import AccessDenied, AccessFileError, User

GOOD = """
admins = ["IT@Hyvinvointialue.fi"]
[projects."vihti.gpkg"]
coordinators = ["koordinaattori@vihti.fi"]
viewers = ["Verkosto@Vihti.fi"]
[projects."kauhava.gpkg"]
coordinators = ["koordinaattori@kauhava.fi"]
"""


def test_roles_case_insensitive():
    rules = access.parse_access(GOOD)
    assert rules.role(User("it@hyvinvointialue.fi"), "vihti.gpkg") == "admin"
    assert rules.role(User("it@hyvinvointialue.fi"), "any.gpkg") == "admin"
    assert rules.role(User("KOORDINAATTORI@VIHTI.FI"), "vihti.gpkg") == "coordinator"
    assert rules.role(User("koordinaattori@vihti.fi"), "Vihti.GPKG") == "coordinator"
    assert rules.role(User("verkosto@vihti.fi"), "vihti.gpkg") == "viewer"
    # a Vihti coordinator has no role on Kauhava's project; an unknown person none anywhere
    assert rules.role(User("koordinaattori@vihti.fi"), "kauhava.gpkg") is None
    assert rules.role(User("stranger@example.fi"), "vihti.gpkg") is None
    assert not rules.knows(User("stranger@example.fi"))
    assert rules.knows(User("verkosto@vihti.fi"))


def test_embedded_datasets_are_read_only_for_listed_people():
    rules = access.parse_access(GOOD)
    assert rules.role(User("verkosto@vihti.fi"), None) == "viewer"
    assert rules.role(User("koordinaattori@kauhava.fi"), None) == "viewer"
    assert rules.role(User("stranger@example.fi"), None) is None
    with pytest.raises(AccessDenied):
        access.check_write(rules, User("koordinaattori@vihti.fi"), None)
    access.check_write(rules, User("it@hyvinvointialue.fi"), None)


def test_visible_and_checks():
    rules = access.parse_access(GOOD)
    files = ["kauhava.gpkg", "other.gpkg", "vihti.gpkg"]
    assert rules.visible(User("koordinaattori@vihti.fi"), files) == ["vihti.gpkg"]
    assert rules.visible(User("it@hyvinvointialue.fi"), files) == files
    assert rules.visible(User("nobody@x.fi"), files) == []
    access.check_write(rules, User("koordinaattori@vihti.fi"), "vihti.gpkg")
    with pytest.raises(AccessDenied, match="not save"):
        access.check_write(rules, User("verkosto@vihti.fi"), "vihti.gpkg")
    with pytest.raises(AccessDenied):
        access.check_write(rules, User("koordinaattori@vihti.fi"), "kauhava.gpkg")
    with pytest.raises(AccessDenied):
        access.check_read(rules, User("koordinaattori@vihti.fi"), "kauhava.gpkg")
    access.check_read(rules, User("verkosto@vihti.fi"), "vihti.gpkg")


def test_local_user_may_do_everything():
    assert access.OPEN.role(access.LOCAL, "x.gpkg") == "admin"
    access.check_write(access.OPEN, access.LOCAL, None)
    assert access.OPEN.role(User("someone@x.fi"), "x.gpkg") is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("admins = [", "not valid TOML"),
        ('admin = ["a@b.fi"]', "unknown key 'admin'"),
        ('admins = "a@b.fi"', "must be a list"),
        ("admins = [1]", "not an e-mail"),
        ('admins = [" "]', "not an e-mail"),
        ('admins = ["a@b.fi", "A@B.fi"]', "listed twice"),
        ('[projects."../x.gpkg"]\ncoordinators = ["a@b.fi"]', "file name"),
        ('[projects."x.csv"]\ncoordinators = ["a@b.fi"]', "file name"),
        ('[projects."x.gpkg"]\ncoordinator = ["a@b.fi"]', "unknown key 'coordinator'"),
        ('[projects."x.gpkg"]\ncoordinators = ["a@b.fi"]\nviewers = ["A@b.fi"]', "both a coordinator"),
        ('[projects."x.gpkg"]\ncoordinators = ["a@b.fi"]\n[projects."X.GPKG"]\nviewers = ["c"]', "twice"),
        ('[projects."x.gpkg"]\nviewers = ["a@b.fi"]\n[projects."x.gpkg"]\nviewers = ["c@b.fi"]', "TOML"),
        ('projects = ["x.gpkg"]', "tables"),
    ],
)
def test_bad_files_are_refused(text, match):
    with pytest.raises(AccessFileError, match=match):
        access.parse_access(text)


def test_missing_and_broken_file(tmp_path):
    with pytest.raises(AccessFileError, match="missing"):
        access.load_access(tmp_path)
    (tmp_path / "access.toml").write_text('admins = ["It@Region.fi"]\n[projects."x.gpkg"]\nviewer = [1]\n')
    with pytest.raises(AccessFileError, match="unknown key 'viewer'"):
        access.load_access(tmp_path)
    # the admin line is still found, to tell the admin what is wrong (it grants nothing)
    assert access.admins_of_broken(tmp_path) == {"it@region.fi"}
    (tmp_path / "access.toml").write_bytes(b"\xff\xfe garbage")
    assert access.admins_of_broken(tmp_path) == frozenset()
    with pytest.raises(AccessFileError, match="cannot be read"):
        access.load_access(tmp_path)


def test_identity_from_claims():
    assert access.identity_from_claims({"email": " A@B.fi ", "sub": "123"}) == "a@b.fi"
    assert access.identity_from_claims({"sub": "User-7"}) == "user-7"
    assert access.identity_from_claims({"email": "", "sub": "x"}) == "x"
    assert access.identity_from_claims({}) is None


def test_write_access_text_validates_and_keeps_old(tmp_path):
    access.write_access_text(tmp_path, GOOD)
    assert access.load_access(tmp_path).role(User("verkosto@vihti.fi"), "vihti.gpkg") == "viewer"
    with pytest.raises(AccessFileError):
        access.write_access_text(tmp_path, "admins = [")
    assert (tmp_path / "access.toml").read_text() == GOOD
    access.write_access_text(tmp_path, 'admins = ["x@y.fi"]\n')
    assert (tmp_path / "access.toml.backup").read_text() == GOOD
    assert not list(tmp_path.glob(".access.toml.*"))
