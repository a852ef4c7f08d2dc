from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "kotopolku.rules"
    label = "rules"
    verbose_name = _("Statutory rules")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from kotopolku.rules import book

        # One rule book per request (read lazily, once); a write to the table starts afresh.
        request_started.connect(book.open_request_scope, dispatch_uid="rules_book_open")
        request_finished.connect(book.close_request_scope, dispatch_uid="rules_book_close")
        for signal in (post_save, post_delete):
            signal.connect(
                book.rule_table_changed,
                sender="rules.StatutoryRule",
                dispatch_uid=f"rules_book_changed_{signal is post_save}",
            )
