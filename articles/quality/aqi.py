"""The Article Quality Index of one score, from its answers: pure arithmetic.

    weigh([(value, weight), ...]) -> (yes_weight, applicable_weight, aqi)

``value`` is "yes", "no" or "na". Yes and no answers apply; not applicable ones count in
neither sum. ``aqi`` is ``100 * yes_weight / applicable_weight`` rounded to one decimal, or None
when no answer applies (a score says nothing then, and reports leave it out of averages).
Example: yes (3), no (1), na (2) -> (3, 4, 75.0).
"""
YES, NO, NOT_APPLICABLE = "yes", "no", "na"
VALUES = (YES, NO, NOT_APPLICABLE)


def weigh(answers):
    yes = applicable = 0
    for value, weight in answers:
        if value == YES:
            yes += weight
        if value in (YES, NO):
            applicable += weight
    return yes, applicable, (round(100 * yes / applicable, 1) if applicable else None)
