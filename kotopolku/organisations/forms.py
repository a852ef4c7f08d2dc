from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.organisations.models import Membership
from kotopolku.organisations.selectors import user_choices


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class MembershipAddForm(forms.Form):
    user = UserChoiceField(label=_("Person"), queryset=user_choices(), empty_label=_("Choose…"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = user_choices()
