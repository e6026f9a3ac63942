"""Who may see which numbers: an agent their own, a supervisor their team's, the rest all."""

from __future__ import annotations

from deskline.core.roster.permissions import Person, may_report, report_scope

AMY = Person("amy", "agent", "Ops")
SUE = Person("sue", "supervisor", "Ops")
BO = Person("bo", "agent", "Billing")
DI = Person("di", "director")
AD = Person("ad", "admin")


def test_default_scopes():
    assert report_scope(AMY) == (None, "amy")
    assert report_scope(SUE) == ("Ops", None)
    assert report_scope(DI) == report_scope(AD) == (None, None)


def test_the_report_matrix():
    assert may_report(AMY, None, AMY) is None
    assert may_report(AMY, "Ops", AMY) is None
    assert may_report(AMY, None, None) is not None  # the whole desk
    assert may_report(AMY, "Ops", None) is not None  # the team's
    assert may_report(AMY, None, BO) is not None
    assert may_report(SUE, "Ops", None) is None
    assert may_report(SUE, None, AMY) is None
    assert may_report(SUE, None, SUE) is None
    assert "bo's numbers" in (may_report(SUE, None, BO) or "")
    assert may_report(SUE, "Billing", None) is not None
    assert may_report(SUE, None, None) is not None
    for boss in (DI, AD):
        assert may_report(boss, None, None) is None
        assert may_report(boss, "Billing", BO) is None
    assert may_report(Person("lone", "supervisor"), None, None) is not None
