"""The one function that computes a client's statutory deadlines (docs/domain.md §5, P1–P6).

`compute_deadlines(case, on=day)` takes a frozen snapshot of plain data and a day and returns the
dates and problems of docs/data-formats.md `client_deadlines`. The worklist, the client page, the API,
the commands and the plan validation in `services.py` all call it; nothing else computes a
deadline.

Which day decides which rule row (docs/domain.md §5, law over time; the rule table is
effective-dated and the law changed in 2011, 2023 and 2025):

- P1 (`plan_window_years`, `plan_window_exempt_bases`): for the field `plan_window_end`, the first
  permit date (the window opens then); each assessment and plan is judged by the rule in force
  on its own start;
- P2 (`first_plan_max_years`) and P3 (`plan_total_base_months`, `plan_extension_cap_months`,
  `plan_extension_reasons`): the first plan's start, so a pathway begun under the old law keeps
  the old limits after 2025;
- P4 (`referral_due_months`) and P5 (`review_interval_months`): the latest plan's start;
- P6 (`assessment_start_target_days`): the day the client relationship began.

A day no row covers gives the problem `no_rule_in_force` and leaves the fields that need the
rule empty; it never raises.

Each rule's arithmetic is the Python form of its object in `casework/statutory.py` (PLAN_WINDOW,
FIRST_PLAN_END, MAX_PLAN_END, REFERRAL_DUE, REVIEW_DUE, ASSESSMENT_DUE); the statistics selectors
use the SQL form of the same objects, so each rule is written down once. All numbers are read
from the rule table through a `RuleBook`, which loads the rule rows once and picks the row in
force exactly as `rules.selectors.rule_in_force` does, so that a worklist of hundreds of clients
costs one query instead of one per client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kotopolku.casework.statutory import (
    ASSESSMENT_DUE,
    FIRST_PLAN_END,
    MAX_PLAN_END,
    PLAN_WINDOW,
    REFERRAL_DUE,
    REVIEW_DUE,
    RULE_KEYS,
    RuleBook,
)
from kotopolku.rules.book import RuleMissing

# The problem codes of docs/data-formats.md, in the order of its table (and of the output).
PROBLEM_CODES = (
    "no_rule_in_force",
    "assessment_outside_window",
    "plan_outside_window",
    "first_plan_too_long",
    "plans_exceed_max_length",
    "extension_without_reason",
    "extensions_exceed_cap",
    "no_service_by_referral_due",
    "review_overdue",
)


class ServiceSnapshot(NamedTuple):
    referred: date | None = None
    started: date | None = None


class ExtensionSnapshot(NamedTuple):
    months: int
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class PlanSnapshot:
    start: date
    end: date | None = None
    services: tuple[ServiceSnapshot, ...] = ()
    reviews: tuple[date, ...] = ()
    extensions: tuple[ExtensionSnapshot, ...] = ()
    closed_on: date | None = None
    """The day a plan was closed early; it has then ended on that day."""

    @property
    def ended_on(self) -> date | None:
        ends = [d for d in (self.end, self.closed_on) if d is not None]
        return min(ends) if ends else None


class AssessmentSnapshot(NamedTuple):
    started: date
    completed: date | None = None
    plan_needed: bool | None = None


@dataclass(frozen=True)
class CaseSnapshot:
    permit_basis: str
    first_permit_date: date | None = None
    client_start: date | None = None
    """The day the client relationship began (P6)."""
    assessments: tuple[AssessmentSnapshot, ...] = ()
    plans: tuple[PlanSnapshot, ...] = ()


class Problem(NamedTuple):
    """A breached rule. The message is translated and formatted only when it is read, so that a
    worklist of hundreds of clients does not format messages nobody sees."""

    code: str
    text: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def message(self) -> str:
        values = {k: _d(v) if isinstance(v, date) else v for k, v in self.params}
        return _(self.text) % values


class Action(NamedTuple):
    """Something on the worklist: what is due, and by when."""

    code: str
    due: date
    overdue: bool


@dataclass(frozen=True)
class Deadlines:
    on: date
    plan_window_end: date | None
    max_plan_end: date | None
    referral_due: date | None
    review_due: date | None
    assessment_due: date | None
    problems: tuple[Problem, ...] = ()
    actions: tuple[Action, ...] = field(default=())

    @property
    def problem_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    @property
    def next_due(self) -> date | None:
        return min((a.due for a in self.actions), default=None)

    @property
    def overdue(self) -> bool:
        return any(a.overdue for a in self.actions)

    def as_json(self, *, external_id: str) -> dict[str, Any]:
        """The `client_deadlines --format json` object of docs/data-formats.md, field for field."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "external_id": external_id,
            "on": self.on.isoformat(),
            "plan_window_end": iso(self.plan_window_end),
            "max_plan_end": iso(self.max_plan_end),
            "referral_due": iso(self.referral_due),
            "review_due": iso(self.review_due),
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
        }


def _d(day: date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else "–"


def compute_deadlines(case: CaseSnapshot, *, on: date, rules: RuleBook | None = None) -> Deadlines:
    """P1–P6 for one client on day `on`. Pure apart from reading the rule table.

    Every rule is read on its reference date (docs/domain.md §5, law over time). A reference date
    that no rule row covers never raises: the fields that need the rule are None, the checks
    that need it are skipped, and the problem `no_rule_in_force` leads the list.
    """
    rules = rules or RuleBook.load()
    problems: list[Problem] = []
    actions: list[Action] = []
    missing: list[RuleMissing] = []

    def read(compute, *args, **kwargs):
        try:
            return compute(*args, **kwargs), True
        except RuleMissing as exc:
            missing.append(exc)
            return None, False

    plans = sorted(enumerate(case.plans), key=lambda item: (item[1].start, item[0]))
    first_plan = plans[0][1] if plans else None
    latest_plan = plans[-1][1] if plans else None

    # P1: the last day on which an assessment or a plan may start, read on the first permit
    # date (the window opens then); each assessment and plan is judged by the rule in force on
    # its own start.
    plan_window_end: date | None = None
    late_assessments: list[tuple[date, date]] = []
    late_plans: list[tuple[date, date]] = []
    if case.first_permit_date is not None:
        permit, basis = case.first_permit_date, case.permit_basis
        plan_window_end, _ok = read(PLAN_WINDOW.window_end, permit, basis, rules=rules)
        for starts, late in (
            ((a.started for a in case.assessments), late_assessments),
            ((p.start for p in case.plans), late_plans),
        ):
            for start in sorted(starts):
                end, ok = read(PLAN_WINDOW.window_end, permit, basis, rules=rules, reference=start)
                if ok and end is not None and start > end:
                    late.append((start, end))

    # P3: all plans together, by the regime in force on the first plan's start.
    max_plan_end: date | None = None
    extension_months = sum(e.months for p in case.plans for e in p.extensions)
    if first_plan is not None:
        max_plan_end, _ok = read(
            MAX_PLAN_END.on, first_plan.start, rules=rules, extra_months=extension_months
        )

    # P4 and P5 for the latest plan, read on its start.
    referral_due: date | None = None
    review_due: date | None = None
    if latest_plan is not None:
        referral_due, _ok = read(REFERRAL_DUE.on, latest_plan.start, rules=rules)
        counted_from = REVIEW_DUE.counted_from(latest_plan.start, latest_plan.reviews)
        review_due, _ok = read(
            REVIEW_DUE.on, counted_from, rules=rules, reference=latest_plan.start
        )

    # P6: a municipal target, not a statute and not in the contract's output: an action only,
    # and a missing row is no problem of the client's.
    assessment_due: date | None = None
    if case.client_start is not None:
        try:
            assessment_due = ASSESSMENT_DUE.on(case.client_start, rules=rules)
        except RuleMissing:
            assessment_due = None

    # P2 and the extension rules of P3, read on the first plan's start.
    first_plan_last_day: date | None = None
    reasons = cap = None
    if first_plan is not None:
        if first_plan.end is not None:
            first_plan_last_day, _ok = read(FIRST_PLAN_END.on, first_plan.start, rules=rules)
        if any(p.extensions for p in case.plans):
            reasons, _ok = read(rules.value, "plan_extension_reasons", on=first_plan.start)
            cap, _ok = read(rules.value, "plan_extension_cap_months", on=first_plan.start)

    # The problems, in the order of the table in docs/data-formats.md.
    if missing:
        first = min(missing, key=lambda exc: (exc.on, exc.key))
        problems.append(
            Problem(
                "no_rule_in_force",
                gettext_noop(
                    "No rule row is in force on %(day)s for %(keys)s; the dates that need it "
                    "are not computed."
                ),
                (("day", first.on), ("keys", ", ".join(sorted({m.key for m in missing})))),
            )
        )
    if late_assessments:
        day, end = late_assessments[0]
        problems.append(
            Problem(
                "assessment_outside_window",
                gettext_noop(
                    "An assessment started on %(day)s, after the last day of the plan "
                    "window, %(end)s."
                ),
                (("day", day), ("end", end)),
            )
        )
    if late_plans:
        day, end = late_plans[0]
        problems.append(
            Problem(
                "plan_outside_window",
                gettext_noop(
                    "A plan started on %(day)s, after the last day of the plan window, %(end)s."
                ),
                (("day", day), ("end", end)),
            )
        )

    first_end = first_plan.end if first_plan is not None else None
    too_long = first_end is not None and first_plan_last_day is not None
    if too_long and first_end > first_plan_last_day:  # type: ignore[operator]
        problems.append(
            Problem("first_plan_too_long", FIRST_PLAN_TEXT, (("end", first_plan_last_day),))
        )

    if max_plan_end is not None:
        ends = sorted(p.end for p in case.plans if p.end is not None and p.end > max_plan_end)
        if ends:
            problems.append(
                Problem(
                    "plans_exceed_max_length",
                    gettext_noop(
                        "A plan ends on %(day)s, after the last day all plans together may "
                        "last, %(end)s."
                    ),
                    (("day", ends[-1]), ("end", max_plan_end)),
                )
            )

    if reasons is not None and any(
        e.reason not in reasons for p in case.plans for e in p.extensions
    ):
        problems.append(
            Problem(
                "extension_without_reason",
                gettext_noop("An extension has no valid reason code (%(codes)s)."),
                (("codes", ", ".join(sorted(reasons))),),
            )
        )
    if cap is not None and extension_months > cap:
        problems.append(
            Problem(
                "extensions_exceed_cap",
                gettext_noop(
                    "The extensions add up to %(months)s months; the cap is %(cap)s months."
                ),
                (("months", extension_months), ("cap", cap)),
            )
        )

    if latest_plan is not None:
        ended = latest_plan.ended_on
        # "Has not ended before that day": the plan still runs on the day asked about.
        running = ended is None or ended >= on
        serviced = True
        if referral_due is not None:
            serviced = REFERRAL_DUE.met(latest_plan.services, referral_due)
            if on > referral_due and not serviced:
                problems.append(
                    Problem(
                        "no_service_by_referral_due",
                        gettext_noop("No service of the plan was referred or started by %(due)s."),
                        (("due", referral_due),),
                    )
                )
        if review_due is not None and on > review_due and running:
            problems.append(
                Problem(
                    "review_overdue",
                    gettext_noop("The plan should have been reviewed by %(due)s."),
                    (("due", review_due),),
                )
            )
        if running:
            if referral_due is not None and not serviced:
                actions.append(
                    Action("no_service_by_referral_due", referral_due, on > referral_due)
                )
            if review_due is not None:
                actions.append(Action("review_due", review_due, on > review_due))
            if ended is not None:
                actions.append(Action("plan_ending", ended, on > ended))

    if not case.assessments and assessment_due is not None:
        actions.append(Action("assessment_not_started", assessment_due, on > assessment_due))
    if not case.plans:
        needs_plan = any(a.completed and a.plan_needed for a in case.assessments)
        if needs_plan:
            completed = max(a.completed for a in case.assessments if a.completed)
            due = plan_window_end or completed
            actions.append(Action("plan_not_drafted", due, on > due))
        if plan_window_end is not None:
            actions.append(Action("window_closing", plan_window_end, on > plan_window_end))

    return Deadlines(
        on=on,
        plan_window_end=plan_window_end,
        max_plan_end=max_plan_end,
        referral_due=referral_due,
        review_due=review_due,
        assessment_due=assessment_due,
        problems=tuple(problems),
        actions=tuple(sorted(actions, key=lambda a: (a.due, a.code))),
    )


FIRST_PLAN_TEXT = gettext_noop(
    "The first integration plan may last at most one year: its end date may be %(end)s "
    "at the latest."
)


def first_plan_message(last_day: date) -> str:
    """The P2 message, shown next to the end field of the plan form."""
    return Problem("first_plan_too_long", FIRST_PLAN_TEXT, (("end", last_day),)).message


def first_plan_last_day(start: date, *, rules: RuleBook | None = None) -> date:
    rules = rules or RuleBook.load()
    return FIRST_PLAN_END.on(start, rules=rules)


def referral_due(start: date, *, rules: RuleBook | None = None) -> date:
    """P4 for a plan starting on `start` (the plan form shows it before the plan exists)."""
    rules = rules or RuleBook.load()
    return REFERRAL_DUE.on(start, rules=rules)


__all__ = [
    "Action",
    "AssessmentSnapshot",
    "CaseSnapshot",
    "Deadlines",
    "ExtensionSnapshot",
    "PlanSnapshot",
    "Problem",
    "RULE_KEYS",
    "RuleBook",
    "ServiceSnapshot",
    "compute_deadlines",
    "first_plan_last_day",
    "referral_due",
]
