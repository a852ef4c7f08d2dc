from django.core.paginator import Paginator
from django.shortcuts import render

from kotopolku.access.policy import Perm
from kotopolku.access.views import requires
from kotopolku.rules.selectors import rule_list


@requires(Perm.RULES_VIEW)
def rules_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(rule_list(search=search), 50).get_page(request.GET.get("page"))
    return render(request, "rules/rule_list.html", {"page": page, "search": search})
