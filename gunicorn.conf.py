"""Read by gunicorn when started from the project's folder (``make serve``, the benches, a
deployment following the README); options on the command line override it.

A search is a GET, and support staff paste log lines into it: a request line may be gunicorn's
most, 8,190 bytes, not its default 4,094 (about 450 Japanese characters once encoded). The
page's script sends a search longer than 3,000 encoded characters to log triage as a form post
instead (``static/kb/kb.js``), so only a page without it comes near the limit.
"""
limit_request_line = 8190
