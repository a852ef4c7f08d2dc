"""The Keski-Uusimaa programme 2025–2028 with Järvenpää's seven policy lines (seed document of
October 2024), goals, measures and indicators, and the welfare committee's decision of
23.10.2024 that approved version 1. Running it twice changes nothing."""

from datetime import date
from decimal import Decimal
from typing import Any

from kotopolku.catalogue.models import Service
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme import services
from kotopolku.programme.models import Indicator, Programme
from kotopolku.programme.services import (
    DecisionInput,
    GoalInput,
    IndicatorInput,
    MeasureInput,
    PolicyLineInput,
    ProgrammeInput,
)

NAME = (
    "Keski-Uudenmaan kotoutumisohjelma",
    "Integrationsprogrammet för Mellersta Nyland",
    "Central Uusimaa integration programme",
)

# number, (title fi, sv, en), (text fi, sv, en). Finnish from the seed; sv and en translated.
POLICY_LINES = [
    (
        1,
        (
            "Alueellinen kotoutumisohjelma",
            "Det regionala integrationsprogrammet",
            "The regional integration programme",
        ),
        (
            "Asiakkaalle tarjottava kotoutumisohjelma palvelukokonaisuus kuvataan alueellisessa "
            "Keski-Uudenmaan kotoutumisohjelma-asiakirjassa.",
            "Integrationsprogrammets servicehelhet som erbjuds klienten beskrivs i det regionala "
            "programdokumentet för integrationsprogrammet i Mellersta Nyland.",
            "The integration programme's service package offered to clients is described in the "
            "regional Central Uusimaa integration programme document.",
        ),
    ),
    (
        2,
        (
            "Kytkentä strategiseen suunnitteluun",
            "Koppling till den strategiska planeringen",
            "Link to strategic planning",
        ),
        (
            "Kotoutumisen edistäminen ja palveluiden suunnittelu kytketään Järvenpäässä vahvasti "
            "kaupungin strategiseen suunnitteluun ja ohjelmatyöhön. Maahanmuuttajien hyvinvointia, "
            "turvallisuutta, terveyttä ja osallisuutta edistävät tavoitteet ja mittarit asetetaan "
            "osana Järvenpään kaupungin hyvinvointi- ja turvallisuussuunnitelmaa.",
            "Främjandet av integration och planeringen av tjänster kopplas i Träskända starkt till "
            "stadens strategiska planering och programarbete. Mål och mätare som främjar "
            "invandrares välbefinnande, trygghet, hälsa och delaktighet fastställs som en del av "
            "Träskända stads välfärds- och trygghetsplan.",
            "In Järvenpää, promoting integration and planning services are tied closely to the "
            "city's strategic planning and programme work. Goals and indicators that promote "
            "immigrants' wellbeing, safety, health and participation are set in the City of "
            "Järvenpää's welfare and safety plan.",
        ),
    ),
    (
        3,
        (
            "Toimenpiteet käyttösuunnitelmissa",
            "Åtgärder i dispositionsplanerna",
            "Measures in the operating plans",
        ),
        (
            "Kotoutumisen tavoitteista johdetut toimenpiteet asetetaan ja raportoidaan osana "
            "palvelualueiden ja konsernipalveluiden käyttösuunnitelmia, kuten muutkin hyvinvointi- "
            "ja turvallisuussuunnitelman toimenpiteet.",
            "Åtgärder som härleds ur integrationsmålen fastställs och rapporteras som en del av "
            "serviceområdenas och koncerntjänsternas dispositionsplaner, liksom välfärds- och "
            "trygghetsplanens övriga åtgärder.",
            "Measures derived from the integration goals are set and reported in the operating "
            "plans of the service areas and group services, like the other measures of the "
            "welfare and safety plan.",
        ),
    ),
    (
        4,
        ("Peruspalvelut kaikille", "Basservice för alla", "Basic services for everyone"),
        (
            "Peruspalvelujen toimenpiteillä varmistetaan, että maahanmuuttanut pystyy asioimaan ja "
            "osallistumaan palveluissa kuten muutkin kuntalaiset.",
            "Genom åtgärder inom basservicen säkerställs att invandrare kan använda och delta i "
            "tjänsterna på samma sätt som andra kommuninvånare.",
            "Measures in the basic services make sure that immigrants can use and take part in "
            "services like other residents.",
        ),
    ),
    (
        5,
        (
            "Kohdennetut kieli- ja kulttuuritoimenpiteet",
            "Riktade språk- och kulturåtgärder",
            "Targeted language and culture measures",
        ),
        (
            "Kohdennettuja, esimerkiksi eri ikäisille, suunnattuja kielen ja kulttuuriin "
            "oppimiseen liittyviä toimenpiteitä, suunnitellaan tarvelähtöisesti.",
            "Riktade åtgärder för språk- och kulturinlärning, till exempel för olika åldersgrupper, "
            "planeras utifrån behov.",
            "Targeted measures for learning the language and culture, for example for different "
            "age groups, are planned from need.",
        ),
    ),
    (
        6,
        (
            "Osallisuus ja hyvät väestösuhteet",
            "Delaktighet och goda befolkningsrelationer",
            "Participation and good population relations",
        ),
        (
            "Kaupungin, vaikuttamistoimielinten, järjestöjen, yhdistysten ja yhteisötoiminnan "
            "yhteistyöllä edistetään osallisuutta, ennalta ehkäistään rasismia sekä edistetään "
            "hyviä väestösuhteita.",
            "Genom samarbete mellan staden, påverkansorganen, organisationer, föreningar och "
            "gemenskaper främjas delaktighet, förebyggs rasism och främjas goda relationer mellan "
            "befolkningsgrupper.",
            "Cooperation between the city, its influence bodies, NGOs, associations and community "
            "activity promotes participation, prevents racism and promotes good population "
            "relations.",
        ),
    ),
    (
        7,
        (
            "Maahanmuutto riskien arvioinnissa",
            "Migration i riskbedömningen",
            "Migration in the risk assessment",
        ),
        (
            "Osana kaupungin riskien arviointiprosessia tarkastellaan maahanmuuttokysymykset.",
            "Migrationsfrågor granskas som en del av stadens riskbedömningsprocess.",
            "Migration questions are examined as part of the city's risk assessment process.",
        ),
    ),
]

DECISION = DecisionInput(
    body_fi="Järvenpään hyvinvointilautakunta",
    body_sv="Träskända stads välfärdsnämnd",
    body_en="Järvenpää welfare committee",
    date=date(2024, 10, 23),
    text_fi=(
        "Hyvinvointilautakunta päättää hyväksyä 1. linjaukset kotoutumisen edistämisestä "
        "Järvenpäässä ja 2. Keski-Uudenmaan kotoutumisohjelma-asiakirjan."
    ),
    text_sv=(
        "Välfärdsnämnden beslutar godkänna 1. riktlinjerna för främjande av integration i "
        "Träskända och 2. programdokumentet för integrationsprogrammet i Mellersta Nyland."
    ),
    text_en=(
        "The welfare committee approves 1. the policy lines on promoting integration in "
        "Järvenpää and 2. the Central Uusimaa integration programme document."
    ),
    appointments_fi=(
        "Kotoutumisen ja maahanmuuton yhteistyöryhmään palvelualuejohtaja Kristiina Soots; "
        "kotoutumisen ja maahanmuuton koordinaatioryhmään erityisasiantuntija Arja Loima."
    ),
    appointments_sv=(
        "Till samarbetsgruppen för integration och migration serviceområdesdirektör Kristiina "
        "Soots; till koordineringsgruppen för integration och migration specialsakkunnig Arja Loima."
    ),
    appointments_en=(
        "To the cooperation group for integration and migration, head of service area Kristiina "
        "Soots; to the coordination group, senior specialist Arja Loima."
    ),
)


def _goal_specs(services_by_category):
    return [
        (
            GoalInput(
                title_fi="Palvelutarpeen arviointi käynnistyy nopeasti",
                title_sv="Bedömningen av servicebehovet inleds snabbt",
                title_en="Assessments start quickly",
                description_fi="Jokainen kotoutuja saa arvioinnin 30 päivän kuluessa asiakkuuden alusta.",
                description_sv="Varje klient får en bedömning inom 30 dagar från att klientrelationen inleds.",
                description_en="Every client gets an assessment within 30 days of the start of the client relationship.",
                services=services_by_category.get("assessment", []),
            ),
            [1, 3],
            [
                MeasureInput(
                    title_fi="Yhteinen ajanvarauskalenteri kuntien ja työllisyysalueen kesken",
                    title_sv="Gemensam tidsbokning för kommunerna och sysselsättningsområdet",
                    title_en="A shared booking calendar for the municipalities and the employment area",
                    responsible_unit_fi="Hyvinvoinnin palvelualue",
                    responsible_unit_sv="Serviceområdet för välfärd",
                    responsible_unit_en="Welfare service area",
                    starts=date(2025, 1, 1),
                    ends=date(2025, 12, 31),
                    status="in_progress",
                    operating_plan="Käyttösuunnitelma 2025, hyvinvoinnin palvelualue",
                )
            ],
            [
                IndicatorInput(
                    name_fi="Arvioinnin alkamisen mediaaniaika",
                    name_sv="Mediantid till att bedömningen inleds",
                    name_en="Median time to the start of the assessment",
                    definition_fi="Päivät asiakkuuden alusta arvioinnin alkuun, mediaani.",
                    definition_sv="Dagar från klientrelationens början till bedömningens början, median.",
                    definition_en="Days from the start of the client relationship to the start of the assessment, median.",
                    unit_fi="päivää",
                    unit_sv="dagar",
                    unit_en="days",
                    direction="decrease",
                    source="computed",
                    source_reference="assessment_median_days",
                    baseline=Decimal("45"),
                    baseline_year=2024,
                    target=Decimal("30"),
                    target_year=2028,
                )
            ],
            [("2023", "52"), ("2024", "45")],
            [("2025", "38")],
        ),
        (
            GoalInput(
                title_fi="Maahanmuuttaneiden osallisuus ja hyvinvointi vahvistuvat",
                title_sv="Invandrarnas delaktighet och välbefinnande stärks",
                title_en="Immigrants' participation and wellbeing grow",
                welfare_plan=True,
                services=services_by_category.get("participation", [])
                + services_by_category.get("wellbeing", []),
            ),
            [2, 6],
            [
                MeasureInput(
                    title_fi="Järjestöjen kohtaamispaikkatoiminnan avustukset",
                    title_sv="Understöd till organisationernas mötesplatser",
                    title_en="Grants for NGO meeting places",
                    responsible_unit_fi="Kulttuuri- ja vapaa-aikapalvelut",
                    responsible_unit_sv="Kultur- och fritidstjänster",
                    responsible_unit_en="Culture and leisure services",
                    starts=date(2025, 1, 1),
                    ends=date(2028, 12, 31),
                    status="in_progress",
                    operating_plan="Käyttösuunnitelma 2025, kulttuuri- ja vapaa-aikapalvelut",
                )
            ],
            [
                IndicatorInput(
                    name_fi="Osallisuuden kokemus (vieraskieliset nuoret)",
                    name_sv="Upplevd delaktighet (unga med främmande språk)",
                    name_en="Sense of participation (young people with a foreign mother tongue)",
                    definition_fi="Kouluterveyskyselyssä osallisuutensa hyväksi kokevien osuus.",
                    definition_sv="Andelen som upplever sin delaktighet som god i enkäten Hälsa i skolan.",
                    definition_en="Share who rate their participation as good in the School Health Promotion study.",
                    unit_fi="%",
                    unit_sv="%",
                    unit_en="%",
                    direction="increase",
                    source="external",
                    source_reference="THL Kouluterveyskysely, Sotkanet 5224",
                    baseline=Decimal("61"),
                    baseline_year=2023,
                    target=Decimal("70"),
                    target_year=2027,
                    welfare_plan=True,
                )
            ],
            [("2023", "61")],
            [("2025", "64")],
        ),
        (
            GoalInput(
                title_fi="Kielitaito karttuu ja kotoutumiskoulutus päättyy tavoitetasolle",
                title_sv="Språkkunskaperna ökar och integrationsutbildningen når målnivån",
                title_en="Language skills grow and integration training reaches its target level",
                services=services_by_category.get("integration_training", [])
                + services_by_category.get("language_studies", []),
            ),
            [5],
            [
                MeasureInput(
                    title_fi="Kotivanhempien lastenhoidollinen kielikurssi",
                    title_sv="Språkkurs med barnpassning för hemföräldrar",
                    title_en="Language course with childcare for home-care parents",
                    responsible_unit_fi="Kansalaisopisto",
                    responsible_unit_sv="Medborgarinstitutet",
                    responsible_unit_en="Adult education centre",
                    starts=date(2025, 8, 1),
                    status="planned",
                    operating_plan="Käyttösuunnitelma 2025, sivistyksen palvelualue",
                )
            ],
            [
                IndicatorInput(
                    name_fi="B1.1-tason saavuttaneiden osuus päättötestissä",
                    name_sv="Andel som når nivå B1.1 i sluttestet",
                    name_en="Share reaching B1.1 in the final test",
                    definition_fi="Päättötestin kaikissa osataidoissa B1.1 saavuttaneiden osuus testatuista.",
                    definition_sv="Andelen testade som når B1.1 i alla delfärdigheter i sluttestet.",
                    definition_en="Share of those tested who reach B1.1 in every skill of the final test.",
                    unit_fi="%",
                    unit_sv="%",
                    unit_en="%",
                    direction="increase",
                    source="computed",
                    source_reference="language_target_share",
                    baseline=Decimal("34"),
                    baseline_year=2024,
                    target=Decimal("45"),
                    target_year=2028,
                )
            ],
            [("2024", "34")],
            [],
        ),
    ]


# Added by the coordination group after the approval, into version 2: computed by Kotopolku
# from the course attendance (statistics indicator "orientation_completion_rate"), so the
# monthly `compute_monitoring` run writes its figures.
ORIENTATION_INDICATOR = IndicatorInput(
    name_fi="Yhteiskuntaorientaation suorittaneiden osuus",
    name_sv="Andel som slutfört samhällsorienteringen",
    name_en="Share completing social orientation",
    definition_fi=(
        "Päättyneiden monikielisten yhteiskuntaorientaatioiden osallistujista suorittaneiden "
        "osuus (vaadittu tuntimäärä sääntötaulukosta)."
    ),
    definition_sv=(
        "Andelen av deltagarna i avslutade flerspråkiga samhällsorienteringar som slutfört den "
        "(det timantal som krävs enligt regeltabellen)."
    ),
    definition_en=(
        "Share of the participants of ended multilingual social orientation courses who completed "
        "it (the required hours come from the rule table)."
    ),
    unit_fi="%",
    unit_sv="%",
    unit_en="%",
    direction="increase",
    source="computed",
    source_reference="orientation_completion_rate",
    target=Decimal("80"),
    target_year=2028,
)

# Computed demo indicators and the statistics indicator each is bound to (for demo databases
# seeded before the bindings existed).
BINDINGS = {
    "Arvioinnin alkamisen mediaaniaika": "assessment_median_days",
    "B1.1-tason saavuttaneiden osuus päättötestissä": "language_target_share",
    ORIENTATION_INDICATOR.name_fi: "orientation_completion_rate",
}


def _bind_computed_indicators(programme: Programme, actor) -> None:
    for indicator in Indicator.objects.filter(
        goal__programme=programme, source=Indicator.Source.COMPUTED, source_reference=""
    ):
        key = BINDINGS.get(getattr(indicator, "name_fi", "") or "")
        if key:
            data = services.input_from(indicator, IndicatorInput)
            data.source_reference = key
            services.indicator_update(actor=actor, indicator=indicator, data=data)


def seed_programme(*, actor=None) -> Programme:
    region = Region.objects.get(slug="keski-uusimaa")
    existing = Programme.objects.filter(region=region, name_fi=NAME[0], period_start=2025).first()
    if existing is not None:
        _bind_computed_indicators(existing, actor)
        return existing
    municipalities = list(Organisation.objects.filter(region=region, kind="municipality"))
    parties = list(
        Organisation.objects.filter(region=region).exclude(kind="municipality").order_by("kind")
    )
    programme = services.programme_create(
        actor=actor,
        data=ProgrammeInput(
            region=region,
            name_fi=NAME[0],
            name_sv=NAME[1],
            name_en=NAME[2],
            description_fi=(
                "Keski-Uudenmaan kuntien, työllisyysalueen, hyvinvointialueen ja oppilaitosten "
                "yhteinen kotoutumisohjelma."
            ),
            description_sv=(
                "Det gemensamma integrationsprogrammet för kommunerna, sysselsättningsområdet, "
                "välfärdsområdet och läroanstalterna i Mellersta Nyland."
            ),
            description_en=(
                "The joint integration programme of the municipalities, the employment area, the "
                "wellbeing services county and the educational institutions of Central Uusimaa."
            ),
            period_start=2025,
            period_end=2028,
            municipalities=municipalities,
            parties=parties,
        ),
    )
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    lines = {}
    for number, titles, texts in POLICY_LINES:
        lines[number] = services.policy_line_create(
            actor=actor,
            programme=programme,
            data=PolicyLineInput(
                municipality=jarvenpaa,
                number=number,
                title_fi=titles[0],
                title_sv=titles[1],
                title_en=titles[2],
                text_fi=texts[0],
                text_sv=texts[1],
                text_en=texts[2],
            ),
        )
    by_category: dict[str, list[Service]] = {}
    for service in Service.objects.filter(archived=False).order_by("pk"):
        by_category.setdefault(service.category_id, []).append(service)
    later: list[Any] = []
    for goal_input, line_numbers, measures, indicators, early, late in _goal_specs(by_category):
        goal_input.policy_lines = [lines[n] for n in line_numbers]
        goal = services.goal_create(actor=actor, programme=programme, data=goal_input)
        for measure in measures:
            measure.services = goal_input.services[:1]
            services.measure_create(actor=actor, goal=goal, data=measure)
        for indicator_input in indicators:
            indicator = services.indicator_create(actor=actor, goal=goal, data=indicator_input)
            for period, value in early:
                services.monitoring_entry_record(
                    actor=actor, indicator=indicator, period=period, value=Decimal(value)
                )
            later.extend((indicator, period, value) for period, value in late)
    version = programme.versions.get(number=1)
    services.version_submit(actor=actor, version=version)
    services.version_approve(actor=actor, version=version, decision=DECISION)
    # After the approval the orientation indicator is added: it goes into a new draft, version 2.
    # Monitoring figures open no draft (they are not programme content); the 2025 figures that
    # arrive later show in the draft, which shows live data, and not in the frozen version 1.
    participation = programme.goals.get(number=2)
    services.indicator_create(actor=actor, goal=participation, data=ORIENTATION_INDICATOR)
    for indicator, period, value in later:
        services.monitoring_entry_record(
            actor=actor,
            indicator=indicator,
            period=period,
            value=Decimal(value),
            comment="Ennakkotieto",
        )
    return programme
