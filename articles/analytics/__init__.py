"""Search analytics and reader feedback for editors (issue 13).

    recorder.py   logs searches and clicks without personal data, off the request path
    reports.py    the figures editors read: top queries, no results, no clicks, click rate
    feedback.py   "Did this solve your problem?" votes, one per reader, and helpfulness
    views.py      the click redirect, the editors' pages, the vote form; api.py the JSON
"""
