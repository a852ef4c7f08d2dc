"""The two working groups of the Keski-Uusimaa programme (seed document of October 2024), their
members from every organisation of the region, three meetings in 2025 with approved minutes,
follow-up tasks, a draft annual report for 2025 and the state reporting profiles (the ELY centre
until 2025, the elinvoimakeskus from 2026). Running it twice changes nothing.

Member names other than the two appointed in the seed decision are invented for the demo.
"""

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from kotopolku.governance import services
from kotopolku.governance.models import (
    StateReportingField,
    StateReportingProfile,
    WorkingGroup,
)
from kotopolku.governance.services import (
    AgendaItemInput,
    GroupInput,
    MeetingInput,
    MembershipInput,
    TaskInput,
)
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision, Measure, Programme

COOPERATION = {
    "name": (
        "Kotoutumisen ja maahanmuuton yhteistyöryhmä",
        "Samarbetsgruppen för integration och migration",
        "Cooperation group for integration and migration",
    ),
    "mandate": (
        "Keski-Uudenmaan kotoutumisen ja maahanmuuton edistämisen yhteistyöryhmään nimeävät "
        "edustajansa alueen kunnat, Keski-Uudenmaan työllisyysalue sekä Keski-Uudenmaan "
        "hyvinvointialue. Ryhmä toimii ohjausryhmän roolissa ja voi laajentaa kokoonpanoaan "
        "käsiteltävien asioiden pohjalta. Ryhmä kokoontuu vähintään 2 kertaa vuodessa.",
        "Kommunerna i regionen, sysselsättningsområdet i Mellersta Nyland och välfärdsområdet i "
        "Mellersta Nyland utser sina representanter till samarbetsgruppen för främjande av "
        "integration och migration i Mellersta Nyland. Gruppen fungerar som styrgrupp och kan "
        "utvidga sin sammansättning utifrån de frågor som behandlas. Gruppen sammanträder minst "
        "två gånger om året.",
        "The municipalities of the region, the Central Uusimaa employment area and the Central "
        "Uusimaa wellbeing services county name their representatives to the cooperation group. "
        "The group acts as a steering group and may widen its membership by topic. It meets at "
        "least twice a year.",
    ),
    "tasks": (
        "johtaa alueellista kotoutumisen edistämisen suunnittelua, kehittämistä ja toimeenpanoa\n"
        "johtaa kotoutumisen edistämisen yhteensovittamista eri viranomaisten suunnittelussa\n"
        "edistää yhdenvertaisuutta ja hyviä väestösuhteita alueellisella tasolla\n"
        "käsittelee vuosittain ohjelmaraportin ja esittelee sen Keski-Uudenmaan "
        "kotoutumisohjelman hyväksyneille päättäjätahoille sekä toimittaa valtion "
        "aluehallintoviranomaiselle raportoitavat tiedot",
        "leder den regionala planeringen, utvecklingen och genomförandet av främjandet av "
        "integration\n"
        "leder samordningen av olika myndigheters planering av främjandet av integration\n"
        "främjar likabehandling och goda befolkningsrelationer på regional nivå\n"
        "behandlar årligen programrapporten och presenterar den för de beslutsfattare som har "
        "godkänt integrationsprogrammet för Mellersta Nyland samt lämnar de uppgifter som ska "
        "rapporteras till den statliga regionförvaltningsmyndigheten",
        "leads the regional planning, development and implementation of integration work\n"
        "leads the coordination of the authorities' planning for integration\n"
        "promotes equality and good population relations at regional level\n"
        "processes the annual programme report, presents it to the bodies that approved the "
        "Central Uusimaa integration programme and delivers the reporting data owed to the "
        "state regional authority",
    ),
}

COORDINATION = {
    "name": (
        "Kotoutumisen ja maahanmuuton koordinaatioryhmä",
        "Koordineringsgruppen för integration och migration",
        "Coordination group for integration and migration",
    ),
    "mandate": (
        "Koordinaatioryhmä vastaa ohjelman operatiivisesta yhteistyöstä ohjelman eri osa-alueiden "
        "osalta, tilastojen seurannasta sekä raporttien kokoamisesta. Ryhmään nimetään kuntien "
        "kotoutumistyön koordinaatiosta vastaavat henkilöt, työllisyysalueen ja hyvinvointialueen "
        "edustajat. Kokoonpanoa laajennetaan käsiteltävien asioiden pohjalta esimerkiksi "
        "oppilaitos- ja järjestöyhteistyön osalta.",
        "Koordineringsgruppen ansvarar för det operativa samarbetet inom programmets olika "
        "delområden, för uppföljningen av statistik och för sammanställningen av rapporter. Till "
        "gruppen utses kommunernas koordinatorer för integrationsarbetet samt företrädare för "
        "sysselsättningsområdet och välfärdsområdet. Sammansättningen utvidgas utifrån de frågor "
        "som behandlas, till exempel i samarbetet med läroanstalter och organisationer.",
        "The coordination group is responsible for operational cooperation across the "
        "programme's areas, for following statistics and for compiling reports. Its members are "
        "the municipalities' integration coordinators and representatives of the employment area "
        "and the wellbeing services county. It is widened by topic, for example for cooperation "
        "with schools and NGOs.",
    ),
    "tasks": (
        "seuraa ohjelman palvelukokonaisuuksien toteutumista\n"
        "kehittää ohjelman palvelukokonaisuuksia toimintaympäristön muuttuessa\n"
        "koordinoi lain kotoutumisen edistämisestä 2 §:n 3 ja 4 momentissa tarkoitettujen "
        "henkilöiden vastaanoton toimeenpanoa",
        "följer upp hur programmets servicehelheter genomförs\n"
        "utvecklar programmets servicehelheter när omvärlden förändras\n"
        "samordnar genomförandet av mottagandet av de personer som avses i 2 § 3 och 4 mom. i "
        "lagen om främjande av integration",
        "follows how the programme's service packages are carried out\n"
        "develops the service packages as the operating environment changes\n"
        "coordinates the reception of the persons referred to in section 2(3) and (4) of the Act "
        "on the Promotion of Integration",
    ),
}

# organisation key, name, title, cooperation role, coordination role (None = not a member),
# coordination topic. Kristiina Soots and Arja Loima are the seed's appointments; the rest are
# invented demo names.
MEMBERS = [
    ("186", "Kristiina Soots", "palvelualuejohtaja", "chair", None, ""),
    ("186", "Arja Loima", "erityisasiantuntija", None, "member", ""),
    ("858", "Tero Tuisku", "hyvinvointijohtaja", "vice_chair", None, ""),
    ("858", "Heli Honkanen", "kotoutumiskoordinaattori", None, "chair", ""),
    ("543", "Niina Nurmi", "sivistysjohtaja", "member", None, ""),
    ("543", "Olli Ojala", "kotoutumiskoordinaattori", None, "vice_chair", ""),
    ("106", "Hanna Hyvönen", "perusturvajohtaja", "member", "member", ""),
    ("505", "Mikko Mäntylä", "sosiaalityön päällikkö", "member", "member", ""),
    ("611", "Pirjo Pornola", "hallintojohtaja", "member", "member", ""),
    ("employment_area", "Eeva Esko", "työllisyysjohtaja", "member", "member", ""),
    ("wellbeing_county", "Kalle Kuusela", "palvelujohtaja", "member", "member", ""),
    ("education", "Laura Lehto", "koulutuspäällikkö", "expert", "expert", "oppilaitosyhteistyö"),
    ("ngo", "Samira Salo", "toiminnanjohtaja", "expert", "expert", "järjestöyhteistyö"),
]


def _org(key: str) -> Organisation:
    if key.isdigit():
        return Organisation.objects.get(municipality_code=key)
    return Organisation.objects.filter(kind=key).order_by("pk")[:1].get()


def _group(region, spec, kind, chair, vice, minimum) -> WorkingGroup:
    return services.group_create(
        actor=None,
        data=GroupInput(
            region=region,
            kind=kind,
            name_fi=spec["name"][0],
            name_sv=spec["name"][1],
            name_en=spec["name"][2],
            mandate_fi=spec["mandate"][0],
            mandate_sv=spec["mandate"][1],
            mandate_en=spec["mandate"][2],
            tasks_fi=spec["tasks"][0],
            tasks_sv=spec["tasks"][1],
            tasks_en=spec["tasks"][2],
            chair_organisation=_org(chair),
            vice_chair_organisation=_org(vice),
            min_meetings_per_year=minimum,
        ),
    )


def _profiles(region: Region) -> None:
    fields = [
        ("measures_total", "Toimenpiteitä ohjelmassa", "Åtgärder i programmet", "Measures"),
        ("measures_done", "Toteutuneet toimenpiteet", "Genomförda åtgärder", "Measures done"),
        (
            "indicators_on_target",
            "Tavoitetasolle päässeet mittarit",
            "Mätare som nått målet",
            "Indicators on target",
        ),
        ("services_active", "Palveluja vuoden lopussa", "Tjänster vid årets slut", "Services"),
        (
            "cooperation_meetings",
            "Yhteistyöryhmän kokoukset",
            "Samarbetsgruppens möten",
            "Cooperation-group meetings",
        ),
    ]
    for valid_from, names in (
        (
            date(2024, 1, 1),
            ("Uudenmaan ELY-keskus", "NTM-centralen i Nyland", "Uusimaa ELY Centre"),
        ),
        (
            date(2026, 1, 1),
            (
                "Uudenmaan elinvoimakeskus",
                "Livskraftscentralen i Nyland",
                "Uusimaa Vitality Centre",
            ),
        ),
    ):
        profile = StateReportingProfile.objects.create(
            region=region,
            valid_from=valid_from,
            authority_name=names[0],
            authority_name_fi=names[0],
            authority_name_sv=names[1],
            authority_name_en=names[2],
        )
        for order, (source, fi, sv, en) in enumerate(fields, start=1):
            StateReportingField.objects.create(
                profile=profile,
                order=order,
                code=source,
                source=source,
                label=fi,
                label_fi=fi,
                label_sv=sv,
                label_en=en,
            )


@transaction.atomic
def seed_governance() -> WorkingGroup | None:
    region = Region.objects.filter(slug="keski-uusimaa").first()
    if region is None:
        return None
    existing = WorkingGroup.objects.filter(region=region, name_fi=COOPERATION["name"][0]).first()
    if existing is not None:
        return existing
    cooperation = _group(region, COOPERATION, WorkingGroup.Kind.COOPERATION, "186", "858", 2)
    coordination = _group(region, COORDINATION, WorkingGroup.Kind.COORDINATION, "858", "543", 0)
    decision = Decision.objects.filter(date=date(2024, 10, 23)).order_by("pk").first()
    term = date(2025, 1, 1)
    coop_members: list[Any] = []
    coord_members: list[Any] = []
    for key, name, title, coop_role, coord_role, topic in MEMBERS:
        appointed = key == "186"
        for group, role, bucket in (
            (cooperation, coop_role, coop_members),
            (coordination, coord_role, coord_members),
        ):
            if role is None:
                continue
            bucket.append(
                services.membership_add(
                    actor=None,
                    group=group,
                    data=MembershipInput(
                        organisation=_org(key),
                        role=role,
                        term_start=term,
                        term_end=date(2028, 12, 31),
                        external_name=name,
                        external_email=f"{name.lower().replace(' ', '.')}@demo.kotopolku.invalid",
                        title=title,
                        topic=topic,
                        appointing_decision=decision if appointed else None,
                        appointing_decision_text=""
                        if appointed
                        else "Organisaation oma nimeämispäätös (demo)",
                    ),
                )
            )
    User = get_user_model()
    secretary = User.objects.filter(username="coordinator").first()
    if secretary is not None:
        coop_members.append(
            services.membership_add(
                actor=None,
                group=cooperation,
                data=MembershipInput(
                    organisation=_org("186"),
                    role="secretary",
                    term_start=term,
                    user=secretary,
                    title="alueellinen kotoutumiskoordinaattori",
                ),
            )
        )
    programme = Programme.objects.filter(region=region, period_start=2025).first()
    measures = (
        list(Measure.objects.filter(goal__programme=programme).order_by("goal__number", "id"))
        if programme
        else []
    )
    report = services.report_create(
        actor=None,
        region=region,
        year=2025,
        summary=(
            "Ohjelmakauden ensimmäinen vuosi: arvioinnit käynnistyivät nopeammin ja "
            "kohtaamispaikkatoiminta laajeni. Kielikurssi kotivanhemmille alkoi syksyllä."
        ),
    )
    owner = secretary or User.objects.filter(is_active=True).order_by("pk").first()
    caseworker = User.objects.filter(username="caseworker-jarvenpaa").first()

    def meeting(group, day, place, members, items):
        m = services.meeting_schedule(
            actor=None,
            group=group,
            data=MeetingInput(date=day, place=place, participants=members),
        )
        made = []
        for title, description, decision_text, refs in items:
            made.append(
                services.agenda_item_add(
                    actor=None,
                    meeting=m,
                    data=AgendaItemInput(
                        title=title, description=description, decision=decision_text, **refs
                    ),
                )
            )
        services.minutes_approve(actor=None, meeting=m)
        return m, made

    _, first_items = meeting(
        cooperation,
        date(2025, 3, 12),
        "Järvenpää-talo, kokoushuone Sibelius",
        coop_members[:8],
        [
            (
                "Kokouksen avaus ja järjestäytyminen",
                "",
                "Puheenjohtaja avasi kokouksen. Kokous todettiin päätösvaltaiseksi.",
                {},
            ),
            (
                "Kotoutumisohjelman toimenpiteiden käynnistyminen",
                "Katsaus ohjelman ensimmäisiin toimenpiteisiin.",
                "Merkittiin tiedoksi. Koordinaatioryhmä seuraa toimenpiteitä ja raportoi syksyllä.",
                {"measures": measures[:2]},
            ),
        ],
    )
    _, autumn_items = meeting(
        cooperation,
        date(2025, 10, 15),
        "Tuusulan kunnantalo, valtuustosali",
        coop_members[:9],
        [
            (
                "Toimenpiteiden tilannekatsaus",
                "Koordinaatioryhmän raportti toimenpiteiden etenemisestä.",
                "Merkittiin tiedoksi. Kielikurssin jatko valmistellaan vuodelle 2026.",
                {"measures": measures[1:3]},
            ),
            (
                "Vuoden 2025 ohjelmaraportin valmistelu",
                "Ohjelmaraportti laaditaan alkuvuodesta 2026.",
                "Päätettiin, että koordinaatioryhmä kokoaa raportin luonnoksen tammikuussa.",
                {"annual_report": report},
            ),
        ],
    )
    _, coord_items = meeting(
        coordination,
        date(2025, 6, 4),
        "Nurmijärven kunnantalo",
        coord_members[:8],
        [
            (
                "Arvioinnin alkamisen seuranta",
                "Tilastokatsaus arviointien alkamisajoista.",
                "Sovittiin yhteisestä ajanvarauskalenterista kuntien ja työllisyysalueen kesken.",
                {"measures": measures[:1]},
            ),
        ],
    )
    if owner is not None:
        services.task_create(
            actor=None,
            group=cooperation,
            data=TaskInput(
                title="Kokoa vuoden 2025 ohjelmaraportin luonnos",
                owner=owner,
                due=date(2026, 1, 31),
                agenda_item=autumn_items[1],
            ),
        )
    if caseworker is not None:
        services.task_create(
            actor=None,
            group=coordination,
            data=TaskInput(
                title="Päivitä ohjauspalvelun kuvaus palvelukatalogiin",
                owner=caseworker,
                due=date(2025, 9, 30),
                agenda_item=coord_items[0],
            ),
        )
    _profiles(region)
    return cooperation
