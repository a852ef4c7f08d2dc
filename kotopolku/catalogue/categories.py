"""The service categories of docs/data-formats.md, with the statutory package of docs/domain.md §2.

Loaded by a data migration; `statutory_item` is the item number of the package in §2.
"""

# code, statutory item (None = not part of the statutory minimum), fi, sv, en
CATEGORIES = [
    (
        "basic_services",
        None,
        "Kunnan peruspalvelut",
        "Kommunens basservice",
        "Basic municipal services",
    ),
    ("guidance", 6, "Ohjaus ja neuvonta", "Handledning och rådgivning", "Guidance and counselling"),
    (
        "assessment",
        1,
        "Osaamisen ja kotoutumisen palvelutarpeen arviointi",
        "Bedömning av kompetens och integrationsservicebehov",
        "Assessment of competence and integration service needs",
    ),
    ("integration_plan", 2, "Kotoutumissuunnitelma", "Integrationsplan", "Integration plan"),
    (
        "social_orientation",
        3,
        "Monikielinen yhteiskuntaorientaatio",
        "Flerspråkig samhällsorientering",
        "Multilingual social orientation",
    ),
    (
        "integration_training",
        4,
        "Kotoutumiskoulutus",
        "Integrationsutbildning",
        "Integration training",
    ),
    (
        "language_studies",
        5,
        "Muut suomen tai ruotsin kielen opinnot",
        "Andra studier i finska eller svenska",
        "Other Finnish or Swedish studies",
    ),
    (
        "literacy",
        5,
        "Luku- ja kirjoitustaidon opetus",
        "Undervisning i läs- och skrivkunnighet",
        "Literacy training",
    ),
    (
        "employment_training",
        5,
        "Työelämävalmiuksia ja ammatillista osaamista kehittävät koulutukset",
        "Utbildningar som utvecklar arbetslivsfärdigheter och yrkeskompetens",
        "Working-life and vocational training",
    ),
    (
        "wellbeing",
        5,
        "Hyvinvointia edistävät palvelut",
        "Tjänster som främjar välbefinnande",
        "Services that promote wellbeing",
    ),
    (
        "participation",
        5,
        "Osallisuutta edistävät palvelut",
        "Tjänster som främjar delaktighet",
        "Services that promote participation",
    ),
    (
        "population_relations",
        5,
        "Hyviä väestösuhteita edistävät palvelut",
        "Tjänster som främjar goda relationer mellan befolkningsgrupper",
        "Services that promote good population relations",
    ),
]

CATEGORY_CODES = [row[0] for row in CATEGORIES]


def load_categories(category_model) -> int:
    """Insert missing categories; keep names an administrator may have edited."""
    created = 0
    for order, (code, item, fi, sv, en) in enumerate(CATEGORIES, start=1):
        _, was_created = category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": fi,
                "name_fi": fi,
                "name_sv": sv,
                "name_en": en,
                "statutory": item is not None,
                "statutory_item": item,
                "order": order,
            },
        )
        created += was_created
    return created
