"""The configured defaults of docs/domain.md §5, loaded by a data migration and by seed_demo.

This is the only place outside the rule table where the statutory numbers are written down;
administrators change them in the table, never here, once the system runs.
"""

from datetime import date, timedelta

from django.utils.translation import gettext_noop

LAW = "Laki kotoutumisen edistämisestä 681/2023"
OLD_LAW = "Laki kotoutumisen edistämisestä 1386/2010"
FIRST_ACT = "Laki maahanmuuttajien kotoutumisesta ja turvapaikanhakijoiden vastaanotosta 493/1999"
FIRST_ACT_START = date(1999, 5, 1)  # 493/1999 came into force: the start of the rule history
HISTORY = date(2011, 9, 1)  # 1386/2010 came into force
LAW_START = date(2025, 1, 1)  # 681/2023 came into force
BEFORE_HISTORY = HISTORY - timedelta(days=1)
BEFORE_LAW = LAW_START - timedelta(days=1)

PERMIT_BASES_ELIGIBLE = [
    "quota_refugee",
    "family_of_quota_refugee",
    "asylum",
    "subsidiary_protection",
    "humanitarian_protection",
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


def _since_1999(code, key, value, unit, source, confidence, description, end=None):
    """A value unchanged since the first act: a row under 493/1999 (to verify) and the row of
    1386/2010 onwards."""
    return [
        _rule(
            code,
            key,
            value,
            unit,
            gettext_noop(
                "Laki maahanmuuttajien kotoutumisesta ja turvapaikanhakijoiden vastaanotosta 493/1999 (value of Laki kotoutumisen edistämisestä 1386/2010 assumed)"
            ),
            "U",
            description,
            start=FIRST_ACT_START,
            end=BEFORE_HISTORY,
        ),
        _rule(code, key, value, unit, source, confidence, description, end=end),
    ]


RULES = [
    *_since_1999(
        "P1",
        "plan_window_years",
        3,
        "years",
        gettext_noop(
            "Laki kotoutumisen edistämisestä 681/2023 § 15; same window in Laki kotoutumisen edistämisestä 1386/2010 § 12"
        ),
        "V",
        gettext_noop("An assessment or plan may start only before first permit date + N years."),
    ),
    *_since_1999(
        "P1",
        "plan_window_exempt_bases",
        ["trafficking_victim"],
        "codes",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 15.3"),
        "V",
        gettext_noop("Permit bases with no plan window."),
    ),
    *_since_1999(
        "P2",
        "first_plan_max_years",
        1,
        "years",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 15.2"),
        "V",
        gettext_noop("The first integration plan lasts at most N years."),
    ),
    # P3: the regime is decided by the first plan's start (docs/domain.md, law over time).
    *_since_1999(
        "P3",
        "plan_total_base_months",
        36,
        "months",
        gettext_noop("Laki kotoutumisen edistämisestä 1386/2010 § 12 (old law: up to 3 years)"),
        "U",
        gettext_noop("All plans together last at most N months before extensions."),
        end=BEFORE_LAW,
    ),
    _rule(
        "P3",
        "plan_total_base_months",
        24,
        "months",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 15.2"),
        "V",
        gettext_noop("All plans together last at most N months before extensions."),
        start=LAW_START,
    ),
    *_since_1999(
        "P3",
        "plan_extension_cap_months",
        24,
        "months",
        gettext_noop(
            "Laki kotoutumisen edistämisestä 1386/2010 § 12 (old law: extensions up to 2 years)"
        ),
        "U",
        gettext_noop("Default cap on all extensions together."),
        end=BEFORE_LAW,
    ),
    _rule(
        "P3",
        "plan_extension_cap_months",
        12,
        "months",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 15.2"),
        "U",
        gettext_noop("Default cap on all extensions together."),
        start=LAW_START,
    ),
    *_since_1999(
        "P3",
        "plan_extension_reasons",
        ["literacy", "illness", "family_leave", "other_special_need"],
        "codes",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 15.2"),
        "U",
        gettext_noop("Reason codes an extension may carry."),
    ),
    *_since_1999(
        "P4",
        "referral_due_months",
        6,
        "months",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 16"),
        "V",
        gettext_noop(
            "A service in the plan must be referred or started within N months of the plan start."
        ),
    ),
    *_since_1999(
        "P5",
        "review_interval_months",
        12,
        "months",
        gettext_noop("Laki kotoutumisen edistämisestä 1386/2010 § 16 (old law)"),
        "U",
        gettext_noop("A plan is reviewed at least every N months."),
    ),
    *_since_1999(
        "P6",
        "assessment_start_target_days",
        30,
        "days",
        gettext_noop("Keski-Uusimaa regional programme (municipal target, not statute)"),
        "U",
        gettext_noop("Assessment starts within N days of the client relationship."),
    ),
    _rule(
        "P7",
        "orientation_completion_hours",
        70,
        "hours",
        gettext_noop("Valtioneuvoston asetus 24.10.2024 (monikielinen yhteiskuntaorientaatio)"),
        "V",
        gettext_noop("Social orientation is completed at N attended hours."),
        start=LAW_START,
    ),
    *_since_1999(
        "P8",
        "language_target_level",
        "B1.1",
        "cefr",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 21"),
        "V",
        gettext_noop("Integration training's language target in each tested skill."),
    ),
    *_since_1999(
        "C1",
        "compensation_eligible_bases",
        PERMIT_BASES_ELIGIBLE,
        "codes",
        gettext_noop(
            "Laki kotoutumisen edistämisestä 681/2023 § 2.3–4 and § 49; list verified for Laki "
            "kotoutumisen edistämisestä 1386/2010, assumed unchanged; Aliens Act 89 § "
            "(humanitarian protection, repealed 2016) in the others group"
        ),
        "U",
        gettext_noop("Permit bases for which computational compensation is paid."),
    ),
    *_since_1999(
        "C1",
        "compensation_citizenship_kept_bases",
        ["trafficking_victim"],
        "codes",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 49 (naturalisation)"),
        "U",
        gettext_noop(
            "Permit bases whose compensation months continue after the person becomes a Finnish "
            "citizen; for the others a month counts only if it ends before the citizenship date."
        ),
    ),
    *_since_1999(
        "C3",
        "compensation_quota_bases",
        ["quota_refugee", "family_of_quota_refugee"],
        "codes",
        gettext_noop("Laki kotoutumisen edistämisestä 681/2023 § 49"),
        "V",
        gettext_noop("Bases with the longer compensation period."),
    ),
    *_since_1999(
        "C3",
        "compensation_period_years_quota",
        4,
        "years",
        gettext_noop("Laki kotoutumisen edistämisestä 1386/2010 § 45"),
        "V",
        gettext_noop("Compensation period for quota refugees and their family."),
        end=BEFORE_LAW,
    ),
    _rule(
        "C3",
        "compensation_period_years_quota",
        3,
        "years",
        gettext_noop("HE 21/2024"),
        "U",
        gettext_noop("Compensation period for quota refugees and their family."),
        start=LAW_START,
    ),
    *_since_1999(
        "C3",
        "compensation_period_years_other",
        3,
        "years",
        gettext_noop("Laki kotoutumisen edistämisestä 1386/2010 § 45"),
        "V",
        gettext_noop("Compensation period for other eligible persons."),
        end=BEFORE_LAW,
    ),
    _rule(
        "C3",
        "compensation_period_years_other",
        2,
        "years",
        gettext_noop("HE 21/2024"),
        "U",
        gettext_noop("Compensation period for other eligible persons."),
        start=LAW_START,
    ),
    *_since_1999(
        "C4",
        "compensation_age_band_years",
        7,
        "years",
        gettext_noop("Valtioneuvoston asetus 1393/2010"),
        "V",
        gettext_noop("Below this age the under-7 rate applies."),
    ),
]

RATES_BEFORE_2023 = ("2300.00", "6845.00")  # the whole compensation went to the municipality
RATES_FROM = date(2023, 1, 1)
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
    for _band, _amount, _before in (
        ("7_plus", _seven_plus, RATES_BEFORE_2023[0]),
        ("under_7", _under_seven, RATES_BEFORE_2023[1]),
    ):
        _periods = [
            (
                RATES_FROM,
                date(2023, 12, 31),
                "V",
                gettext_noop("Valtioneuvoston asetus, rates for 2023"),
                _amount,
            ),
            (
                date(2024, 1, 1),
                None,
                "U",
                gettext_noop("2023 rate carried over until the ministry's figure"),
                _amount,
            ),
        ]
        if _kind != "wellbeing_county":  # the counties began on 1.1.2023
            _periods[:0] = [
                (
                    FIRST_ACT_START,
                    BEFORE_HISTORY,
                    "U",
                    gettext_noop(
                        "Laki maahanmuuttajien kotoutumisesta ja turvapaikanhakijoiden vastaanotosta 493/1999; rate of Valtioneuvoston asetus 1393/2011 assumed"
                    ),
                    _before,
                ),
                (
                    HISTORY,
                    RATES_FROM - timedelta(days=1),
                    "V",
                    gettext_noop(
                        "Valtioneuvoston asetus 1393/2011 (whole compensation to the municipality)"
                    ),
                    _before,
                ),
            ]
        for _start, _end, _confidence, _source, _value in _periods:
            RULES.append(
                _rule(
                    "C5",
                    f"compensation_rate_{_kind}_{_band}",
                    _value,
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
        gettext_noop("Tilastokeskus disclosure-control practice"),
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
        gettext_noop("Arkistolaitos retention practice for social-welfare client records"),
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
        gettext_noop("Local security policy: use-log monitoring (906/2019 § 17, ASVS V7)"),
        "U",
        gettext_noop(
            "More distinct clients than N read by one user within an hour raises an alert."
        ),
    ),
]


# Rows an earlier seed wrote with other values: (key, effective_from, the earlier value). The
# earlier seed judged every pathway by the 2025 law and left 89 § out of C1; `upgrade_rules`
# rewrites these rows to today's seed unless an administrator has changed them since.
_EARLIER_ELIGIBLE = [b for b in PERMIT_BASES_ELIGIBLE if b != "humanitarian_protection"]
REVISED = [
    ("plan_total_base_months", HISTORY, 24),
    ("plan_extension_cap_months", HISTORY, 12),
    ("compensation_eligible_bases", HISTORY, _EARLIER_ELIGIBLE),
]


def _same(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return str(a) == str(b)


def upgrade_rules(rule_model) -> int:
    """Rewrite the rows of `REVISED` that still hold the earlier seeded value, then insert the
    missing rows. Returns the number of rows changed or created."""
    seeded = {(row["key"], row["effective_from"]): row for row in RULES}
    changed = 0
    for key, start, earlier in REVISED:
        row = rule_model.objects.filter(key=key, effective_from=start).first()
        if row is None or not _same(row.value, earlier):
            continue
        new = seeded[(key, start)]
        for field in ("value", "effective_to", "source", "confidence", "description"):
            setattr(row, field, new[field])
        row.save()
        changed += 1
    return changed + load_rules(rule_model)


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
