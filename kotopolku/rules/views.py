from django.core.paginator import Paginator
from django.shortcuts import render

from kotopolku.access import organisations as perms
from kotopolku.access.views import requires
from kotopolku.rules.selectors import rule_list


@requires(perms.RULES_VIEW)
def rules_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(rule_list(search=search), 50).get_page(request.GET.get("page"))
    return render(request, "rules/rule_list.html", {"page": page, "search": search})
