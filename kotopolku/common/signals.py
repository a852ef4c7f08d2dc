"""Signals of the common layer.

`rows_written`: sent with the model as sender after rows were written in bulk (`bulk_create`,
`bulk_update`, `QuerySet.update`, the imports' `insert_rows`), which Django's `post_save` does
not announce. The statistics' summary table listens (its tables become stale).
"""

from django.dispatch import Signal

rows_written = Signal()
