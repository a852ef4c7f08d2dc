"""drf-spectacular extensions. Imported by CommonConfig.ready, as drf-spectacular asks."""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import add_trace_message


class ScopedFilterSetExtension(DjangoFilterExtension):
    """Document a view's filter set from the filter set's own model.

    drf-spectacular's extension finds the model by calling `get_queryset()`, which here needs
    a request (the access scope, an audit row, an object from the URL) and so fails while the
    schema is built, leaving the filters out of /api/schema/."""

    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        if filterset_class is None:
            return super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        model = filterset_class._meta.model
        result = []
        with add_trace_message(filterset_class):
            for field_name, filter_field in filterset_class.base_filters.items():
                result += self.resolve_filter_field(
                    auto_schema, model, filterset_class, field_name, filter_field
                )
        return result
