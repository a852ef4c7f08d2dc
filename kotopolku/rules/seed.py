"""The configured defaults of DOMAIN.md §5, loaded by a data migration and by seed_demo.

This is the only place outside the rule table where the statutory numbers are written down;
administrators change them in the table, never here, once the system runs.
"""

from datetime import date

from django.utils.translation import gettext_noop

LAW = "Laki kotoutumisen edistämisestä 681/2023"
OLD_LAW = "Laki kotoutumisen edistämisestä 1386/2010"
HISTORY = date(2011, 9, 1)  # 1386/2010 came into force; lets historical cases be checked
LAW_START = date(2025, 1, 1)

PERMIT_BASES_ELIGIBLE = [
    "quota_refugee",
    "family_of_quota_refugee",
    "asylum",
    "subsidiary_protection",
    "humanitarian_admission",
    "compassionate_grounds",
    "trafficking_victim",
    "removal_prevented",
    "temporary_protection",
    "family_of_protected",
]


def _rule(code, key, value, unit, source, confidence, description, start=HISTORY, end=None):
    return {
        "code": code,
        "key": key,
        "value": value,
        "unit": unit,
        "source": source,
        "confidence": confidence,
        "description": description,
        "effective_from": start,
        "effective_to": end,
    }


RULES = [
    _rule(
        "P1",
        "plan_window_years",
        3,
        "years",
        f"{LAW} § 15; same window in {OLD_LAW} § 12",
        "V",
        gettext_noop("An assessment or plan may start only before first permit date + N years."),
    ),
    _rule(
        "P1",
        "plan_window_exempt_bases",
        ["trafficking_victim"],
        "codes",
        f"{LAW} § 15.3",
        "V",
        gettext_noop("Permit bases with no plan window."),
    ),
    _rule(
        "P2",
        "first_plan_max_years",
        1,
        "years",
        f"{LAW} § 15.2",
        "V",
        gettext_noop("The first integration plan lasts at most N years."),
    ),
    _rule(
        "P3",
        "plan_total_base_months",
        24,
        "months",
        f"{LAW} § 15.2",
        "V",
        gettext_noop("All plans together last at most N months before extensions."),
    ),
    _rule(
        "P3",
        "plan_extension_cap_months",
        12,
        "months",
        f"{LAW} § 15.2",
        "U",
        gettext_noop("Default cap on all extensions together."),
    ),
    _rule(
        "P3",
        "plan_extension_reasons",
        ["literacy", "illness", "family_leave", "other_special_need"],
        "codes",
        f"{LAW} § 15.2",
        "U",
        gettext_noop("Reason codes an extension may carry."),
    ),
    _rule(
        "P4",
        "referral_due_months",
        6,
        "months",
        f"{LAW} § 16",
        "V",
        gettext_noop(
            "A service in the plan must be referred or started within N months of the plan start."
        ),
    ),
    _rule(
        "P5",
        "review_interval_months",
        12,
        "months",
        f"{OLD_LAW} § 16 (old law)",
        "U",
        gettext_noop("A plan is reviewed at least every N months."),
    ),
    _rule(
        "P6",
        "assessment_start_target_days",
        30,
        "days",
        "Keski-Uusimaa regional programme (municipal target, not statute)",
        "U",
        gettext_noop("Assessment starts within N days of the client relationship."),
    ),
    _rule(
        "P7",
        "orientation_completion_hours",
        70,
        "hours",
        "Valtioneuvoston asetus 24.10.2024 (monikielinen yhteiskuntaorientaatio)",
        "V",
        gettext_noop("Social orientation is completed at N attended hours."),
        start=LAW_START,
    ),
    _rule(
        "P8",
        "language_target_level",
        "B1.1",
        "cefr",
        f"{LAW} § 21",
        "V",
        gettext_noop("Integration training's language target in each tested skill."),
    ),
    _rule(
        "C1",
        "compensation_eligible_bases",
        PERMIT_BASES_ELIGIBLE,
        "codes",
        f"{LAW} § 2.3–4 and § 49; list verified for {OLD_LAW}, assumed unchanged",
        "U",
        gettext_noop("Permit bases for which computational compensation is paid."),
    ),
    _rule(
        "C3",
        "compensation_quota_bases",
        ["quota_refugee", "family_of_quota_refugee"],
        "codes",
        f"{LAW} § 49",
        "V",
        gettext_noop("Bases with the longer compensation period."),
    ),
    _rule(
        "C3",
        "compensation_period_years_quota",
        4,
        "years",
        f"{OLD_LAW} § 45",
        "V",
        gettext_noop("Compensation period for quota refugees and their family."),
        end=date(2024, 12, 31),
    ),
    _rule(
        "C3",
        "compensation_period_years_quota",
        3,
        "years",
        "HE 21/2024",
        "U",
        gettext_noop("Compensation period for quota refugees and their family."),
        start=LAW_START,
    ),
    _rule(
        "C3",
        "compensation_period_years_other",
        3,
        "years",
        f"{OLD_LAW} § 45",
        "V",
        gettext_noop("Compensation period for other eligible persons."),
        end=date(2024, 12, 31),
    ),
    _rule(
        "C3",
        "compensation_period_years_other",
        2,
        "years",
        "HE 21/2024",
        "U",
        gettext_noop("Compensation period for other eligible persons."),
        start=LAW_START,
    ),
    _rule(
        "C4",
        "compensation_age_band_years",
        7,
        "years",
        "Valtioneuvoston asetus 1393/2010",
        "V",
        gettext_noop("Below this age the under-7 rate applies."),
    ),
]

_RATES = {
    "municipality": ("1955.00", "6503.00"),
    "wellbeing_county": ("345.00", "342.00"),
    "aland_municipality": ("2300.00", "6845.00"),
}
_RATE_DESCRIPTIONS = {
    ("municipality", "7_plus"): gettext_noop(
        "Annual computational compensation to a municipality, age 7 or over."
    ),
    ("municipality", "under_7"): gettext_noop(
        "Annual computational compensation to a municipality, under 7."
    ),
    ("wellbeing_county", "7_plus"): gettext_noop(
        "Annual computational compensation to a wellbeing services county or Helsinki, age 7 or over."
    ),
    ("wellbeing_county", "under_7"): gettext_noop(
        "Annual computational compensation to a wellbeing services county or Helsinki, under 7."
    ),
    ("aland_municipality", "7_plus"): gettext_noop(
        "Annual computational compensation to an Åland municipality, age 7 or over."
    ),
    ("aland_municipality", "under_7"): gettext_noop(
        "Annual computational compensation to an Åland municipality, under 7."
    ),
}
for _kind, (_seven_plus, _under_seven) in _RATES.items():
    for _band, _amount in (("7_plus", _seven_plus), ("under_7", _under_seven)):
        for _start, _end, _confidence, _source in (
            (date(2023, 1, 1), date(2023, 12, 31), "V", "Valtioneuvoston asetus, rates for 2023"),
            (date(2024, 1, 1), None, "U", "2023 rate carried over until the ministry's figure"),
        ):
            RULES.append(
                _rule(
                    "C5",
                    f"compensation_rate_{_kind}_{_band}",
                    _amount,
                    "eur_per_year",
                    _source,
                    _confidence,
                    _RATE_DESCRIPTIONS[(_kind, _band)],
                    start=_start,
                    end=_end,
                )
            )

RULES += [
    _rule(
        "S1",
        "small_cell_min_persons",
        5,
        "persons",
        "Tilastokeskus disclosure-control practice",
        "U",
        gettext_noop(
            "Figures resting on fewer than N persons are suppressed outside the personal-data boundary."
        ),
    ),
    _rule(
        "R1",
        "retention_years_after_close",
        10,
        "years",
        "Arkistolaitos retention practice for social-welfare client records",
        "U",
        gettext_noop("Closed cases are anonymised after N years."),
    ),
]

RULES += [
    _rule(
        "SEC1",
        "bulk_read_alert_per_hour",
        50,
        "persons",
        "Local security policy: use-log monitoring (906/2019 § 17, ASVS V7)",
        "U",
        gettext_noop(
            "More distinct clients than N read by one user within an hour raises an alert."
        ),
    ),
]


def load_rules(rule_model) -> int:
    """Insert missing default rows; never overwrite a row an administrator has edited."""
    created = 0
    for row in RULES:
        _, was_created = rule_model.objects.get_or_create(
            key=row["key"],
            effective_from=row["effective_from"],
            defaults={k: v for k, v in row.items() if k not in ("key", "effective_from")},
        )
        created += was_created
    return created
