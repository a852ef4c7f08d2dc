from datetime import date

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from kotopolku.casework.models import CefrLevel
from kotopolku.catalogue.models import Service
from kotopolku.common.formatting import short_date
from kotopolku.common.holidays import public_holiday
from kotopolku.common.uploads import check_upload
from kotopolku.common.widgets import IsoDateInput
from kotopolku.courses.models import Course, CourseSession, WorkPlacement
from kotopolku.organisations.models import Organisation

DATE = IsoDateInput()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Course code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Course.Kind.choices)
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.none(), empty_label=_("Choose…")
    )
    service = forms.ModelChoiceField(
        label=_("Catalogue service"), queryset=Service.objects.none(), empty_label=_("Choose…")
    )
    language = forms.RegexField(
        label=_("Language of instruction"),
        regex=r"^[a-z]{2,3}$",
        max_length=3,
        help_text=_("ISO 639-1 code, for example ar, fa, uk, so or fi."),
        error_messages={"invalid": _("Give a two- or three-letter language code, such as ar.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Organisation.objects.none(), empty_label=_("Choose…")
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000)
    planned_hours = forms.DecimalField(
        label=_("Planned hours"),
        min_value=1,
        max_digits=6,
        decimal_places=1,
        localize=True,  # 1,5 as well as 1.5, as in the attendance form
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.filter(archived=False).order_by(
            "kind", "name"
        )
        self.fields["municipality"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, archived=False
        ).order_by("name")
        self.fields["service"].queryset = (
            Service.objects.filter(
                archived=False, category_id__in=list(Course.CATEGORY_OF_KIND.values())
            )
            .select_related("category")
            .order_by("category__order", "name")
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return data


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    hours = forms.DecimalField(
        label=_("Length in hours"),
        min_value=0.5,
        max_value=12,
        max_digits=4,
        decimal_places=1,
        localize=True,  # 1,5 as well as 1.5, as in the attendance form
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=CourseSession.Topic.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def holiday_warning(self) -> str:
        """A warning, not an error, when the day is a Finnish public holiday: a session may be
        held then on purpose, but most often the day was picked by mistake."""
        if self.is_bound:
            day = getattr(self, "cleaned_data", {}).get("day")
        else:
            day = self.initial.get("day")
        holiday = public_holiday(day, get_language()) if isinstance(day, date) else None
        if holiday is None:
            return ""
        return gettext(
            "%(day)s is a public holiday in Finland (%(holiday)s). Check that the session is "
            "really held on that day."
        ) % {"day": short_date(day), "holiday": holiday}


class EnrolForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose…")
    )
    invite = forms.BooleanField(
        label=_("Send an invitation first"),
        required=False,
        help_text=_("The client holds the place as invited until the provider confirms."),
    )

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if courses is not None:
            self.fields["course"].queryset = courses


class StatusForm(forms.Form):
    ACTIONS = [
        ("confirm", _("Confirm the place (invited → enrolled)")),
        ("complete", _("Completed the course")),
        ("interrupt", _("Interrupted")),
        ("no_show", _("Did not show up")),
    ]
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS, widget=forms.RadioSelect)
    day = forms.DateField(label=_("Day"), widget=DATE, required=False)
    reason = forms.CharField(label=_("Reason for interruption"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("complete", "interrupt", "no_show") and not data.get("day"):
            self.add_error("day", _("Give the day."))
        if action == "interrupt" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the interruption."))
        return data


class PlacementForm(forms.ModelForm):
    class Meta:
        model = WorkPlacement
        fields = [
            "employer",
            "start",
            "end",
            "supervisor",
            "supervisor_contact",
            "outcome",
            "note",
        ]
        widgets = {"start": DATE, "end": DATE}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return data


LEVELS = [("", _("not tested")), *CefrLevel.choices]


class ResultForm(forms.Form):
    day = forms.DateField(label=_("Test day"), widget=DATE)
    test_name = forms.CharField(
        label=_("Test"),
        max_length=150,
    )
    listening = forms.ChoiceField(label=_("Listening"), choices=LEVELS, required=False)
    reading = forms.ChoiceField(label=_("Reading"), choices=LEVELS, required=False)
    speaking = forms.ChoiceField(label=_("Speaking"), choices=LEVELS, required=False)
    writing = forms.ChoiceField(label=_("Writing"), choices=LEVELS, required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(s) for s in ("listening", "reading", "speaking", "writing")):
            raise forms.ValidationError(_("Give the level of at least one skill."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance spreadsheet"),
        help_text=_(
            "CSV or XLSX with the columns course_code, external_id or enrolment_id, "
            "session_date and hours."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The name, the browser's Content-Type and the first bytes must agree (ASVS 12.2.1).
        check_upload(upload, allowed={"csv", "xlsx"})
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
