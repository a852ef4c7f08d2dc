"""The client registry API: /api/v1/clients/. The identity code is write-only here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kotopolku.access import clients as perms
from kotopolku.access.api import allows
from kotopolku.access.ratelimit import hit, rate_limit, too_many
from kotopolku.access.views import enforce
from kotopolku.clients import identity, selectors, services
from kotopolku.clients.filters import ClientFilter
from kotopolku.clients.models import Client, ClientLanguage, HomeMunicipalityPeriod
from kotopolku.common.api import call_service, problem, service_errors
from kotopolku.common.pagination import CursorPagination
from kotopolku.organisations.models import Organisation


class LanguageSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[a-z]{2,3}$")
    level = serializers.ChoiceField(
        choices=ClientLanguage.Level.choices, required=False, allow_blank=True
    )
    mother_tongue = serializers.BooleanField(required=False, default=False)


class HomePeriodOutput(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality_code")

    class Meta:
        model = HomeMunicipalityPeriod
        fields = ["municipality", "start", "end"]


class ClientOutput(serializers.ModelSerializer):
    languages = LanguageSerializer(many=True, read_only=True)
    home_municipality_periods = HomePeriodOutput(source="home_periods", many=True, read_only=True)
    has_hetu = serializers.BooleanField(read_only=True)
    hetu_masked = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "external_id",
            "first_names",
            "last_name",
            "date_of_birth",
            "has_hetu",
            "hetu_masked",
            "gender",
            "citizenship",
            "phone",
            "email",
            "street_address",
            "postal_code",
            "post_office",
            "interpreter_needed",
            "interpreter_language",
            "permit_basis",
            "first_permit_date",
            "arrival_date",
            "citizenship_date",
            "jobseeker",
            "client_since",
            "responsible_organisation",
            "responsible_override_reason",
            "responsible_worker",
            "closed_at",
            "closure",
            "languages",
            "home_municipality_periods",
        ]

    def get_hetu_masked(self, obj: Client) -> str:
        return identity.masked(obj.date_of_birth) if obj.has_hetu else ""


class ClientInput(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    first_names = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    date_of_birth = serializers.DateField()
    hetu = serializers.CharField(
        max_length=11, required=False, allow_blank=True, allow_null=True, write_only=True
    )
    gender = serializers.ChoiceField(Client.Gender.choices, required=False, allow_blank=True)
    citizenship = serializers.CharField(max_length=3, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    street_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    post_office = serializers.CharField(max_length=100, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    interpreter_language = serializers.CharField(max_length=3, required=False, allow_blank=True)
    permit_basis = serializers.ChoiceField(Client.PermitBasis.choices)
    first_permit_date = serializers.DateField(required=False, allow_null=True)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    citizenship_date = serializers.DateField(
        required=False, allow_null=True, help_text="The day the client became a Finnish citizen."
    )
    jobseeker = serializers.BooleanField(required=False)
    client_since = serializers.DateField(required=False)
    home_municipality = serializers.RegexField(
        r"^[0-9]{3}$",
        required=False,
        allow_null=True,
        help_text=(
            "Three-digit code of the first home municipality (create only): any code of "
            "Statistics Finland's classification valid on `home_start`."
        ),
    )
    home_start = serializers.DateField(required=False, allow_null=True)
    languages = LanguageSerializer(many=True, required=False)
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(archived=False), required=False, allow_null=True
    )
    responsible_override_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True
    )
    responsible_worker = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=(
            "The user id of the client's responsible worker: a coordinator or case worker of "
            "the responsible organisation; null for nobody. Cleared by a transfer."
        ),
    )


# The same limit as the UI search (clients/views.py): the registry cannot be walked by API.
SEARCH_SCOPE, SEARCH_LIMIT, SEARCH_PER = "client-search", 30, 60


class ClientListApi(generics.ListCreateAPIView):
    """Clients the caller may see. `search` matches names and external ids; look an identity
    code up with POST /api/v1/clients/search/ so that it never is in a URL."""

    serializer_class = ClientOutput
    permission_classes = [allows(perms.CLIENT_LIST)]
    filterset_class = ClientFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        search = self.request.query_params.get("search", "")[:100]
        if search and identity.looks_like_hetu(search):
            raise ValidationError(
                {"search": [_("Look identity codes up with POST /api/v1/clients/search/.")]}
            )
        # The filter set narrows this, the clients the user may see.
        return selectors.client_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        search = request.query_params.get("search", "")[:100]
        if search:
            allowed, retry_after = hit(request, SEARCH_SCOPE, limit=SEARCH_LIMIT, per=SEARCH_PER)
            if not allowed:
                return too_many(request, retry_after)
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data.get("results", [])]
        if search:
            selectors.client_search_audit(
                actor=request.user,
                search=search,
                path=request.path,
                hits=len(response.data.get("results", [])),
                ids=ids,
            )
        else:
            selectors.client_list_audit(
                actor=request.user,
                # Cursor pages have no number (and `offset` is not read here: it is not
                # documented and would have let a caller write any page number into the log).
                page_number=None,
                ids=ids,
                path=request.path,
            )
        return response

    @extend_schema(request=ClientInput, responses={201: ClientOutput})
    def post(self, request, *args, **kwargs):
        enforce(request, perms.CLIENT_CREATE)
        data = ClientInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["hetu"] = values.get("hetu") or ""
        try:
            client = services.client_create(actor=request.user, **values)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        client = selectors.client_get(pk=client.pk)
        return Response(ClientOutput(client).data, status=status.HTTP_201_CREATED)


class ClientSearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=100)


class ClientSearchApi(generics.GenericAPIView):
    """Search by name, external id or identity code, in the request body."""

    serializer_class = ClientOutput
    permission_classes = [allows(perms.CLIENT_LIST)]

    def get_queryset(self):
        # Only the schema asks (for the model); post() reads through the access selector.
        return Client.objects.none()

    @extend_schema(request=ClientSearchInput, responses={200: ClientOutput(many=True)})
    @method_decorator(rate_limit(SEARCH_SCOPE, limit=SEARCH_LIMIT, per=SEARCH_PER))
    def post(self, request, *args, **kwargs):
        data = ClientSearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        search = data.validated_data["q"]
        rows = list(selectors.client_list(user=request.user, search=search)[:50])
        selectors.client_search_audit(
            actor=request.user,
            search=search,
            path=request.path,
            hits=len(rows),
            ids=[c.pk for c in rows],
        )
        return Response({"count": len(rows), "results": ClientOutput(rows, many=True).data})


class ClientDetailApi(generics.GenericAPIView):
    serializer_class = ClientOutput
    permission_classes = [allows(perms.CLIENT_VIEW)]

    def get_object(self):
        # DRF's OPTIONS asks for the object before describing PUT; without a queryset that was
        # an AssertionError (a 500 found by make fuzz). Same access check, no `view` audit row.
        return selectors.client_for_user(
            user=self.request.user, pk=self.kwargs["pk"], path=self.request.path, audit_view=False
        )

    def get(self, request, pk: int):
        client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
        return Response(ClientOutput(client).data)

    @extend_schema(request=ClientInput, responses={200: ClientOutput})
    def patch(self, request, pk: int):
        client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
        enforce(request, perms.CLIENT_EDIT, client)
        data = ClientInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "responsible_organisation" in values and (
            getattr(values["responsible_organisation"], "pk", None)
            != client.responsible_organisation_id
        ):
            # A hand-over is not an edit: POST .../transfer/ with consent or a legal basis.
            return Response(
                problem(
                    400,
                    "responsibility_by_transfer",
                    _("The responsible organisation changes only by a transfer."),
                    {
                        "responsible_organisation": [
                            _(
                                "Use POST /api/v1/clients/{id}/transfer/ with the client's "
                                "consent or a legal basis."
                            )
                        ]
                    },
                ),
                status=400,
            )
        if "home_municipality" in values or "home_start" in values:
            raise ValidationError(
                {"home_municipality": [_("Record a move with a new home-municipality period.")]}
            )
        if "hetu" in values and values["hetu"] is None:
            values["hetu"] = ""
        try:
            services.client_update(actor=request.user, client=client, **values)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(ClientOutput(selectors.client_get(pk=client.pk)).data)

    @extend_schema(request=ClientInput, responses={200: ClientOutput})
    def put(self, request, pk: int):
        return self.patch(request, pk)


class ClientTransferInput(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(archived=False)
    )
    legal_basis = serializers.ChoiceField(
        choices=services.TransferBasis.choices, required=False, allow_blank=True
    )


class ClientTransferApi(generics.GenericAPIView):
    """Hand the client over to the organisation of their new home municipality: the only API
    path that changes `responsible_organisation`. Needs the client's valid consent to share
    with that organisation, or a `legal_basis` from the fixed list."""

    serializer_class = ClientOutput
    permission_classes = [allows(perms.CLIENT_TRANSFER)]

    @extend_schema(request=ClientTransferInput, responses={200: ClientOutput})
    def post(self, request, pk: int):
        client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
        enforce(request, perms.CLIENT_TRANSFER, client)
        data = ClientTransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.client_transfer,
            actor=request.user,
            client=client,
            organisation=data.validated_data["organisation"],
            legal_basis=data.validated_data.get("legal_basis", ""),
        )
        return Response(ClientOutput(selectors.client_get(pk=client.pk)).data)
