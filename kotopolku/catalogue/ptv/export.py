"""A catalogue service in PTV's version 11 IN model (POST /api/v11/Service), for entering it in
the national catalogue. Validated against `ptv_v11.schema.json#/$defs/ServiceIn`.

PTV requires a service class and a target group from its own code lists. A service read from PTV
carries them in `ptv_classification`; a service made here has none, and the export names what is
missing instead of guessing codes.
"""

import jsonschema
from django.utils.translation import gettext as _

from kotopolku.catalogue.models import Service
from kotopolku.catalogue.ptv.sync import LANGUAGES, validator

SUMMARY_MAX = 150


def _summary(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    sentence = first.split(". ", 1)[0]
    if len(sentence) <= SUMMARY_MAX:
        return sentence
    return sentence[: SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…"


def service_document(service: Service) -> dict:
    classification = service.ptv_classification or {}
    names = []
    descriptions = []
    summaries = classification.get("summary") or {}
    for lang in LANGUAGES:
        name = getattr(service, f"name_{lang}", "") or ""
        description = getattr(service, f"description_{lang}", "") or ""
        if name:
            names.append({"type": "Name", "language": lang, "value": name})
        summary = summaries.get(lang) or _summary(description or name if name else "")
        if summary:
            descriptions.append({"type": "Summary", "language": lang, "value": summary})
        if description:
            descriptions.append({"type": "Description", "language": lang, "value": description})
    codes = sorted(m.municipality_code for m in service.municipalities.all() if m.municipality_code)
    document: dict = {
        "sourceId": f"kotopolku-service-{service.pk}",
        "type": classification.get("type") or "Service",
        "fundingType": "PubliclyFunded",
        "serviceNames": names,
        "serviceDescriptions": descriptions,
        "languages": service.language_codes,
        "areaType": "LimitedType" if codes else (classification.get("area_type") or "Nationwide"),
        "serviceClasses": [c["uri"] for c in classification.get("service_classes", [])],
        "ontologyTerms": [c["uri"] for c in classification.get("ontology_terms", [])],
        "targetGroups": [c["uri"] for c in classification.get("target_groups", [])],
        "publishingStatus": "Draft",
    }
    if codes:
        document["areas"] = [{"type": "Municipality", "areaCodes": codes}]
    ptv_org = (
        service.responsible_organisation.ptv_organisations.order_by("ptv_id").first()
        if service.responsible_organisation
        else None
    )
    if ptv_org is not None:
        document["mainResponsibleOrganization"] = ptv_org.ptv_id
    return document


def service_problems(document: dict) -> list[str]:
    """What keeps the document from being valid PTV input, in the user's language."""
    problems = []
    if not document["serviceClasses"]:
        problems.append(_("PTV needs a service class; link the service to PTV or add it there."))
    if not document["targetGroups"]:
        problems.append(_("PTV needs a target group from its own list."))
    if not document["languages"]:
        problems.append(_("Give at least one language of service."))
    if not problems:
        problems = [
            f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in sorted(validator("ServiceIn").iter_errors(document), key=str)
        ]
    return problems


def is_valid(document: dict) -> bool:
    try:
        validator("ServiceIn").validate(document)
    except jsonschema.ValidationError:
        return False
    return True
