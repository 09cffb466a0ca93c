"""The JSON API (Django REST framework): reading and searching (``search``), writing articles
(``articles``), one error shape for all (``errors``). The OpenAPI schema is at /api/schema/."""
